"""`quotes kibana export|import`: the saved objects of `indexer.es.kibana` to a file or into a Kibana."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.options import fail

kibana_app = typer.Typer(
    help="Kibana data view, visualizations, saved search and dashboard for the quotes index.",
    no_args_is_help=True,
)
MAX_ERRORS_SHOWN = 20


@kibana_app.command("export")
def export(
    output: Annotated[str, typer.Option("--output", "-o", help="NDJSON file to write.")],
) -> None:
    """Write the saved objects as NDJSON, ready for Kibana's Stack Management > Saved objects > Import.

    Example: quotes kibana export -o quotes-kibana.ndjson
    """
    from indexer.es.kibana import KibanaError
    from indexer.es.kibana import export as export_objects

    try:
        n = export_objects(output)
    except KibanaError as exc:
        raise fail(str(exc)) from None
    typer.echo(f"wrote {n} saved objects to {output}", err=True)


@kibana_app.command("import")
def import_(
    kibana_url: Annotated[
        str, typer.Option("--kibana-url", envvar="KIBANA_URL", help="Kibana URL, e.g. http://localhost:5601.")
    ],
    api_key: Annotated[
        str | None, typer.Option("--api-key", envvar="KIBANA_API_KEY", help="API key ($KIBANA_API_KEY).")
    ] = None,
    username: Annotated[
        str | None, typer.Option("--username", envvar="KIBANA_USERNAME", help="User ($KIBANA_USERNAME).")
    ] = None,
    password: Annotated[
        str | None,
        typer.Option("--password", envvar="KIBANA_PASSWORD", help="Password (default: $KIBANA_PASSWORD)."),
    ] = None,
    overwrite: Annotated[
        bool, typer.Option("--overwrite/--no-overwrite", help="Replace objects with the same ids.")
    ] = True,
) -> None:
    """Import the data view, visualizations, saved search and dashboard into Kibana.

    Example: quotes kibana import --kibana-url http://localhost:5601 --username elastic
    """
    from indexer.es.kibana import KibanaError, import_objects
    from indexer.store import redact_url

    try:
        answer = import_objects(kibana_url, api_key, username, password, overwrite=overwrite)
    except KibanaError as exc:
        raise fail(str(exc)) from None
    errors = answer.get("errors") or []
    typer.echo(
        f"Kibana at {redact_url(kibana_url)}: imported {answer.get('successCount', 0)} objects, "
        f"{len(errors)} errors"
    )
    for error in errors[:MAX_ERRORS_SHOWN]:
        reason = error.get("error") or {}
        title = error.get("title") or (error.get("meta") or {}).get("title")
        typer.echo(
            f"  {error.get('type')} {error.get('id')} ({title}): "
            f"{reason.get('type', 'error')} {reason.get('message', '')}".rstrip(),
            err=True,
        )
    if len(errors) > MAX_ERRORS_SHOWN:
        typer.echo(f"  ... and {len(errors) - MAX_ERRORS_SHOWN} more", err=True)
    if errors or answer.get("success") is False:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the `kibana` sub-commands to `app`."""
    app.add_typer(kibana_app, name="kibana")

"""`quotes es start|stop|status`: a local Elasticsearch node, or a cluster of several, without Docker."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.options import DataDir, Port, fail

es_app = typer.Typer(
    help="Run a local Elasticsearch node (no Docker): start, stop, status.", no_args_is_help=True
)


@es_app.command("start")
def es_start(
    port: Port = 9200,
    data_dir: DataDir = None,
    setting: Annotated[
        list[str] | None, typer.Option("--setting", help="Extra node setting KEY=VALUE (repeatable).")
    ] = None,
    nodes: Annotated[
        int,
        typer.Option(
            "--nodes", min=1, help="Nodes: 2 or more make a cluster on PORT..PORT+N-1 (transport PORT+100..)."
        ),
    ] = 1,
) -> None:
    """Start a local Elasticsearch node (or a cluster of --nodes) and wait until it is ready.

    Example: quotes es start --nodes 3 --port 9200
    """
    from indexer import escluster, esnode

    settings: dict[str, str] = {}
    for item in setting or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise fail(f"--setting needs KEY=VALUE, got {item!r}", 2)
        settings[key.strip()] = value.strip()
    say = lambda m: typer.echo(m, err=True)  # noqa: E731
    try:
        if nodes > 1:
            layout = escluster.start_cluster(port, nodes, data_dir, settings=settings, progress=say)
            typer.echo(",".join(n.url for n in layout))
            return
        info = esnode.start(port, data_dir, settings=settings, progress=say)
    except esnode.EsNodeError as exc:
        raise fail(str(exc)) from None
    typer.echo(info.url)


@es_app.command("stop")
def es_stop(port: Port = 9200, data_dir: DataDir = None) -> None:
    """Stop the local Elasticsearch node started with `quotes es start`.

    Example: quotes es stop --port 9200
    """
    from indexer import escluster, esnode

    try:
        if escluster.cluster_nodes(port, data_dir) is not None:
            count = escluster.stop_cluster(port, data_dir)
            typer.echo(f"stopped {count} nodes of the cluster on port {port}", err=True)
            return
        stopped = esnode.stop(port, data_dir)
    except esnode.EsNodeError as exc:
        raise fail(str(exc)) from None
    typer.echo(
        f"stopped the node on port {port}" if stopped else f"no local node was running on port {port}",
        err=True,
    )


@es_app.command("status")
def es_status(port: Port = 9200, data_dir: DataDir = None) -> None:
    """Show whether a local Elasticsearch node answers on the port (exit 1 if not).

    Example: quotes es status
    """
    from indexer import escluster, esnode

    members = escluster.cluster_status(port, data_dir)
    if members:
        up = 0
        for node, seen in members:
            ports = f"http {node.http_port} transport {node.transport_port}"
            if seen is None:
                typer.echo(f"{node.name}  {ports}  down")
                continue
            up += 1
            typer.echo(
                f"{node.name}  {ports}  pid {seen.pid}  Elasticsearch {seen.version}  health {seen.health}"
            )
        if up == 0:
            raise fail(
                f"no node of the cluster on port {port} answers; start it with `quotes es start --nodes N`"
            )
        return
    found = esnode.status(port, data_dir)
    if found is None:
        raise fail(f"no Elasticsearch answers at http://127.0.0.1:{port}; start one with `quotes es start`")
    typer.echo(f"{found.url}  Elasticsearch {found.version}  health {found.health}  pid {found.pid}")


def register(app: typer.Typer) -> None:
    """Add the `es` sub-commands to `app`."""
    app.add_typer(es_app, name="es")

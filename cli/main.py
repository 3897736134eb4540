"""The `quotes` command: the app and its sub-commands. Each command module parses its options, makes
one library call and renders the answer (`cli.render`); the options they share are in `cli.options`."""

from __future__ import annotations

import typer

from cli import enrich, extract, index, kibana, node, report, search, train

app = typer.Typer(
    help="Find who said what in news articles and index the attributions in Elasticsearch.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

for module in (extract, index, search, node, kibana, enrich, train, report):
    module.register(app)


if __name__ == "__main__":
    app()

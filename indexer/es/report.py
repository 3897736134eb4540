"""A self-contained HTML report of an index: the dashboard's panels without Kibana.

Each chart is one Lens visualization of the shipped Kibana objects: its aggregation comes from
`indexer.es.kibana.panel_queries`, the same code the Kibana tests check, run under the report's
filter (`indexer.es.search.build_query`). The charts are Vega-Lite specifications built with altair;
`vl-convert-python` inlines the Vega, Vega-Lite and vega-embed JavaScript into the page (so the file
opens with no network) and draws the PNGs.

`build_report` asks Elasticsearch; `render_html` and `write_pngs` only format what it returned.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import html
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from indexer.es import kibana
from indexer.es.search import QuoteFilter, QuoteView, SearchError, build_query, search_quotes

if TYPE_CHECKING:
    from elasticsearch import Elasticsearch

__all__ = ["Panel", "Report", "ReportError", "build_report", "render_html", "write_pngs"]

TOP_QUOTES = 50
OUTLETS_OVER_TIME = 8  # outlets drawn in the anonymous-share panel (the most quoted ones)

# Lens visualization id -> the report's chart for it
TOP_SPEAKERS = "quotes-lens-top-speakers"
ANONYMOUS_SHARE = "quotes-lens-anonymous-share"
PER_OUTLET = "quotes-lens-per-outlet"
QUOTE_TYPES = "quotes-lens-quote-types"
SOURCE_KINDS = "quotes-lens-source-kinds"
ANONYMOUS_TYPES = "quotes-lens-anonymous-types"
REASON_TYPES = "quotes-lens-reason-types"
REPEATED_QUOTES = "quotes-lens-repeated-quotes"
PANEL_ORDER = (
    TOP_SPEAKERS,
    ANONYMOUS_SHARE,
    PER_OUTLET,
    QUOTE_TYPES,
    SOURCE_KINDS,
    ANONYMOUS_TYPES,
    REASON_TYPES,
    REPEATED_QUOTES,
)


class ReportError(Exception):
    """A report that could not be built or written; the message is one line."""


@dataclass
class Panel:
    """One chart: its title, the rows Elasticsearch returned, and a Vega-Lite spec (None if empty)."""

    id: str
    title: str
    note: str
    rows: list[dict[str, Any]]
    spec: dict[str, Any] | None = None

    @property
    def dom_id(self) -> str:
        return "panel-" + self.id.replace("quotes-lens-", "").replace("/", "-")


@dataclass
class Report:
    index: str
    where: QuoteFilter
    generated: str
    total: int
    panels: list[Panel] = field(default_factory=list)
    quotes: list[dict[str, Any]] = field(default_factory=list)


# --------------------------------------------------------------------------- asking Elasticsearch


def _aggregate(client: Elasticsearch, index: str, query: kibana.PanelQuery, where: dict[str, Any]) -> Any:
    from elasticsearch import ApiError, NotFoundError, TransportError

    from indexer.store import client_url, describe_error

    try:
        return client.search(index=index, **query.body(query=where)).body
    except NotFoundError:
        raise ReportError(
            f"no index {index!r} at {client_url(client)}; index some articles first (`quotes index PATH`) "
            "or pass --index"
        ) from None
    except (ApiError, TransportError) as exc:
        raise ReportError(f"Elasticsearch at {client_url(client)}: {describe_error(exc)}") from None


def _counts(query: kibana.PanelQuery, response: Any, names: tuple[str, ...]) -> list[dict[str, Any]]:
    rows = []
    for row in query.rows(response):
        *keys, metrics = row
        rows.append({**dict(zip(names, keys, strict=True)), "quotes": next(iter(metrics.values()))})
    return rows


def build_report(
    client: Elasticsearch, where: QuoteFilter | None = None, index: str = "quotes", top: int = TOP_QUOTES
) -> Report:
    """Run every panel's aggregation and the top quotes under `where`."""
    where = where or QuoteFilter()
    try:
        query = build_query(where)
    except SearchError as exc:
        raise ReportError(str(exc)) from None
    queries = {q.id: q for q in kibana.panel_queries()}
    missing = [p for p in PANEL_ORDER if p not in queries]
    if missing:
        raise ReportError(f"the Kibana objects have no visualization {missing[0]!r}")
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    report = Report(index, where, now, 0)

    speakers = queries[TOP_SPEAKERS]
    answer = _aggregate(client, index, speakers, query)
    report.total = int(_aggregate(client, index, queries[QUOTE_TYPES], query)["hits"]["total"]["value"])
    rows = _counts(speakers, answer, ("speaker",))
    report.panels.append(
        Panel(speakers.id, speakers.title, "Named sources only.", rows, _bars(rows, "speaker"))
    )

    report.panels.append(_anonymous_share(client, index, queries[ANONYMOUS_SHARE], query))

    outlets = queries[PER_OUTLET]
    rows = _counts(outlets, _aggregate(client, index, outlets, query), ("outlet",))
    report.panels.append(Panel(outlets.id, outlets.title, "", rows, _bars(rows, "outlet")))

    for panel_id, name in ((QUOTE_TYPES, "type"), (SOURCE_KINDS, "kind")):
        q = queries[panel_id]
        rows = _counts(q, _aggregate(client, index, q, query), (name,))
        report.panels.append(Panel(q.id, q.title, "", rows, _donut(rows, name)))

    q = queries[ANONYMOUS_TYPES]
    rows = _counts(q, _aggregate(client, index, q, query), ("month", "type"))
    for row in rows:
        row["month"] = str(row["month"])[:7]
    note = "Quotes from anonymous sources per month (undated articles are left out)."
    report.panels.append(Panel(q.id, q.title, note, rows, _stacked(rows, "month", "type", temporal=True)))
    q = queries[REASON_TYPES]
    rows = _counts(q, _aggregate(client, index, q, query), ("outlet", "reason"))
    note = "Anonymous sources whose reason for anonymity the article states."
    report.panels.append(Panel(q.id, q.title, note, rows, _stacked(rows, "outlet", "reason", temporal=False)))

    q = queries[REPEATED_QUOTES]
    rows = []
    for quote, metrics in q.rows(_aggregate(client, index, q, query)):
        values = list(metrics.values())  # articles, outlets, first seen (epoch ms), in column order
        first = values[2]
        when = dt.datetime.fromtimestamp(first / 1000, dt.timezone.utc).date().isoformat() if first else ""
        rows.append(
            {
                "quote": str(quote),
                "articles": int(values[0] or 0),
                "outlets": int(values[1] or 0),
                "first_seen": when,
            }
        )
    note = "Quotes run by two articles or more (the same words, give or take a few at either end)."
    report.panels.append(Panel(q.id, q.title, note, rows, _repeated(rows)))

    try:
        report.quotes = search_quotes(client, where, size=top, index=index)
    except SearchError as exc:
        raise ReportError(str(exc)) from None
    return report


def _anonymous_share(
    client: Elasticsearch, index: str, query: kibana.PanelQuery, where: dict[str, Any]
) -> Panel:
    """The Lens panel (quotes per month, split by anonymous or not) with the outlet as an outer
    bucket, so that each outlet gets its own line of the anonymous share."""
    outlet = kibana.Bucket(
        "outlet-col",
        "Outlet",
        "terms",
        "article.outlet",
        {"size": OUTLETS_OVER_TIME, "order": {"_count": "desc"}, "missing": "(no outlet)"},
    )
    per_outlet = dataclasses.replace(query, buckets=(outlet, *query.buckets))
    month = next(b for b in query.buckets if b.agg == "date_histogram")
    counts: dict[tuple[str, str], list[int]] = {}
    for outlet_key, month_key, anonymous, metrics in per_outlet.rows(
        _aggregate(client, index, per_outlet, where)
    ):
        slot = counts.setdefault((str(outlet_key), str(month_key)[:7]), [0, 0])
        slot[0 if str(anonymous).lower() == "true" else 1] += int(next(iter(metrics.values())))
    rows = [
        {"outlet": o, "month": m, "anonymous": a, "quotes": a + n, "share": round(a / (a + n), 4)}
        for (o, m), (a, n) in sorted(counts.items())
        if a + n
    ]
    note = (
        f"Share of quotes whose source is anonymous, per month of {month.field} "
        "(undated articles are left out)."
    )
    return Panel(query.id, query.title + ", per outlet", note, rows, _share_lines(rows))


# --------------------------------------------------------------------------- charts (Vega-Lite via altair)


def _bars(rows: list[dict[str, Any]], key: str) -> dict[str, Any] | None:
    if not rows:
        return None
    import altair as alt

    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            y=alt.Y(f"{key}:N", sort=None, title=None),  # Elasticsearch's order: most quotes first
            x=alt.X("quotes:Q", title="Quotes"),
            tooltip=[alt.Tooltip(f"{key}:N"), alt.Tooltip("quotes:Q")],
        )
        .properties(width=420, height=alt.Step(22))
    )
    text = chart.mark_text(align="left", dx=3).encode(text="quotes:Q")
    return dict((chart + text).to_dict())


def _repeated(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not rows:
        return None
    import altair as alt

    for row in rows:
        row["label"] = row["quote"] if len(row["quote"]) <= 70 else row["quote"][:67].rstrip() + "..."
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            y=alt.Y("label:N", sort=None, title=None),  # Elasticsearch's order: most articles first
            x=alt.X("articles:Q", title="Articles"),
            tooltip=["quote:N", "articles:Q", "outlets:Q", "first_seen:N"],
        )
        .properties(width=420, height=alt.Step(22))
    )
    text = chart.mark_text(align="left", dx=3).encode(text="articles:Q")
    return dict((chart + text).to_dict())


def _donut(rows: list[dict[str, Any]], key: str) -> dict[str, Any] | None:
    if not rows:
        return None
    import altair as alt

    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_arc(innerRadius=50)
        .encode(
            theta=alt.Theta("quotes:Q"),
            color=alt.Color(f"{key}:N", title=key.capitalize()),
            tooltip=[alt.Tooltip(f"{key}:N"), alt.Tooltip("quotes:Q")],
        )
        .properties(width=220, height=220)
    )
    return dict(chart.to_dict())


def _stacked(rows: list[dict[str, Any]], key: str, split: str, temporal: bool) -> dict[str, Any] | None:
    """Stacked bars: per month (upright) or per outlet (lying), split by kind."""
    if not rows:
        return None
    import altair as alt

    along = alt.X(f"{key}:O", title="Month") if temporal else alt.Y(f"{key}:N", title=None)  # "2026-04"
    count = alt.Y("quotes:Q", title="Quotes") if temporal else alt.X("quotes:Q", title="Quotes")
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            along,
            count,
            color=alt.Color(f"{split}:N", title=split.capitalize()),
            tooltip=[alt.Tooltip(f"{key}:N"), alt.Tooltip(f"{split}:N"), alt.Tooltip("quotes:Q")],
        )
        .properties(width=420, height=220 if temporal else alt.Step(22))
    )
    return dict(chart.to_dict())


def _share_lines(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    if not rows:
        return None
    import altair as alt

    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_line(point=True)
        .encode(
            x=alt.X("month:T", timeUnit="yearmonth", title="Month"),
            y=alt.Y(
                "share:Q", axis=alt.Axis(format="%"), title="Anonymous share", scale=alt.Scale(domain=[0, 1])
            ),
            color=alt.Color("outlet:N", title="Outlet"),
            tooltip=[
                "outlet:N",
                alt.Tooltip("month:T", timeUnit="yearmonth"),
                "anonymous:Q",
                "quotes:Q",
                alt.Tooltip("share:Q", format=".0%"),
            ],
        )
        .properties(width=420, height=220)
    )
    return dict(chart.to_dict())


# --------------------------------------------------------------------------- output


def _filters_line(report: Report) -> str:
    w = report.where
    parts = [
        f"{name}: {value}"
        for name, value in (
            ("query", w.query.strip() or None),
            ("speaker", w.speaker),
            ("outlet", w.outlet),
            ("since", w.since),
            ("until", w.until),
            ("type", w.type),
        )
        if value
    ]
    return "; ".join(parts) or "all quotes"


def _quote_rows(report: Report) -> str:
    out = []
    for hit in report.quotes:
        q = QuoteView.of(hit)
        who = (q.speaker or "unknown") + (" (anonymous)" if q.anonymous else "")
        url = q.url or ""
        title = html.escape(q.title or q.article_id)
        link = (
            f'<a href="{html.escape(url, quote=True)}">{title}</a>'
            if url.startswith(("http://", "https://"))
            else title
        )
        out.append(
            "<tr>"
            f"<td>{html.escape(q.words)}</td>"
            f"<td>{html.escape(who)}</td>"
            f"<td>{html.escape(q.outlet or '')}</td>"
            f"<td>{html.escape((q.published_at or '')[:10])}</td>"
            f"<td>{link}</td>"
            "</tr>"
        )
    return "\n".join(out)


_STYLE = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; } .meta { color: #666; margin-top: 0; }
.grid { display: flex; flex-wrap: wrap; gap: 1.5em; }
.panel { border: 1px solid #ddd; border-radius: 6px; padding: 0.8em 1em; }
.panel h2 { font-size: 1.05em; margin: 0 0 0.3em; }
.panel p { color: #666; margin: 0 0 0.5em; font-size: 0.9em; }
.empty { color: #999; font-style: italic; }
table { border-collapse: collapse; width: 100%; margin-top: 1em; }
th, td { border-bottom: 1px solid #eee; padding: 0.35em 0.5em; text-align: left; vertical-align: top; }
th { background: #f6f6f6; }
"""


def render_html(report: Report) -> str:
    """The report as one HTML file with every script and style inline."""
    import vl_convert

    specs = {p.dom_id: p.spec for p in report.panels if p.spec is not None}
    panels = []
    for p in report.panels:
        body = (
            f'<div class="chart" id="{p.dom_id}"></div>'
            if p.spec is not None
            else '<div class="empty">No quotes for this panel.</div>'
        )
        note = f"<p>{html.escape(p.note)}</p>" if p.note else ""
        panels.append(
            f'<section class="panel" data-panel="{p.id}"><h2>{html.escape(p.title)}</h2>'
            f"{note}{body}</section>"
        )
    if report.total:
        quotes = (
            f'<h2>The {len(report.quotes)} most relevant quotes</h2><table id="quotes">'
            "<thead><tr><th>Quote</th><th>Speaker</th><th>Outlet</th><th>Date</th><th>Article</th></tr></thead><tbody>"
            f"{_quote_rows(report)}</tbody></table>"
        )
        grid = f'<div class="grid">{"".join(panels)}</div>'
    else:
        quotes, grid = "", '<p class="empty" id="no-quotes">No quotes match these filters.</p>'
    script = (
        "const specs = JSON.parse(document.getElementById('specs').textContent);\n"
        "const opts = {renderer: 'svg', actions: false};\n"
        "Promise.all(Object.entries(specs).map(([id, spec]) => vegaEmbed('#' + id, spec, opts)))\n"
        "  .then(() => { window.reportDrawn = performance.now(); document.body.dataset.drawn = 'yes'; })\n"
        "  .catch((err) => { console.error(err); document.body.dataset.drawn = 'failed'; });\n"
    )
    bundle = vl_convert.javascript_bundle(script)
    data = json.dumps(specs, ensure_ascii=False).replace("</", "<\\/")
    bundle = bundle.replace("</script", "<\\/script")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>Quotes report: {html.escape(report.index)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>Who is quoted: {html.escape(report.index)}</h1>"
        f'<p class="meta">{report.total:,} quotes ({html.escape(_filters_line(report))}); '
        f"built {html.escape(report.generated)} by <code>quotes report</code>.</p>"
        f"{grid}{quotes}"
        f'<script type="application/json" id="specs">{data}</script>'
        f'<script type="module">{bundle}</script>'
        "</body></html>\n"
    )


def write_pngs(report: Report, folder: Path) -> list[Path]:
    """Each drawn panel as `folder/<panel>.png` (twice the screen resolution)."""
    import vl_convert

    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"cannot create {folder}: {exc.strerror}") from None
    written = []
    for panel in report.panels:
        if panel.spec is None:
            continue
        path = folder / f"{panel.dom_id}.png"
        try:
            path.write_bytes(vl_convert.vegalite_to_png(panel.spec, scale=2))
        except OSError as exc:
            raise ReportError(f"cannot write {path}: {exc.strerror}") from None
        written.append(path)
    return written

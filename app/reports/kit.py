"""The report kit: what every report page shares, so each report is its numbers and its picture.

- `ask()`: what the user asked for, from the query string: the period (app/services/reports/period.py),
  the period before it when comparing, and the filters (owner, tier, source). A filter naming no
  member, tier or source is dropped and named in `ReportAsk.ignored` (the page says so).
- `ReportTable`: a report's table, its columns (`Column` of app/services/exporting: key, kind) with
  their translated labels and its rows of raw values (Decimal, int, share, str…) in column order.
  The page shows it under the picture (templates/reports/_kit.html `report_table`), and the same URL
  with `?format=csv|csv-excel|xlsx` downloads it: the file holds exactly what the page shows.
- `bar(...)`: one bar of a picture, as the chart macros read it.
- `show(template, table, **context)`: the page, or the file when a format is asked for.

A report's route: `asked = ask()`, the numbers from its service in app/services/reports/, a
`ReportTable`, a reading line (the service gives numbers, the route words them with Babel), then
`show(...)`. Its template extends "reports/_page.html" (period form, filters, reading, export menu)
and fills the blocks `picture` (charts from templates/reports/_charts.html) and `table`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import g, request
from markupsafe import Markup, escape

from app import formatting
from app.exports.routes import download_format, table_download
from app.extensions import db
from app.models.partner import SOURCES, TIERS
from app.reports.period_args import period_from_request
from app.services.accounts import workspace_members
from app.services.exporting import Export
from app.services.exporting.columns import Column
from app.services.reports.period import Period
from app.web import int_arg, render


@dataclass(frozen=True)
class Filters:
    owner_id: int | None = None
    tier: str | None = None
    source: str | None = None

    def args(self) -> dict:
        """The filters as query arguments (for links that keep them)."""
        named = {"owner": self.owner_id, "tier": self.tier, "source": self.source}
        return {key: value for key, value in named.items() if value is not None}


@dataclass(frozen=True)
class ReportAsk:
    period: Period
    before: Period | None  # the period to compare with, when asked for
    filters: Filters
    ignored: tuple[str, ...] = ()  # query arguments that named nothing valid: "owner", "tier", "source"

    def args(self) -> dict:
        """Everything asked, as query arguments: the export links carry them."""
        args = {"period": self.period.preset, **self.filters.args()}
        if self.period.preset == "custom":
            args |= {"from": self.period.start.isoformat(), "to": self.period.end.isoformat()}
        if self.before:
            args["compare"] = "1"
        return args


def owner_choices() -> list[tuple[int, str]]:
    """(user id, name) of the workspace's members, by name: the owner filter's choices (once per request)."""
    choices = g.get("_report_owner_choices")
    if choices is None:
        choices = g._report_owner_choices = [(u.id, u.name) for u in workspace_members(db.session, g.workspace.id)]
    return choices


def ask() -> ReportAsk:
    asked = period_from_request()
    ignored = []
    owner_id = int_arg("owner")
    if owner_id is not None and owner_id not in dict(owner_choices()):
        owner_id = None
    tier, source = request.args.get("tier") or None, request.args.get("source") or None
    if tier is not None and tier not in TIERS:
        tier = None
    if source is not None and source not in SOURCES:
        source = None
    for name, kept in (("owner", owner_id), ("tier", tier), ("source", source)):
        if request.args.get(name) and kept is None:
            ignored.append(name)
    return ReportAsk(asked.period, asked.before, Filters(owner_id, tier, source), tuple(ignored))


@dataclass
class ReportTable:
    name: str  # in the file name: orchard-report-<name>-<date>.csv
    title: str  # translated: the sheet's name and the table's caption
    columns: tuple[Column, ...]
    labels: tuple[str, ...]  # translated headers, in column order
    rows: list[tuple] = field(default_factory=list)

    def __post_init__(self):
        if len(self.columns) != len(self.labels):
            raise ValueError("a label for every column")

    @property
    def currency_index(self) -> int | None:
        """Where the row's currency is (amounts are shown in it), if the table has one."""
        keys = [column.key for column in self.columns]
        return keys.index("currency") if "currency" in keys else None

    def shown(self) -> list[list[str | None]]:
        """The rows as the page writes them (None: no value), the user's locale looked up once."""
        locale, money_at = formatting.locale_name(), self.currency_index
        writers = [_writer(column.kind, money_at, locale) for column in self.columns]
        return [
            [None if value is None else write(value, row) for write, value in zip(writers, row, strict=True)]
            for row in self.rows
        ]

    def body(self) -> Markup:
        """The table's rows as HTML, written in one pass (a report's tables run to hundreds of cells,
        each a few template look-ups): the first cell heads its row, the others carry their column's
        kind as a class and its label for the phone layout; no value is a muted dash."""
        kinds = [escape(column.kind) for column in self.columns]
        labels = [escape(label) for label in self.labels]
        missing = Markup('<span class="muted">–</span>')
        rows = []
        for cells in self.shown():
            texts = [missing if text is None else escape(text) for text in cells]
            rest = "".join(
                f'<td class="kind-{kind}" data-label="{label}">{text}</td>'
                for kind, label, text in zip(kinds[1:], labels[1:], texts[1:], strict=True)
            )
            rows.append(f'<tr><th scope="row">{texts[0]}</th>{rest}</tr>')
        return Markup("\n".join(rows))


def _writer(kind: str, money_at: int | None, locale: str):
    """How a cell of this kind of column is written: a function of the value and its row (amounts
    in the row's currency, when the table has one)."""
    if kind == "amount" and money_at is not None:
        return lambda value, row: formatting.fmt_money(value, row[money_at], locale)
    if kind in ("amount", "integer"):
        return lambda value, row: formatting.fmt_number(value, locale)
    if kind == "percent":
        return lambda value, row: formatting.fmt_percent(value, locale)
    if kind == "decimal":
        return lambda value, row: formatting.fmt_decimal(value, 1, locale)
    if kind == "date":
        return lambda value, row: formatting.fmt_date(value)
    return lambda value, row: str(value)


def bar(label: str, value, text: str, *, before=None, before_text: str | None = None, href: str | None = None) -> dict:
    """One bar of a picture (templates/reports/_charts.html `bars`): its label, the value it is drawn
    from and that value written out; with a comparison, the period before's value and text."""
    return {"label": label, "value": value, "text": text, "before": before, "before_text": before_text, "href": href}


def show(template: str, table: ReportTable, /, **context):
    """The report page, or its table as a file when `?format=` asks for one."""
    if request.args.get("format"):
        export = Export(f"report-{table.name}", table.columns, iter(table.rows))
        return table_download(export, list(table.labels), download_format(), title=table.title)
    return render(template, table=table, owner_choices=owner_choices(), **context)

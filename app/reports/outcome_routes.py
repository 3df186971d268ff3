"""The Sources and Tiers reports: where the partners gained in a period came from (or which tier they
are in) and what they became. Numbers from app.services.reports.outcomes; layout from the kit."""

from __future__ import annotations

from flask import g, url_for
from flask_babel import gettext as _

from app.extensions import db
from app.formatting import fmt_decimal, fmt_money, fmt_number, fmt_percent
from app.partners.forms import SOURCE_LABELS
from app.reports import bp, kit
from app.services.exporting.columns import Column
from app.services.reports import outcomes
from app.web import now_utc


@bp.route("/sources")
def sources():
    return _outcomes("source")


@bp.route("/tiers")
def tiers():
    return _outcomes("tier")


def _label(group: str, key: str) -> str:
    return str(SOURCE_LABELS[key]) if group == "source" else _("Tier %(tier)s", tier=key)


def _outcomes(group: str):
    asked = kit.ask()
    build = outcomes.sources_report if group == "source" else outcomes.tiers_report
    report = build(db.session, g.workspace.id, asked.period, asked.filters, now_utc(), before=asked.before)
    return kit.show(
        "reports/outcomes.html",
        _table(report, asked),
        asked=asked,
        report=report,
        charts=_charts(report, asked),
        reading=_reading(report),
        compare_label=_("Period before") if asked.before else None,
    )


def _columns(group: str, compare: bool) -> list[tuple[Column, str]]:
    columns = [
        (Column(group, width=14), _("Source") if group == "source" else _("Tier")),
        (Column("gained", "integer"), _("Partners gained")),
        (Column("active_share", "percent"), _("Became active")),
        (Column("days_to_won", "decimal"), _("Days to first won deal")),
        (Column("currency", width=9), _("Currency")),
        (Column("won", "amount"), _("Won revenue")),
        (Column("per_partner", "amount"), _("Won revenue per partner")),
        (Column("to_us", "decimal"), _("Average value to us")),
        (Column("to_partner", "decimal"), _("Average value to the partner")),
        (Column("win_win_share", "percent"), _("Win-win deals")),
        (Column("retained_share", "percent"), _("Still active after 12 months (gained a year before)")),
        (Column("referrals", "integer"), _("Referrals made")),
        (Column("multiplier", "decimal"), _("Referral multiplier")),
    ]
    if group == "tier":
        columns.append((Column("cadence_kept", "percent"), _("Cadence kept now")))
    if compare:
        columns += [
            (Column("gained_before", "integer"), _("Partners gained, period before")),
            (Column("per_partner_before", "amount"), _("Won revenue per partner, period before")),
        ]
    return columns


def _table(report, asked) -> kit.ReportTable:
    columns = _columns(report.group, asked.before is not None)
    rows = []
    for row in report.rows:
        if not (row.gained or row.retention_base or row.cadence_base):
            continue
        before = report.before.get(row.key) if report.before else None
        for money in row.money or [None]:
            values = [
                _label(report.group, row.key),
                row.gained,
                row.active_share,
                row.days_to_won,
                money.currency if money else None,
                money.won if money else None,
                money.per_partner if money else None,
                row.to_us,
                row.to_partner,
                row.win_win_share,
                row.retained_share,
                row.referrals,
                row.multiplier,
            ]
            if report.group == "tier":
                values.append(row.cadence_kept)
            if before is not None:
                earlier = next((m for m in before.money if money and m.currency == money.currency), None)
                values += [before.gained, earlier.per_partner if earlier else None]
            rows.append(tuple(values))
    title = _("Sources") if report.group == "source" else _("Tiers")
    return kit.ReportTable(
        f"{report.group}s", title, tuple(c for c, _l in columns), tuple(label for _c, label in columns), rows
    )


def _charts(report, asked) -> list:
    """Small multiples: partners gained, revenue per partner (main currency), win-win share,
    12-month retention, and for tiers the cadence kept; each with the period before when compared."""
    before = report.before or {}
    link_arg = "source" if report.group == "source" else "tier"

    def items(value_of, text_of):
        result = []
        for row in report.rows:
            value, earlier = value_of(row), value_of(before[row.key]) if row.key in before else None
            result.append(
                kit.bar(
                    _label(report.group, row.key),
                    value or 0,
                    text_of(value) if value is not None else "–",
                    before=(earlier or 0) if asked.before else None,
                    before_text=text_of(earlier) if earlier is not None else None,
                    href=url_for("partners.index", **{link_arg: row.key}),
                )
            )
        return result

    charts = [(_("Partners gained"), items(lambda r: r.gained, fmt_number))]
    if report.currencies:
        currency = report.currencies[0]

        def per_partner(row):
            return next((m.per_partner for m in row.money if m.currency == currency), None)

        charts.append(
            (
                _("Won revenue per partner (%(currency)s)", currency=currency),
                items(per_partner, lambda v: fmt_money(v, currency)),
            )
        )
    charts.append((_("Win-win deals"), items(lambda r: r.win_win_share, fmt_percent)))
    charts.append((_("Still active after 12 months"), items(lambda r: r.retained_share, fmt_percent)))
    if report.group == "tier":
        charts.append((_("Cadence kept now"), items(lambda r: r.cadence_kept, fmt_percent)))
    else:
        charts.append((_("Referral multiplier"), items(lambda r: r.multiplier, fmt_decimal)))
    return charts


def _reading(report) -> str | None:
    found = report.reading
    if found is None:
        return None
    best = _label(report.group, found.best)
    if found.key == "revenue_ratio":
        other = _label(report.group, found.other)
        if report.group == "source":
            return _(
                "Partners from %(best)s bring %(ratio)s× the won revenue per partner of those from %(other)s (%(currency)s).",
                best=best,
                ratio=fmt_decimal(found.ratio),
                other=other,
                currency=found.currency,
            )
        return _(
            "%(best)s partners bring %(ratio)s× the won revenue per partner of %(other)s partners (%(currency)s).",
            best=best,
            ratio=fmt_decimal(found.ratio),
            other=other,
            currency=found.currency,
        )
    if report.group == "source":
        return _(
            "%(best)s brought the most partners: %(count)s of %(total)s.",
            best=best,
            count=fmt_number(found.count),
            total=fmt_number(found.total),
        )
    return _(
        "%(best)s has the most new partners: %(count)s of %(total)s.",
        best=best,
        count=fmt_number(found.count),
        total=fmt_number(found.total),
    )

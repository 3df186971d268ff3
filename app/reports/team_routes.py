"""Two reports of the Reports section: relationship health over time (/reports/health) and account
managers (/reports/managers). The numbers come from app.services.reports; here they are worded."""

from __future__ import annotations

from flask import g
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user

from app.dashboard.routes import FLAG_LABELS
from app.extensions import db
from app.formatting import fmt_date, fmt_money, fmt_number, fmt_percent
from app.models.report_weeks import ANSWER_BUCKET_HOURS, FLAG_COLUMNS
from app.reports import bp
from app.reports.kit import ReportTable, ask, bar, show
from app.services.exporting.columns import Column
from app.services.reports.health import health_history
from app.services.reports.managers import managers_report
from app.web import now_utc

BAND_LABELS = (_l("At risk (0–39)"), _l("Weak (40–59)"), _l("Fair (60–79)"), _l("Healthy (80–100)"))
READINGS = {
    "fell": _l("%(flag)s partners fell from %(first)s to %(last)s since the week of %(since)s."),
    "rose": _l("%(flag)s partners rose from %(first)s to %(last)s since the week of %(since)s."),
    "same": _l("%(flag)s partners stayed at %(last)s since the week of %(since)s."),
}


@bp.route("/health")
def health():
    asked = ask()
    history = health_history(db.session, g.workspace.id, now_utc(), asked.period.start, asked.period.end)
    table = ReportTable(
        "health",
        _("Relationship health per week"),
        (
            Column("week", "date"),
            Column("state"),
            Column("partners", "integer"),
            *(Column(f"band_{n}", "integer") for n in range(len(BAND_LABELS))),
            *(Column(flag, "integer") for flag in FLAG_COLUMNS),
        ),
        (
            _("Week of"),
            _("State"),
            _("Partners"),
            *(str(label) for label in BAND_LABELS),
            *(str(FLAG_LABELS[flag]) for flag in FLAG_COLUMNS),
        ),
        [
            (
                week.week_start,
                _("Closed") if week.closed else _("This week so far"),
                week.partners,
                *week.bands,
                *(week.flags[flag] for flag in FLAG_COLUMNS),
            )
            for week in history.weeks
        ],
    )
    reading = None
    if history.reading:
        r = history.reading
        reading = READINGS[r.key] % {
            "flag": FLAG_LABELS[r.flag],
            "first": fmt_number(r.first),
            "last": fmt_number(r.last),
            "since": fmt_date(r.since),
        }
    weeks = history.weeks

    def series(label, values):
        return {"label": str(label), "points": values, "first": fmt_number(values[0]), "last": fmt_number(values[-1])}

    bands, flags = [], []
    if weeks:
        bands = [series(label, [w.bands[n] for w in weeks]) for n, label in reversed(list(enumerate(BAND_LABELS)))]
        flags = [series(FLAG_LABELS[flag], [w.flags[flag] for w in weeks]) for flag in FLAG_COLUMNS]
    return show("reports/health.html", table, asked=asked, reading=reading, weeks=weeks, bands=bands, flags=flags)


def answer_bucket_label(index: int | None) -> str | None:
    """The answer-time bucket in words: "under 4 hours", "1–2 days", "30 days or more"."""
    if index is None:
        return None
    bounds = (0, *ANSWER_BUCKET_HOURS)

    def span(hours):
        if hours < 24:
            return ngettext("%(num)d hour", "%(num)d hours", hours)
        return ngettext("%(num)d day", "%(num)d days", hours // 24)

    if index == 0:
        return _("under %(span)s", span=span(ANSWER_BUCKET_HOURS[0]))
    if index == len(ANSWER_BUCKET_HOURS):
        return _("%(span)s or more", span=span(ANSWER_BUCKET_HOURS[-1]))
    return _("%(low)s to %(high)s", low=span(bounds[index]), high=span(bounds[index + 1]))


@bp.route("/managers")
def managers():
    asked = ask()
    # an owner sees everyone (or the one chosen in the owner filter); a member sees their own row
    only = asked.filters.owner_id if g.membership.is_owner else current_user.id
    report = managers_report(db.session, g.workspace.id, asked.period, now_utc(), only_owner=only)
    rows = []
    for r in report.rows:
        name = _who(r)
        base = (
            r.partners,
            r.touches,
            r.expected_touches,
            r.cadence_kept,
            r.episodes,
            r.open_episodes,
            answer_bucket_label(r.median_bucket),
            r.neglected_share,
            r.winwin_share,
        )
        if not r.revenue:
            rows.append((name, *base, None, None))
        for currency, amount in r.revenue.items():
            rows.append((name, *base, amount, currency))
    table = ReportTable(
        "managers",
        _("Account managers"),
        (
            Column("owner"),
            Column("partners", "integer"),
            Column("touches", "integer"),
            Column("expected_touches", "decimal"),
            Column("cadence_kept", "percent"),
            Column("episodes", "integer"),
            Column("open_episodes", "integer"),
            Column("median_answer"),
            Column("neglected_share", "percent"),
            Column("winwin_share", "percent"),
            Column("won", "amount"),
            Column("currency"),
        ),
        (
            _("Account manager"),
            _("Partners"),
            _("Touches"),
            _("Touches the cadences ask for"),
            _("Cadence kept"),
            _("Waiting-on-us episodes"),
            _("Still waiting"),
            _("Median time to answer (its bucket)"),
            _("Neglected"),
            _("Win-win deals"),
            _("Won revenue"),
            _("Currency"),
        ),
        rows,
    )
    reading = None
    if report.reading:
        best, worst = report.reading.best, report.reading.worst
        if worst is None:
            reading = _(
                "%(name)s made %(kept)s of the touches their partners' cadences ask for.",
                name=best.name,
                kept=fmt_percent_of(best.cadence_kept),
            )
        else:
            reading = _(
                "%(best)s made %(best_kept)s of the touches their cadences ask for; %(worst)s %(worst_kept)s.",
                best=best.name,
                best_kept=fmt_percent_of(best.cadence_kept),
                worst=worst.name,
                worst_kept=fmt_percent_of(worst.cadence_kept),
            )
    kept = [_bar(r, r.cadence_kept, fmt_percent_of(r.cadence_kept)) for r in report.rows if r.cadence_kept is not None]
    neglected = [
        _bar(r, r.neglected_share, fmt_percent_of(r.neglected_share))
        for r in report.rows
        if r.neglected_share is not None
    ]
    revenue = {}
    for r in report.rows:
        for currency, amount in r.revenue.items():
            revenue.setdefault(currency, []).append(_bar(r, float(amount), fmt_money(amount, currency)))
    return show(
        "reports/managers.html",
        table,
        asked=asked,
        reading=reading,
        report=report,
        kept=kept,
        neglected=neglected,
        revenue=sorted(revenue.items()),
        own_row_only=not g.membership.is_owner,
    )


def _who(row) -> str:
    if row.name:
        return row.name
    return _("No owner") if row.owner_id == 0 else _("Former member")


def _bar(row, value, text) -> dict:
    return bar(_who(row), value, text)


def fmt_percent_of(share) -> str:
    """A share or ratio (1.4: touches over the touches asked for) as "140%"; a dash when unknown."""
    return fmt_percent(share) if share is not None else "–"

"""Referral economics: revenue per generation, what referrers cost against what their referrals
bring, growing branches and dead ends (numbers from app/services/reports/referral_economics.py)."""

from __future__ import annotations

from flask import g, request
from flask_babel import gettext as _
from flask_login import current_user

from app.extensions import db
from app.formatting import fmt_money, fmt_number, fmt_percent
from app.reports import bp, kit
from app.services.clock import local_today
from app.services.exporting.columns import Column
from app.services.reports.referral_economics import economics
from app.web import now_utc, url_template

CHARTED_CURRENCIES = 3  # pictures for the biggest currencies; the table has them all


def _generation_labels(data) -> dict[int, str]:
    """Each generation's label, worded once for the page's tables and pictures."""
    labels = {}
    for row in data.generations:
        if row.generation == 0:
            labels[0] = _("Generation 0 (nobody referred them)")
        elif row.deeper:
            labels[row.generation] = _("Generation %(number)s and deeper", number=row.generation)
        else:
            labels[row.generation] = _("Generation %(number)s", number=row.generation)
    return labels


def _tables(data, labels: dict[int, str]) -> dict[str, kit.ReportTable]:
    generations = kit.ReportTable(
        "referral-generations",
        _("Revenue per generation"),
        (
            Column("generation", width=34),
            Column("partners", "integer"),
            Column("currency", width=8),
            Column("won", "amount"),
            Column("deals", "integer"),
            Column("per_partner", "amount"),
        ),
        (_("Generation"), _("Partners"), _("Currency"), _("Won"), _("Won deals"), _("Won per partner")),
    )
    for row in data.generations:
        for currency in data.currencies or [None]:
            generations.rows.append(
                (
                    labels[row.generation],
                    row.partners,
                    currency,
                    row.revenue.get(currency) if currency else None,
                    row.deals.get(currency, 0) if currency else None,
                    row.per_partner(currency) if currency else None,
                )
            )
    referrers = kit.ReportTable(
        "referrers",
        _("Referrers: commission against revenue brought"),
        (
            Column("referrer", width=30),
            Column("currency", width=8),
            Column("brought", "amount"),
            Column("own", "amount"),
            Column("paid", "amount"),
            Column("owed", "amount"),
            Column("referrals", "integer"),
            Column("branch", "integer"),
        ),
        (
            _("Referrer"),
            _("Currency"),
            _("Brought by their referrals"),
            _("Their own won deals"),
            _("Commission paid"),
            _("Commission owed"),
            _("Direct referrals"),
            _("Partners in branch"),
        ),
        rows=[(r.name, r.currency, r.brought, r.own, r.paid, r.owed, r.direct, r.branch_size) for r in data.referrers],
    )
    growing = kit.ReportTable(
        "growing-branches",
        _("Growing branches"),
        (Column("root", width=30), Column("branch", "integer"), Column("new", "integer"), Column("before", "integer")),
        (_("Branch of"), _("Partners in branch"), _("New referrals"), _("New referrals, period before")),
        rows=[(r.name, r.branch_size, r.new, r.before) for r in data.growing],
    )
    dead = kit.ReportTable(
        "dead-ends",
        _("Dead ends"),
        (Column("referrer", width=30), Column("referrals", "integer"), Column("last", "date")),
        (_("Referrer"), _("Referrals (none referred anyone)"), _("Last referral")),
        rows=[(r.name, r.referrals, r.last_referred_on) for r in data.dead_ends],
    )
    return {t.name: t for t in (generations, referrers, growing, dead)}


def _reading(reading) -> str | None:
    numbers = reading.numbers
    if reading.key == "compared":
        return _(
            "Referred partners (generation 1) bring %(share)s of the revenue per partner of the partners "
            "nobody referred (generation 0), in %(currency)s.",
            share=fmt_percent(numbers["share"]),
            currency=numbers["currency"],
        )
    if reading.key == "only_first":
        return _(
            "Only partners nobody referred brought won revenue in %(currency)s in this period.",
            currency=numbers["currency"],
        )
    if reading.key == "only_referred":
        return _(
            "Partners nobody referred won nothing in %(currency)s in this period: all of it came through referrals.",
            currency=numbers["currency"],
        )
    if reading.key == "no_revenue":
        return _("No deal was won in this period: the revenue per generation is empty.")
    return None


def _charts(data, labels: dict[int, str]):
    """Per currency: won revenue per generation and won per partner (bars), the period before under each."""
    charts = []
    earlier, compared = data.before or {}, data.before is not None
    for currency in data.currencies[:CHARTED_CURRENCIES]:
        won, each = [], []
        for row in data.generations:
            old = earlier.get(row.generation)
            value, per = row.revenue.get(currency), row.per_partner(currency)
            old_value = old.revenue.get(currency) if old else None
            old_per = old.per_partner(currency) if old else None
            label = labels[row.generation]
            won.append(_item(label, value, currency, (old_value or 0) if compared else None))
            each.append(_item(label, per, currency, (old_per or 0) if compared else None))
        charts.append((_("Won, %(currency)s", currency=currency), won))
        charts.append((_("Won per partner, %(currency)s", currency=currency), each))
    return charts


def _item(label, value, currency, before=None, href=None):
    before_text = fmt_money(before, currency) if before is not None else None
    return kit.bar(
        label, value or 0, fmt_money(value or 0, currency), before=before, before_text=before_text, href=href
    )


@bp.route("/referral-economics")
def referral_economics():
    asked = kit.ask()
    today = local_today(current_user.timezone, now_utc())
    data = economics(db.session, g.workspace.id, asked.period, today, before=asked.before)
    labels = _generation_labels(data)
    tables = _tables(data, labels)
    chosen = tables.get(request.args.get("table"), tables["referral-generations"])
    tree = url_template("referrals.tree", "partner_id")
    main = data.referrers[0].currency if data.referrers else None
    referrer_bars = [
        _item(r.name, r.brought, r.currency, href=tree(r.partner_id)) for r in data.referrers if r.currency == main
    ]
    growing_bars = [
        kit.bar(
            r.name, r.new, fmt_number(r.new), before=r.before, before_text=fmt_number(r.before), href=tree(r.partner_id)
        )
        for r in data.growing
    ]
    return kit.show(
        "reports/referral_economics.html",
        chosen,
        asked=asked,
        data=data,
        tables=tables,
        reading=_reading(data.reading),
        charts=_charts(data, labels),
        referrer_bars=referrer_bars,
        referrer_currency=main,
        growing_bars=growing_bars,
        tree=tree,
    )

"""Where a search hit leads, and the palette's actions ("New partner", "Go to Deals"…).

A hit names (kind, id, partner_id); the URL is built here from url templates made once per page, so
a page of hits costs one url_for per kind, not one per hit."""

from __future__ import annotations

from dataclasses import dataclass

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.services.search import Hit
from app.web import url_template

# Group headings, in the order of KINDS
KIND_HEADINGS = {
    "partner": _l("Partners"),
    "contact": _l("Contacts"),
    "deal": _l("Deals"),
    "interaction": _l("Interactions"),
    "reminder": _l("Reminders"),
    "terms": _l("Terms"),
}
# The "more" link under each group of the grouped page
KIND_MORE = {
    "partner": _l("More partners…"),
    "contact": _l("More contacts…"),
    "deal": _l("More deals…"),
    "interaction": _l("More interactions…"),
    "reminder": _l("More reminders…"),
    "terms": _l("More terms…"),
}


class HitLinks:
    """hit → URL: partner page; contact → its partner's page; deal → the deal; interaction → the
    partner's timeline at that item; reminder → the reminder; terms → the partner's terms."""

    def __init__(self) -> None:
        self._templates: dict[str, object] = {}

    def _template(self, endpoint: str, param: str):
        if endpoint not in self._templates:
            self._templates[endpoint] = url_template(endpoint, param)
        return self._templates[endpoint]

    def __call__(self, hit: Hit) -> str:
        if hit.kind == "deal":
            return self._template("deals.show", "deal_id")(hit.id)
        if hit.kind == "reminder":
            return self._template("reminders.edit", "reminder_id")(hit.id)
        if hit.kind == "interaction" and hit.partner_id:
            return f"{self._template('interactions.timeline', 'partner_id')(hit.partner_id)}#interaction-{int(hit.id)}"
        if hit.kind == "terms":
            return self._template("terms.show", "partner_id")(hit.partner_id or hit.id)
        if hit.kind == "contact" and hit.partner_id:
            return self._template("partners.show", "partner_id")(hit.partner_id)
        return self._template("partners.show", "partner_id")(hit.partner_id or hit.id)

    def log_with(self, partner_id: int) -> str:
        """The partner page, opened at its log form (static/js/keyboard.js focuses it)."""
        return f"{self._template('partners.show', 'partner_id')(partner_id)}#quick-log-{int(partner_id)}"


@dataclass(frozen=True)
class Action:
    key: str  # stable, for the option's id
    label: str
    url: str
    hint: str = ""  # the shortcut that does the same, if any


def fold(text: str) -> str:
    return " ".join(text.casefold().split())


def matches(label: str, query: str) -> bool:
    """Every typed word appears in the label ("go dash" → "Go to Dashboard"); nothing typed: all."""
    folded = fold(label)
    return all(word in folded for word in fold(query).split())


def general_actions() -> list[Action]:
    return [
        Action("new-partner", _("New partner"), url_for("partners.new"), "n"),
        Action("new-reminder", _("New reminder"), url_for("reminders.new"), "r"),
        Action("new-deal", _("New deal"), url_for("deals.new")),
        Action("go-dashboard", _("Go to Dashboard"), url_for("dashboard.index"), "g d"),
        Action("go-partners", _("Go to Partners"), url_for("partners.index"), "g p"),
        Action("go-reminders", _("Go to Reminders"), url_for("reminders.index"), "g r"),
        Action("go-deals", _("Go to Deals"), url_for("deals.board")),
        Action("go-referrals", _("Go to Referrals"), url_for("referrals.forest")),
        Action("go-activity", _("Go to Activity"), url_for("interactions.feed")),
        Action("go-ledger", _("Go to Ledger"), url_for("commissions.ledger")),
        Action("go-settings", _("Go to Settings"), url_for("settings.workspace")),
        Action("go-help", _("Go to Help"), url_for("dashboard.help")),
    ]


# At most this many "Log interaction with …" actions (one per partner hit, best first)
LOG_ACTIONS = 3


def palette_actions(query: str) -> list[Action]:
    """The actions whose words match what was typed (all of them when nothing is)."""
    return [action for action in general_actions() if matches(action.label, query)]


def log_actions(partner_hits: list[Hit], links: HitLinks) -> list[Action]:
    """ "Log interaction with <partner>" for the first live partner hits (shown after the hits: a
    partner found is often the one the user means to log with)."""
    live = [hit for hit in partner_hits if not hit.archived][:LOG_ACTIONS]
    return [
        Action(f"log-{int(hit.id)}", _("Log interaction with %(name)s", name=hit.title), links.log_with(hit.id))
        for hit in live
    ]

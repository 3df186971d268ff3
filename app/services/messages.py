"""User-facing texts the business rules speak, translated by the app's catalog without Flask.

A service keeps the English template (placeholders like %(name)s, never an f-string) and its params;
the text is put into the user's language only when it is shown. The app factory installs the
translator (flask_babel's gettext and ngettext); without one — a script, a test without an app —
the English template is formatted with its params. Numbers and dates in params stay values: the
installed `show` writes them in the user's locale (without it: 2026-12-03, 14:05 UTC, 1000).

Markers for the catalog's extraction (scripts/i18n.sh): `N_("...")` for a constant, `ServiceError("...")`
and `Text("...")` for a message built in place, `N_plural("... %(num)s ...", "... %(num)s ...", n)`
where a count is in the sentence."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

Gettext = Callable[..., str]  # gettext(template, **params)
Ngettext = Callable[..., str]  # ngettext(singular, plural, num, **params)

_translators: dict[str, Callable[..., str]] = {}


def install(gettext: Gettext, ngettext: Ngettext, show: Callable[[object], object]) -> None:
    """Called by the app factory: from now on texts are shown in the user's language; `show` writes
    a param (a number, a date) for the text."""
    _translators["gettext"] = gettext
    _translators["ngettext"] = ngettext
    _translators["show"] = show


def N_(text: str) -> str:
    """Mark a constant for the catalog; it is translated where it is shown."""
    return text


@dataclass(frozen=True)
class Plural:
    """A sentence with a count in it: `num` chooses the form and fills %(num)s."""

    singular: str
    plural: str
    num: int


def N_plural(singular: str, plural: str, num: int) -> Plural:
    return Plural(singular, plural, num)


def plain(value: object) -> object:
    """A param written without a locale: ISO dates, UTC times."""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M} UTC"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return value


def _english(template: str, params: dict) -> str:
    return template % {key: plain(value) for key, value in params.items()} if params else template


def english(template: str | Plural, params: dict) -> str:
    """The text in English, whatever is installed."""
    if isinstance(template, Plural):
        params = {"num": template.num, **params}
        return _english(template.singular if template.num == 1 else template.plural, params)
    return _english(template, params)


def render(template: str | Plural, params: dict) -> str:
    """The text in the current language (English when no translator is installed or it fails)."""
    show = _translators.get("show")
    if show is None:
        return english(template, params)
    if isinstance(template, Plural):
        params = {"num": template.num, **params}
    shown = {key: show(value) for key, value in params.items()}
    if isinstance(template, Plural):
        return _translators["ngettext"](template.singular, template.plural, template.num, **shown)
    return _translators["gettext"](template, **shown)


class Text:
    """A text for the user: its English template and params; `str()` gives it in the user's language
    (so a template shows it translated). Equal texts compare equal, and equal their English."""

    __slots__ = ("params", "template")

    def __init__(self, template: str | Plural, **params):
        self.template = template
        self.params = params

    @property
    def english(self) -> str:
        return english(self.template, self.params)

    def __str__(self) -> str:
        return render(self.template, self.params)

    def __repr__(self) -> str:
        return f"Text({self.english!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Text):
            return (self.template, self.params) == (other.template, other.params)
        if isinstance(other, str):
            return self.english == other
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.english)

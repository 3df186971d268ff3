"""Texts for the user (of the business rules, the models, the routes), translated without Flask.

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
    """A param written without a locale: ISO dates, UTC times, texts in English."""
    if isinstance(value, Text | Joined):
        return value.english
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


class Joined:
    """Texts shown one after the other (a list inside a sentence: "a deal was edited; …")."""

    __slots__ = ("separator", "texts")

    def __init__(self, texts, separator: str = "; "):
        self.texts = list(texts)
        self.separator = separator

    @property
    def english(self) -> str:
        return self.separator.join(str(plain(text)) for text in self.texts)

    def __str__(self) -> str:
        return self.separator.join(str(text) for text in self.texts)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Joined):
            return (self.texts, self.separator) == (other.texts, other.separator)
        return self.english == other if isinstance(other, str) else NotImplemented

    def __hash__(self) -> int:
        return hash(self.english)


# A text kept in the database (an import row's problems, a job's message) is kept as its template
# and params, so each reader sees it in their own language: {"$text": template, "params": {...}},
# with "plural" and "num" for a sentence with a count. Params are JSON values (numbers, strings).
TEXT_KEY = "$text"
JOINED_KEY = "$joined"  # Joined texts: {"$joined": [...], "separator": "; "}


def to_data(value: object) -> object:
    """`value` with every Text in it (inside dicts and lists too) as JSON data."""
    if isinstance(value, Text):
        template, data = value.template, {}
        if isinstance(template, Plural):
            template, data = template.singular, {"plural": template.plural, "num": template.num}
        return {TEXT_KEY: template, **data, "params": to_data(value.params)}
    if isinstance(value, Joined):
        return {JOINED_KEY: to_data(value.texts), "separator": value.separator}
    if isinstance(value, dict):
        return {key: to_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_data(item) for item in value]
    return value


def from_data(value: object) -> object:
    """The reverse of `to_data`: texts again (any other value as it was stored)."""
    if isinstance(value, dict):
        if isinstance(value.get(TEXT_KEY), str):
            template = value[TEXT_KEY]
            if "plural" in value:
                template = Plural(template, value["plural"], int(value.get("num") or 0))
            return Text(template, **from_data(value.get("params") or {}))
        if isinstance(value.get(JOINED_KEY), list):
            return Joined(from_data(value[JOINED_KEY]), value.get("separator", "; "))
        return {key: from_data(item) for key, item in value.items()}
    if isinstance(value, list):
        return [from_data(item) for item in value]
    return value

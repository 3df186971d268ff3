"""The column-mapping step's pieces: what the file holds (samples, the distinct values of each
column), the field select grouped by entity, every field label translated, and the posted mapping
read back into a Mapping (with the problems next to their column)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from app.deals.forms import STAGE_LABELS
from app.partners.forms import KIND_LABELS, SOURCE_LABELS, STATUS_LABELS, TIER_LABELS
from app.services.importing.fields import FIELD_BY_KEY, FIELDS, MAX_CONTACT_SLOTS, ON_MATCH, ColumnMap, Mapping
from app.services.importing.formats import choice_word

SAMPLES = 3
MAX_DISTINCT = 50  # values listed per choice column (the most frequent); more are counted, not listed

FIELD_LABELS = {
    "partner.name": _l("Partner name"),
    "partner.kind": _l("Kind (company or person)"),
    "partner.status": _l("Status"),
    "partner.tier": _l("Tier"),
    "partner.owner": _l("Owner (email or name)"),
    "partner.source": _l("Source"),
    "partner.website": _l("Website"),
    "partner.notes": _l("Partner notes"),
    "partner.no_prospects_reason": _l("No-prospects reason"),
    "partner.referred_by": _l("Referred by (name, email or id in this file)"),
    "partner.ref": _l("Id in this file (what 'referred by' may point to)"),
    "partner.orchard_id": _l("Orchard ID (from an Orchard export)"),
    "contact.name": _l("Contact name"),
    "contact.first_name": _l("Contact first name"),
    "contact.last_name": _l("Contact last name"),
    "contact.role": _l("Contact role"),
    "contact.email": _l("Contact email"),
    "contact.phone": _l("Contact phone"),
    "contact.notes": _l("Contact notes"),
    "deal.title": _l("Deal title"),
    "deal.amount": _l("Deal amount"),
    "deal.currency": _l("Deal currency"),
    "deal.stage": _l("Deal stage"),
}
GROUP_LABELS = {"partner": _l("Partner"), "contact": _l("Contact"), "deal": _l("Deal")}
CHOICE_LABELS = {
    "partner.kind": KIND_LABELS,
    "partner.status": STATUS_LABELS,
    "partner.tier": TIER_LABELS,
    "partner.source": SOURCE_LABELS,
    "deal.stage": STAGE_LABELS,
}
ON_MATCH_LABELS = {
    "fill": _l("fill its empty fields (keep what is there)"),
    "overwrite": _l("overwrite its fields with the file's values"),
}


def field_label(key: str | None) -> str:
    if key is None:
        return str(_l("Don't import"))
    return str(FIELD_LABELS.get(key, FIELD_BY_KEY[key].label if key in FIELD_BY_KEY else key))


def field_groups() -> list[tuple[str, list[tuple[str, str]]]]:
    """[(group label, [(field key, label)])] for the select, Partner / Contact / Deal."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for f in FIELDS:
        groups.setdefault(f.entity, []).append((f.key, field_label(f.key)))
    return [(str(GROUP_LABELS.get(entity, entity)), items) for entity, items in groups.items()]


@dataclass
class ColumnValues:
    samples: list[str] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    more: bool = False  # more than MAX_DISTINCT distinct values: only the first ones are counted

    def top(self) -> list[tuple[str, int]]:
        return sorted(self.counts.items(), key=lambda item: (-item[1], item[0].casefold()))[:MAX_DISTINCT]


def summarise(table, headers: list[str]) -> list[ColumnValues]:
    """One pass over the file: each column's first non-blank samples and its distinct values with
    counts (memory bounded: at most MAX_DISTINCT * 4 values are tracked per column)."""
    columns = [ColumnValues() for _ in headers]
    cap = MAX_DISTINCT * 4
    for row in table.rows():
        for column, value in zip(columns, row, strict=False):
            if not value:
                continue
            if len(column.samples) < SAMPLES:
                column.samples.append(value)
            if value in column.counts or len(column.counts) < cap:
                column.counts[value] += 1
            else:
                column.more = True
    return columns


def guess_choice(key: str, value: str, known: dict[str, str]) -> str:
    """The choice a file value maps to: the mapping's, else the choice or its label spelled alike, else
    what the word usually means (formats.choice_word)."""
    if value in known:
        return known[value]
    folded = value.strip().casefold()
    for choice in FIELD_BY_KEY[key].choices:
        label = CHOICE_LABELS.get(key, {}).get(choice)
        if folded == choice.casefold() or (label is not None and folded == str(label).casefold()):
            return choice
    return choice_word(key, value) or ""


@dataclass
class PostedMapping:
    mapping: Mapping
    errors: dict[int, str]  # column index -> message


def read_posted(form, headers: list[str], kind: str, on_match: str) -> PostedMapping:
    """The mapping the form posted: col-<i>-field / col-<i>-slot per column, value-<key>-<n> with
    valuetext-<key>-<n> per file value of a choice field. Unknown fields and slots are errors next
    to their column (a tampered or stale form), never a 500."""
    columns, errors = [], {}
    for index, header in enumerate(headers):
        key = form.get(f"col-{index}-field", "").strip() or None
        if key is not None and key not in FIELD_BY_KEY:
            errors[index] = str(_l("Choose an Orchard field from the list."))
            key = None
        slot_text = form.get(f"col-{index}-slot", "1").strip() or "1"
        slot = int(slot_text) if slot_text.isdigit() else 0
        if not 1 <= slot <= MAX_CONTACT_SLOTS:
            errors[index] = str(_l("The contact number must be from 1 to %(n)s.", n=MAX_CONTACT_SLOTS))
            slot = 1
        if key is None or not FIELD_BY_KEY[key].repeatable:
            slot = 1
        columns.append(ColumnMap(header, index, key, slot))
    values: dict[str, dict[str, str]] = {}
    mapped = {c.field for c in columns if c.field}
    for key, f in FIELD_BY_KEY.items():
        if not f.choices or key not in mapped:
            continue
        table = {}
        n = 0
        while f"valuetext-{key}-{n}" in form:
            choice = form.get(f"value-{key}-{n}", "")
            if choice in f.choices:
                table[form[f"valuetext-{key}-{n}"]] = choice
            n += 1
        if table:
            values[key] = table
    if on_match not in ON_MATCH:
        on_match = "fill"
    return PostedMapping(Mapping(kind=kind, columns=columns, values=values, on_match=on_match), errors)

"""What an import can fill: the catalogue of Orchard fields a file's column can be mapped to, and the
mapping itself (which column feeds which field, how a file's words map onto Orchard's choices).

A mapping is plain JSON, so it is stored on the import run, saved under a name for the next import,
and read from a file by the CLI:

    {"kind": "partners", "on_match": "fill",
     "columns": [{"header": "Company", "index": 0, "field": "partner.name", "slot": 1}, ...],
     "values": {"partner.status": {"Active client": "active"}}}

`slot` numbers the contacts of one row: the columns of contact slot 2 make the row's second contact.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.models.deal import STAGES
from app.models.partner import KINDS, SOURCES, STATUSES, TIERS
from app.services import ServiceError

IMPORT_KINDS = ("partners", "contacts")  # what each row is: a partner with contacts / a contact of a partner
ON_MATCH = ("fill", "overwrite")  # updating a matched partner: fill its empty fields / overwrite them
MAX_CONTACT_SLOTS = 10


@dataclass(frozen=True)
class Field:
    key: str  # "partner.name"
    label: str  # English; the pages translate it
    entity: str  # partner | contact | deal
    choices: tuple[str, ...] = ()  # the values a cell must map onto, when the field is a choice
    repeatable: bool = False  # contact fields: one set per slot


FIELDS: tuple[Field, ...] = (
    Field("partner.name", "Partner name", "partner"),
    Field("partner.kind", "Kind (company or person)", "partner", KINDS),
    Field("partner.status", "Status", "partner", STATUSES),
    Field("partner.tier", "Tier", "partner", TIERS),
    Field("partner.owner", "Owner (email or name)", "partner"),
    Field("partner.source", "Source", "partner", SOURCES),
    Field("partner.website", "Website", "partner"),
    Field("partner.notes", "Partner notes", "partner"),
    Field("partner.no_prospects_reason", "No-prospects reason", "partner"),
    Field("partner.referred_by", "Referred by (name, email or id in this file)", "partner"),
    Field("partner.ref", "Id in this file (what 'referred by' may point to)", "partner"),
    Field("partner.orchard_id", "Orchard ID (from an Orchard export)", "partner"),
    Field("contact.name", "Contact name", "contact", repeatable=True),
    Field("contact.first_name", "Contact first name", "contact", repeatable=True),
    Field("contact.last_name", "Contact last name", "contact", repeatable=True),
    Field("contact.role", "Contact role", "contact", repeatable=True),
    Field("contact.email", "Contact email", "contact", repeatable=True),
    Field("contact.phone", "Contact phone", "contact", repeatable=True),
    Field("contact.notes", "Contact notes", "contact", repeatable=True),
    Field("deal.title", "Deal title", "deal"),
    Field("deal.amount", "Deal amount", "deal"),
    Field("deal.currency", "Deal currency", "deal"),
    Field("deal.stage", "Deal stage", "deal", STAGES),
)
FIELD_BY_KEY = {f.key: f for f in FIELDS}


@dataclass(frozen=True)
class ColumnMap:
    header: str  # the column's header as the file spells it
    index: int  # its position (0-based) in the file the mapping was made for
    field: str | None  # a FIELD_BY_KEY key, or None: the column is not imported
    slot: int = 1


@dataclass
class Mapping:
    kind: str = "partners"
    columns: list[ColumnMap] = field(default_factory=list)
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # field key -> {file value: choice}
    on_match: str = "fill"

    def to_json(self) -> dict:
        return {
            "kind": self.kind,
            "on_match": self.on_match,
            "columns": [{"header": c.header, "index": c.index, "field": c.field, "slot": c.slot} for c in self.columns],
            "values": {key: dict(values) for key, values in self.values.items()},
        }

    @classmethod
    def from_json(cls, data) -> Mapping:
        """A mapping from JSON (a stored run, a saved mapping, a CLI file). Anything malformed is a
        ServiceError naming what is wrong, never a KeyError."""
        if not isinstance(data, dict):
            raise ServiceError("A mapping must be a JSON object.", "mapping")
        kind = data.get("kind", "partners")
        if kind not in IMPORT_KINDS:
            raise ServiceError("Unknown import kind '%(kind)s' (use partners or contacts).", "kind", kind=kind)
        on_match = data.get("on_match", "fill")
        if on_match not in ON_MATCH:
            raise ServiceError("Unknown on_match '%(value)s' (use fill or overwrite).", "on_match", value=on_match)
        columns = []
        for entry in data.get("columns") or []:
            if not isinstance(entry, dict) or not isinstance(entry.get("header", ""), str):
                raise ServiceError("Each mapped column needs a header.", "mapping")
            key = entry.get("field")
            if key is not None and key not in FIELD_BY_KEY:
                raise ServiceError("Unknown field '%(key)s'.", "mapping", key=key)
            slot = entry.get("slot", 1)
            index = entry.get("index", len(columns))
            if not isinstance(slot, int) or not 1 <= slot <= MAX_CONTACT_SLOTS or not isinstance(index, int):
                raise ServiceError("Column '%(header)s': bad slot or index.", "mapping", header=entry.get("header"))
            columns.append(ColumnMap(entry.get("header", ""), index, key, slot))
        values = data.get("values") or {}
        if not isinstance(values, dict) or not all(isinstance(v, dict) for v in values.values()):
            raise ServiceError("Value mappings must be objects of file value to choice.", "mapping")
        for key, table in values.items():
            choices = FIELD_BY_KEY[key].choices if key in FIELD_BY_KEY else ()
            bad = [v for v in table.values() if v not in choices]
            if bad:
                raise ServiceError("'%(value)s' is not a choice of %(key)s.", "mapping", value=bad[0], key=key)
        return cls(kind=kind, columns=columns, values={k: dict(v) for k, v in values.items()}, on_match=on_match)

    def applied_to(self, headers: list[str]) -> Mapping:
        """This mapping (made for another file, e.g. a saved one) fitted to `headers`: each column found
        by its header first, then by position when the header is blank or repeated; columns of the new
        file it does not know are left unmapped."""
        by_header: dict[str, list[ColumnMap]] = {}
        for column in self.columns:
            by_header.setdefault(column.header.strip().casefold(), []).append(column)
        fitted = []
        for index, header in enumerate(headers):
            candidates = by_header.get(header.strip().casefold(), [])
            chosen = next((c for c in candidates if c.index == index), candidates[0] if candidates else None)
            if chosen is not None:
                candidates.remove(chosen)
            fitted.append(ColumnMap(header, index, chosen.field if chosen else None, chosen.slot if chosen else 1))
        return Mapping(kind=self.kind, columns=fitted, values=self.values, on_match=self.on_match)

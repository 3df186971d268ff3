"""One row of a file → what it would write, and what is wrong with it.

`parse_row(cells, columns, members, ...)` reads the cells the mapping points at and returns
(parsed, problems): `parsed` holds the values each Orchard field gets (only those the row fills),
`problems` maps a field key (with "#2" for the second contact slot, …) to a message for the user.
Every problem blocks its row: the row is not imported (result "failed") until the file or the
mapping is fixed and the file imported again; the failed-rows CSV carries the messages.

The rules are the ones the forms apply (choices, owners among the members, currencies and amounts
checked by the deals' validation, emails by email-validator), reached without a query per row: the
caller loads the members once (`Members`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email

from app.messages import N_, N_plural, Text
from app.services import ServiceError
from app.services.deals.validation import check_amount, check_currency
from app.services.importing.fields import FIELD_BY_KEY, ColumnMap, Mapping
from app.services.matching import fold
from app.services.money import AmountError, parse_amount

# The fields whose value must be one of a list, and what a value outside it is told
CHOICE_PROBLEMS = {
    "partner.kind": N_("'%(value)s' is not a kind — map it in step 2"),
    "partner.status": N_("'%(value)s' is not a status — map it in step 2"),
    "partner.tier": N_("'%(value)s' is not a tier — map it in step 2"),
    "partner.source": N_("'%(value)s' is not a source — map it in step 2"),
    "deal.stage": N_("'%(value)s' is not a deal stage — map it in step 2"),
}
LIMITS = {
    "partner.name": 200,
    "partner.website": 300,
    "contact.name": 200,
    "contact.role": 120,
    "contact.email": 254,
    "contact.phone": 60,
    "deal.title": 200,
}
PARTNER_TEXT = ("partner.notes", "partner.no_prospects_reason")
CONTACT_TEXT = ("contact.role", "contact.phone", "contact.notes")


def problem_key(key: str, slot: int = 1) -> str:
    """The key a problem is filed under: the field, and the contact slot when it is not the first."""
    return key if slot == 1 else f"{key}#{slot}"


@dataclass
class Members:
    """The workspace's members, looked up by email or by name (case-insensitive)."""

    by_email: dict[str, int] = field(default_factory=dict)
    by_name: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def of(cls, users) -> Members:
        members = cls()
        for user_id, email, name in users:
            members.by_email[(email or "").strip().lower()] = user_id
            members.by_name[fold((name or "").strip())].append(user_id)
        return members

    def find(self, value: str) -> tuple[int | None, Text | None]:
        text = value.strip()
        if text.lower() in self.by_email:
            return self.by_email[text.lower()], None
        ids = self.by_name.get(fold(text), [])
        if len(ids) == 1:
            return ids[0], None
        if ids:
            return None, Text("Several members are called '%(name)s' — use the member's email", name=text)
        return None, Text("No member '%(name)s'", name=text)


def choice(key: str, value: str, mapping: Mapping) -> tuple[str | None, Text | None]:
    """A cell of a choice field → (choice, problem): through the mapping's per-value table first
    ("Active client" → active), then the choices themselves, case-insensitively."""
    table = mapping.values.get(key, {})
    text = value.strip()
    if text in table:
        return table[text], None
    folded = fold(text)
    for file_value, mapped in table.items():
        if fold(file_value.strip()) == folded:
            return mapped, None
    for option in FIELD_BY_KEY[key].choices:
        if fold(option) == folded:
            return option, None
    return None, Text(CHOICE_PROBLEMS[key], value=text)


def website(value: str) -> tuple[str | None, Text | None]:
    text = value.strip()
    url = text if "://" in text else f"https://{text}"
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.scheme not in ("http", "https") or " " in text or "." not in host or host.startswith("."):
        return None, Text("'%(value)s' is not a website address", value=text)
    return url, None


def email(value: str) -> tuple[str | None, Text | None]:
    try:
        checked = validate_email(value.strip(), check_deliverability=False)
    except EmailNotValidError:
        return None, Text("Not an email address")
    return checked.normalized.lower(), None


def _cells_by_field(cells: list[str], columns: list[ColumnMap]) -> dict[tuple[str, int], str]:
    found = {}
    for column in columns:
        if column.field is not None and column.index < len(cells):
            value = (cells[column.index] or "").strip()
            if value:
                found[(column.field, column.slot)] = value
    return found


def _too_long(key: str, value: str, slot: int, problems: dict) -> bool:
    limit = LIMITS.get(key)
    if limit and len(value) > limit:
        problems[problem_key(key, slot)] = Text(
            N_plural("Longer than %(num)s character", "Longer than %(num)s characters", limit)
        )
        return True
    return False


def _contacts(cells: dict, problems: dict) -> list[dict]:
    contacts = []
    for slot in sorted({slot for (key, slot) in cells if key.startswith("contact.")}):

        def get(key, slot=slot):
            return cells.get((key, slot), "")

        contact = {}
        name = get("contact.name") or " ".join(p for p in (get("contact.first_name"), get("contact.last_name")) if p)
        if get("contact.email"):
            address, problem = email(get("contact.email"))
            if problem:
                problems[problem_key("contact.email", slot)] = problem
            elif not _too_long("contact.email", address, slot, problems):
                contact["email"] = address
        for key in CONTACT_TEXT:
            if get(key) and not _too_long(key, get(key), slot, problems):
                contact[key.split(".")[1]] = get(key)
        name = name or contact.get("email") or get("contact.email") or contact.get("phone", "")
        if not name:
            continue  # only a role or a note in this slot: nobody to add
        if not _too_long("contact.name", name, slot, problems):
            contact["name"] = name
            contacts.append(contact)
    return contacts


def _deal(cells: dict, partner_name: str, default_currency: str, problems: dict) -> dict | None:
    keys = ("deal.title", "deal.amount", "deal.currency", "deal.stage")
    if not any((key, 1) in cells for key in keys):
        return None
    title = cells.get(("deal.title", 1)) or partner_name
    deal = {"title": title}
    if not title:
        problems["deal.title"] = Text("A deal needs a title")
    _too_long("deal.title", title, 1, problems)
    try:
        deal["currency"] = check_currency(cells.get(("deal.currency", 1)) or default_currency)
    except ServiceError:
        problems["deal.currency"] = Text(
            "'%(value)s' is not a currency (use a code like EUR)", value=cells.get(("deal.currency", 1))
        )
    if ("deal.amount", 1) in cells:
        try:
            amount = parse_amount(cells[("deal.amount", 1)])
            deal["amount"] = str(check_amount(amount, deal.get("currency", "EUR")))
        except AmountError as error:
            problems["deal.amount"] = error.text
        except ServiceError as error:
            problems["deal.amount"] = error.text
    return deal


def parse_row(
    cells: list[str], mapping: Mapping, members: Members, *, default_currency: str, file_name: str
) -> tuple[dict, dict]:
    """(parsed, problems) of one row; see the module's docstring."""
    found = _cells_by_field(cells, mapping.columns)
    problems: dict[str, Text] = {}
    partner: dict = {}
    if mapping.kind == "contacts":  # a contact and the name of its partner: nothing else is read
        contacts = _contacts(found, problems)
        company = found.get(("partner.name", 1), "")
        if not company:
            problems["partner.name"] = Text("No company: a contact is attached to a partner by its name")
        if not contacts and not any(key.startswith("contact.") for key in problems):
            problems["contact.name"] = Text("No contact in this row: map a column to Contact name or email")
        return {"partner": partner, "contacts": contacts, "company": company}, problems
    for key in CHOICE_PROBLEMS:
        if key != "deal.stage" and (key, 1) in found:
            value, problem = choice(key, found[(key, 1)], mapping)
            if problem:
                problems[key] = problem
            else:
                partner[key.split(".")[1]] = value
    notes: dict[str, Text] = {}  # said on the row without keeping it out
    if ("partner.owner", 1) in found:
        owner_id, problem = members.find(found[("partner.owner", 1)])
        if owner_id is None and problem.template.startswith("No member"):  # a file from another CRM
            notes["partner.owner"] = Text("No member '%(name)s' — imported without an owner", **problem.params)
        elif problem:
            problems["partner.owner"] = problem
        else:
            partner["owner_id"] = owner_id
    if ("partner.website", 1) in found:
        url, problem = website(found[("partner.website", 1)])
        if problem:
            problems["partner.website"] = problem
        elif not _too_long("partner.website", url, 1, problems):
            partner["website"] = url
    for key in PARTNER_TEXT:
        if (key, 1) in found:
            partner[key.split(".")[1]] = found[(key, 1)]
    if partner.get("no_prospects_reason"):
        partner["no_prospects"] = True
    contacts = _contacts(found, problems)

    name = found.get(("partner.name", 1), "")
    parsed: dict = {"partner": partner, "contacts": contacts}
    if not name and contacts:  # a person: the partner is named after the contact
        name = contacts[0]["name"]
        partner.setdefault("kind", "person")
    if not name:
        problems["partner.name"] = Text("No name: this row has neither a partner name nor a contact name")
    elif not _too_long("partner.name", name, 1, problems):
        partner["name"] = name
    deal = _deal(found, name, default_currency, problems)
    if deal is not None:
        if ("deal.stage", 1) in found:
            stage, problem = choice("deal.stage", found[("deal.stage", 1)], mapping)
            if problem:
                problems["deal.stage"] = problem
            else:
                deal["stage"] = stage
        if deal.get("stage") == "won" and "deal.amount" not in problems and Decimal(deal.get("amount", "0")) <= 0:
            problems["deal.amount"] = Text("A won deal needs its amount")
        if deal.get("stage") == "lost":
            deal["lost_reason"] = Text("Lost before the import of %(file)s", file=file_name)
        parsed["deal"] = deal
    for key, target in (("partner.ref", "ref"), ("partner.referred_by", "referred_by")):
        if (key, 1) in found:
            parsed[target] = found[(key, 1)]
    if ("partner.orchard_id", 1) in found:
        parsed["orchard_id"] = found[("partner.orchard_id", 1)]
    if notes:
        parsed["notes"] = notes
    return parsed, problems

"""vCard 4.0 (RFC 6350) cards for contacts, written with vobject: one card per contact, lines ending
in CRLF and folded at 75 octets (never inside a UTF-8 character), VERSION right after BEGIN.

Each card has FN (the name), N (split at the last space: "Anna Maria Berg" is given "Anna Maria",
family "Berg"; one word is a given name), ORG (the partner; left out when the partner is that very
person), TITLE (role), EMAIL, TEL, NOTE, UID (stable: the same contact always gets the same
urn:uuid, derived from its workspace and id, so a phone updates the card instead of doubling it)
and REV (when the contact last changed, UTC).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import vobject

# A fixed namespace for the cards' UIDs (uuid5 of it and "orchard:<workspace id>:contact:<contact id>")
UID_NAMESPACE = uuid.UUID("5c0b6f0e-4d2a-4f0a-9a55-0c7d1f3e8a21")
PRODID = "-//Orchard//Orchard CRM//EN"


@dataclass(frozen=True)
class CardContact:
    """What a card needs of a contact and its partner."""

    workspace_id: int
    contact_id: int
    name: str
    role: str | None
    email: str | None
    phone: str | None
    notes: str | None
    updated_at: datetime | None
    partner_name: str
    partner_kind: str


def contact_uid(workspace_id: int, contact_id: int) -> str:
    return "urn:uuid:" + str(uuid.uuid5(UID_NAMESPACE, f"orchard:{workspace_id}:contact:{contact_id}"))


def split_name(full: str) -> tuple[str, str]:
    """(given, family) of a full name, split at its last space."""
    parts = full.split()
    if len(parts) < 2:
        return full.strip(), ""
    return " ".join(parts[:-1]), parts[-1]


def card(contact: CardContact) -> str:
    """One contact's vCard 4.0, CRLF line endings."""
    vcard = vobject.vCard()
    vcard.add("version").value = "4.0"
    vcard.add("prodid").value = PRODID
    vcard.add("uid").value = contact_uid(contact.workspace_id, contact.contact_id)
    name = contact.name.strip() or contact.email or contact.partner_name
    vcard.add("fn").value = name
    given, family = split_name(name)
    vcard.add("n").value = vobject.vcard.Name(family=family, given=given)
    same_person = contact.partner_kind == "person" and contact.partner_name.strip().lower() == name.lower()
    if contact.partner_name and not same_person:
        vcard.add("org").value = [contact.partner_name]
    for prop, value in (("title", contact.role), ("email", contact.email), ("tel", contact.phone)):
        if value:
            vcard.add(prop).value = value
    if contact.notes:
        vcard.add("note").value = contact.notes.replace("\r\n", "\n")
    if contact.updated_at is not None:
        vcard.add("rev").value = contact.updated_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return vcard.serialize()


def write_vcards(contacts: Iterable[CardContact]) -> Iterator[str]:
    """The cards one after another (a .vcf holds any number of them)."""
    for contact in contacts:
        yield card(contact)

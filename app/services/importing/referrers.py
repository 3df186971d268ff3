""" "Referred by" across the rows of a file: resolved once every row is read (a chain of any depth,
in any row order), and checked for loops within the file and with the tree already in the book.

A value names, in this order: a row's "Id in this file" or Orchard ID, a partner name in the file
(name key), a contact email in the file, then a partner of the book by id, name key or contact email,
then a contact's name in the file (Outlook's "Referred By" holds a person).

Loops are found over the tree as it would be after the import: the book's edges (`Book.parents`)
with the file's edges laid over them, walked in memory (the book was read once). Execution sets
each referrer through the referral service's set_referrer, whose own loop check and history apply
again then; this preview check is the same rule, read without a query per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.messages import N_, Text
from app.services.importing.matching_rows import Book
from app.services.matching import email_key, name_key
from app.services.referral_tree import ARROW

ARCHIVED_REFERRER = N_("%(name)s is archived. Restore it before recording it as a referrer.")
REFERRAL_LOOP = N_("Referral loop: %(chain)s")


@dataclass
class RowFacts:
    """What the second pass needs of a row (kept in memory for every row: a few small values)."""

    name: str
    node: tuple[str, int]  # ("row", number) when it creates a partner, ("partner", id) when it updates one
    referred_by: str | None = None


@dataclass
class FileRefs:
    rows: dict[int, RowFacts] = field(default_factory=dict)
    by_ref: dict[str, int] = field(default_factory=dict)
    by_name: dict[str, int] = field(default_factory=dict)
    by_email: dict[str, int] = field(default_factory=dict)
    by_person: dict[str, int] = field(default_factory=dict)  # a contact's name key -> its row

    def add(self, number: int, parsed: dict, node: tuple[str, int]) -> None:
        name = parsed["partner"].get("name") or ""
        self.rows[number] = RowFacts(name, node, parsed.get("referred_by"))
        for ref in (parsed.get("ref"), parsed.get("orchard_id")):
            if ref:
                self.by_ref.setdefault(ref.strip(), number)
        if name_key(name):
            self.by_name.setdefault(name_key(name), number)
        for contact in parsed.get("contacts", []):
            if contact.get("email"):
                self.by_email.setdefault(contact["email"], number)
            if name_key(contact.get("name")):
                self.by_person.setdefault(name_key(contact["name"]), number)


@dataclass
class Resolved:
    referrer_row: int | None = None
    referrer_id: int | None = None
    problem: Text | None = None


def _target(value: str, refs: FileRefs, book: Book) -> tuple[int | None, int | None]:
    text = value.strip()
    key = name_key(text)
    number = refs.by_ref.get(text) or refs.by_name.get(key) or refs.by_email.get(email_key(text) or "")
    if number is not None:
        return number, None
    found = book.find_referrer(text)
    if found is None and key in refs.by_person:  # a person of the file: the partner of their row
        return refs.by_person[key], None
    return None, found


def resolve(refs: FileRefs, book: Book, fill_only: set[int]) -> dict[int, Resolved]:
    """{row number: Resolved} for every row with a "referred by" value. `fill_only` are the book
    partners whose existing referrer the import keeps (the row's referrer is then not set)."""
    resolved: dict[int, Resolved] = {}
    edges: dict[tuple[str, int], tuple[str, int]] = {}
    for number, facts in refs.rows.items():
        if not facts.referred_by:
            continue
        row, partner_id = _target(facts.referred_by, refs, book)
        if row is None and partner_id is None:
            resolved[number] = Resolved(problem=Text("Referrer '%(name)s' not found", name=facts.referred_by.strip()))
            continue
        if partner_id in book.archived:  # the referral service's rule: restore it first
            name = book.names[partner_id]
            resolved[number] = Resolved(problem=Text(ARCHIVED_REFERRER, name=name))
            continue
        resolved[number] = Resolved(referrer_row=row, referrer_id=partner_id)
        node = facts.node
        if node[0] == "partner" and node[1] in fill_only:
            continue
        target = refs.rows[row].node if row is not None else ("partner", partner_id)
        edges.setdefault(node, target)
    for number, loop in _loops(refs, book, edges).items():
        resolved[number] = Resolved(problem=Text(REFERRAL_LOOP, chain=loop))
    return resolved


def _loops(refs: FileRefs, book: Book, edges: dict) -> dict[int, str]:
    """{row number: "A → B → A"} for the rows whose partner would be in a loop."""

    def parent(node):
        if node in edges:
            return edges[node]
        return ("partner", book.parents[node[1]]) if node[0] == "partner" and book.parents.get(node[1]) else None

    def label(node):
        return rows_of[node][0] if node in rows_of else book.names.get(node[1], "?")

    rows_of: dict[tuple[str, int], list[str]] = {}
    numbers_of: dict[tuple[str, int], list[int]] = {}
    for number, facts in refs.rows.items():
        rows_of.setdefault(facts.node, []).append(facts.name or f"row {number}")
        numbers_of.setdefault(facts.node, []).append(number)
    state: dict = {}  # node -> 1 on the current path, 2 done
    in_loop: dict[tuple[str, int], list] = {}
    for start in edges:
        path = []
        node = start
        while node is not None and state.get(node) is None:
            state[node] = 1
            path.append(node)
            node = parent(node)
        if node is not None and state.get(node) == 1:  # came back onto this path: a loop
            cycle = path[path.index(node) :]
            for member in cycle:
                in_loop[member] = cycle
        for member in path:
            state[member] = 2
    found = {}
    for node, cycle in in_loop.items():
        at = cycle.index(node)
        chain = cycle[at:] + cycle[:at]  # this partner, its referrer, that one's referrer, …
        text = ARROW.join(label(n) for n in [node, *reversed(chain[1:]), node])  # who referred whom
        for number in numbers_of.get(node, []):
            found[number] = text
    return found

"""The preview of an import: every row of the file parsed, matched against the book and the rows
before it, its referrer resolved, its default action chosen — stored as ImportRow, nothing written
to partners, contacts or deals.

Two passes: the first streams the file (the rows are stored in chunks, `progress(done, total)`
after each), keeping only what the second needs to resolve "referred by" across rows; the second
resolves the referrers and loops and updates the rows that have one. The queries are a fixed few
per chunk (the book and the members are read once), whatever the number of rows.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from app.messages import Text
from app.models import ImportRow, ImportRun, Membership, User, Workspace
from app.services import ServiceError
from app.services.importing.fields import Mapping
from app.services.importing.matching_rows import Book, Index, row_domains, row_emails, stronger
from app.services.importing.parsing import Members, parse_row
from app.services.importing.readers import read_table
from app.services.importing.referrers import FileRefs, resolve
from app.services.importing.runs import EDITABLE, check_mapping
from app.services.matching import name_key

CHUNK = 500
ROWS = ImportRow.__table__


def _members(session: Session, workspace_id: int) -> Members:
    return Members.of(
        session.execute(
            select(User.id, User.email, User.name)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.workspace_id == workspace_id)
            .order_by(User.id)
        )
    )


class _Pass:
    """State of the first pass."""

    def __init__(self, run: ImportRun, book: Book):
        self.run = run
        self.book = book
        self.file = Index()
        self.refs = FileRefs()
        self.same_as: dict[int, int] = {}
        self.problems: dict[int, dict] = {}  # only the rows that have some
        self.ids: dict[int, str] = {}  # row number -> the id the file gives it (its ref or Orchard ID)

    def partner_row(self, number: int, parsed: dict, problems: dict) -> dict:
        key = name_key(parsed["partner"].get("name"))
        emails, domains = row_emails(parsed), row_domains(parsed)
        in_file, match = self.file.find(key, emails, domains), self.book.match(parsed)
        own_id = (parsed.get("ref") or parsed.get("orchard_id") or "").strip()
        if in_file and own_id and self.ids.get(in_file.target, own_id) != own_id:
            in_file = None  # the file gives the two rows different ids: two partners, whatever their names
        if own_id:
            self.ids[number] = own_id
        earlier = in_file if stronger(in_file, match) is in_file else None
        match = None if earlier else match
        self.file.add(number, key, emails, domains)
        if earlier:
            original = self.same_as.get(earlier.target, earlier.target)
            self.same_as[number] = original
            node = self.refs.rows[original].node
        else:
            node = ("partner", match.target) if match else ("row", number)
        self.refs.add(number, parsed, node)
        return {
            "match_partner_id": match.target if match else None,
            "match_reason": "file" if earlier else (match.reason if match else None),
            "match_score": (earlier or match).score if (earlier or match) else None,
            "same_as": self.same_as.get(number),
        }

    def contact_row(self, number: int, parsed: dict, problems: dict) -> dict:
        company = parsed.get("company") or ""
        ids = self.book.index.names.by_key.get(name_key(company)) if company else None
        if company and not ids:
            problems["partner.name"] = Text(
                "No partner '%(name)s' — import it as a partner first, or fix the name", name=company
            )
        partner_id = ids[0] if ids else None
        parsed["partner_id"] = partner_id
        emails = row_emails(parsed)
        earlier = next((self.file.by_email[e] for e in emails if e in self.file.by_email), None)
        for address in emails:
            self.file.by_email.setdefault(address, number)
        existing = next((self.book.contact_by_email[e] for e in emails if e in self.book.contact_by_email), None)
        if earlier is not None:
            self.same_as[number] = self.same_as.get(earlier, earlier)
            return {"match_reason": "file", "match_score": 100.0, "same_as": self.same_as[number]}
        if existing and existing[1] == partner_id:
            parsed["contact_id"] = existing[0]
            return {"match_partner_id": partner_id, "match_reason": "email", "match_score": 100.0}
        return {}


def _insert(session: Session, rows: list[dict]) -> None:
    if rows:
        session.execute(insert(ImportRow), rows)
        rows.clear()


def prepare(session: Session, run: ImportRun, *, now: datetime, progress=None) -> None:
    """(Re)build the run's rows; status "previewed". See the module docstring."""
    if run.status not in EDITABLE:
        raise ServiceError("This import has already run.", "mapping")
    mapping = Mapping.from_json(run.mapping)
    check_mapping(mapping, run.headers)
    session.execute(delete(ImportRow).where(ImportRow.run_id == run.id))
    table = read_table(run.file_data, run.file_name)
    members = _members(session, run.workspace_id)
    currency = session.scalar(select(Workspace.default_currency).where(Workspace.id == run.workspace_id))
    state = _Pass(run, Book.load(session, run.workspace_id))
    buffer: list[dict] = []
    total = run.row_count
    number = 0
    for number, cells in enumerate(table.rows(), 1):
        parsed, problems = parse_row(cells, mapping, members, default_currency=currency, file_name=run.file_name)
        found = (state.contact_row if mapping.kind == "contacts" else state.partner_row)(number, parsed, problems)
        if problems:
            state.problems[number] = problems
        action = (
            "skip" if problems or found.get("same_as") else ("update" if found.get("match_partner_id") else "create")
        )
        buffer.append(
            {
                "run_id": run.id,
                "number": number,
                "values": cells,
                "parsed": parsed,
                "problems": problems,
                "problem_count": len(problems),
                "match_partner_id": None,
                "match_reason": None,
                "match_score": None,
                "same_as": None,
                **found,
                "action": action,
                "referrer_pending": False,
            }
        )
        if len(buffer) >= CHUNK:
            _insert(session, buffer)
            if progress:
                progress(number, max(total, number))
    _insert(session, buffer)
    if mapping.kind == "partners":
        _referrers(session, run, state)
    run.row_count = number
    run.status = "previewed"
    session.flush()
    if progress:
        progress(number, number)


def _referrers(session: Session, run: ImportRun, state: _Pass) -> None:
    """The second pass: referrers and loops, written to the rows that have a "referred by"."""
    keeps_referrer = {pid for pid, parent in state.book.parents.items() if parent is not None}
    resolved = resolve(state.refs, state.book, keeps_referrer)
    failing, referring = [], []
    for number, found in sorted(resolved.items()):
        if found.problem:
            problems = {**state.problems.get(number, {}), "partner.referred_by": found.problem}
            failing.append({"b_number": number, "problems": problems, "problem_count": len(problems)})
            continue
        node = state.refs.rows[number].node
        row = state.same_as.get(found.referrer_row, found.referrer_row) if found.referrer_row else None
        referring.append(
            {
                "b_number": number,
                "referrer_row": row,
                "referrer_id": found.referrer_id,
                # an existing partner keeps the referrer it has (the import sets one only where none is)
                "referrer_pending": not (node[0] == "partner" and node[1] in keeps_referrer),
            }
        )
    where = (ROWS.c.run_id == run.id) & (ROWS.c.number == bindparam("b_number"))
    for start in range(0, len(failing), CHUNK):
        session.execute(update(ROWS).where(where).values(action="skip"), failing[start : start + CHUNK])
    for start in range(0, len(referring), CHUNK):
        session.execute(update(ROWS).where(where), referring[start : start + CHUNK])

"""Agreed terms: every change is a new version, old versions stay readable, and two people editing
at once cannot silently overwrite each other (optimistic locking on Terms.version).

The partner's `cadence_days` and `response_time_days` mirror the current version in the same
transaction (the neglect rules read them from Partner)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.messages import N_, Text
from app.models import Contact, Partner, Terms, TermsVersion, User
from app.services import ServiceError
from app.services.pagination import Page

# Field name -> label, in display order (labels are translated by the template)
FIELDS = {
    "commission_rate": N_("Commission rate"),
    "payment_terms_days": N_("Payment terms (days)"),
    "response_time_days": N_("Expected response time (days)"),
    "cadence_days": N_("Contact cadence (days)"),
    "review_on": N_("Review on"),
    "agreed_by_contact_id": N_("Agreed by"),
    "agreed_on": N_("Agreed on"),
    "clauses": N_("Clauses"),
}
DAY_LIMITS = {"payment_terms_days": (0, 3650), "response_time_days": (0, 365), "cadence_days": (1, 3650)}


@dataclass
class Change:
    field: str
    label: str
    old: object
    new: object


def current(session: Session, partner_id: int) -> tuple[Terms | None, TermsVersion | None]:
    """The partner's terms row and its current version (one query)."""
    row = session.execute(
        select(Terms, TermsVersion)
        .outerjoin(
            TermsVersion, (TermsVersion.partner_id == Terms.partner_id) & (TermsVersion.version == Terms.version)
        )
        .where(Terms.partner_id == partner_id)
    ).first()
    return (row.Terms, row.TermsVersion) if row else (None, None)


def _rate(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        rate = Decimal(str(value).strip().rstrip("%"))
    except InvalidOperation:
        raise ServiceError("Enter the rate as a percentage, like 10 or 7.5.", field="commission_rate") from None
    if not rate.is_finite() or rate < 0 or rate > 100:
        raise ServiceError("The rate is a percentage between 0 and 100.", field="commission_rate")
    if rate != rate.quantize(Decimal("0.01")):
        raise ServiceError("Use at most two decimals for the rate.", field="commission_rate")
    return rate.quantize(Decimal("0.01"))


def _days(name: str, value) -> int | None:
    if value in (None, ""):
        return None
    low, high = DAY_LIMITS[name]
    try:
        days = int(value)
    except (TypeError, ValueError):
        raise ServiceError("Enter a whole number of days.", field=name) from None
    if not low <= days <= high:
        raise ServiceError("Enter a number of days between %(low)s and %(high)s.", field=name, low=low, high=high)
    return days


def _validated(session: Session, partner: Partner, data: dict) -> dict:
    clean = {"commission_rate": _rate(data.get("commission_rate"))}
    for name in DAY_LIMITS:
        clean[name] = _days(name, data.get(name))
    for name in ("review_on", "agreed_on"):
        value = data.get(name)
        if value is not None and not isinstance(value, date):
            raise ServiceError("Enter a date.", field=name)
        clean[name] = value
    contact_id = data.get("agreed_by_contact_id")
    if contact_id in ("", None):
        contact_id = None
    else:
        found = session.scalar(
            select(Contact.id).where(Contact.id == int(contact_id), Contact.partner_id == partner.id)
        )
        if found is None:
            raise ServiceError("Choose one of this partner's contacts.", field="agreed_by_contact_id")
        contact_id = int(contact_id)
    clean["agreed_by_contact_id"] = contact_id
    clauses = (data.get("clauses") or "").strip()
    if len(clauses) > 20000:
        raise ServiceError("Keep the clauses under 20,000 characters.", field="clauses")
    clean["clauses"] = clauses or None
    return clean


def _values(version: TermsVersion | None) -> dict:
    return {name: (getattr(version, name) if version else None) for name in FIELDS}


def _same(a, b) -> bool:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        return (None if a is None else Decimal(a)) == (None if b is None else Decimal(b))
    return a == b


def diff(previous: TermsVersion | dict | None, new: TermsVersion | dict) -> list[Change]:
    before = previous if isinstance(previous, dict) else _values(previous)
    after = new if isinstance(new, dict) else _values(new)
    return [
        Change(name, FIELDS[name], before[name], after[name]) for name in FIELDS if not _same(before[name], after[name])
    ]


def conflict_message(session: Session, terms: Terms) -> Text:
    latest = session.execute(
        select(TermsVersion.changed_at, User.name)
        .outerjoin(User, User.id == TermsVersion.changed_by_id)
        .where(TermsVersion.partner_id == terms.partner_id, TermsVersion.version == terms.version)
    ).first()
    if latest and latest.name:
        return Text(
            "These terms were changed by %(who)s (%(when)s, version %(version)s) while you were editing. "
            "Your changes were not saved. Compare with the current version; your edits are still in the form: "
            "save again to apply them on top of version %(version)s.",
            who=latest.name,
            when=latest.changed_at,
            version=terms.version,
        )
    return Text(
        "These terms were changed by someone else (%(when)s, version %(version)s) while you were editing. "
        "Your changes were not saved. Compare with the current version; your edits are still in the form: "
        "save again to apply them on top of version %(version)s.",
        when=latest.changed_at if latest else "",
        version=terms.version,
    )


def save_terms(
    session: Session, partner: Partner, data: dict, expected_version: int, actor_id: int | None, now: datetime
) -> TermsVersion:
    """Record a new version of the partner's terms, if the editor saw the current one."""
    clean = _validated(session, partner, data)
    terms, version = current(session, partner.id)
    current_number = terms.version if terms else 0
    if expected_version != current_number:
        raise ServiceError(
            conflict_message(session, terms)
            if terms
            else "These terms changed while you were editing. Reload and try again.",
            field="version",
        )
    if version is not None and not diff(version, clean):
        raise ServiceError("Nothing changed: these are the terms of the current version.")
    new_number = current_number + 1
    if terms is None:
        terms = Terms(
            workspace_id=partner.workspace_id,
            partner_id=partner.id,
            version=new_number,
            commission_rate=clean["commission_rate"],
            review_on=clean["review_on"],
            updated_at=now,
        )
        session.add(terms)
        try:
            session.flush()
        except IntegrityError:  # the caller rolls the transaction back
            raise ServiceError(
                "These terms were created by someone else while you were editing. "
                "Reload to see them and make your changes again.",
                field="version",
            ) from None
    else:
        # Compare-and-set: only one of two concurrent saves moves the version on.
        moved = session.execute(
            update(Terms)
            .where(Terms.id == terms.id, Terms.version == current_number)
            .values(
                version=new_number,
                commission_rate=clean["commission_rate"],
                review_on=clean["review_on"],
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        ).rowcount
        if moved != 1:
            session.expire(terms)
            raise ServiceError(conflict_message(session, terms), field="version")
        session.expire(terms)
    new = TermsVersion(
        workspace_id=partner.workspace_id,
        partner_id=partner.id,
        version=new_number,
        changed_by_id=actor_id,
        changed_at=now,
        **clean,
    )
    session.add(new)
    partner.cadence_days = clean["cadence_days"]
    partner.response_time_days = clean["response_time_days"]
    session.flush()
    return new


@dataclass
class HistoryEntry:
    version: TermsVersion
    changes: list[Change]
    changed_by_name: str | None


def history(session: Session, partner_id: int) -> tuple[list[HistoryEntry], dict[int, str]]:
    """Every version, newest first, each with what changed from the one before, and the names of
    the contacts they mention (two queries)."""
    rows = session.execute(
        select(TermsVersion, User.name)
        .outerjoin(User, User.id == TermsVersion.changed_by_id)
        .where(TermsVersion.partner_id == partner_id)
        .order_by(TermsVersion.version)
    ).all()
    contact_ids = {v.agreed_by_contact_id for v, _ in rows if v.agreed_by_contact_id}
    names = dict(session.execute(select(Contact.id, Contact.name).where(Contact.id.in_(contact_ids))).all())
    entries, previous = [], None
    for version, changed_by_name in rows:
        entries.append(HistoryEntry(version, diff(previous, version), changed_by_name))
        previous = version
    return list(reversed(entries)), names


def review_due(session: Session, workspace_id: int, today: date, page: int = 1, per_page: int = 25) -> Page:
    """Terms whose review date has passed (or is today), oldest first."""
    where = (Terms.workspace_id == workspace_id) & (Terms.review_on <= today)
    total = session.scalar(select(func.count(Terms.id)).where(where))
    page = max(1, page)
    rows = session.execute(
        select(Terms, Partner.name.label("partner_name"), Partner.archived_at.label("archived_at"))
        .join(Partner, Partner.id == Terms.partner_id)
        .where(where)
        .order_by(Terms.review_on, Terms.id)
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    return Page(rows, total, page, per_page)


def contact_choices(session: Session, partner_id: int, agreed_id: int | None) -> list[Contact]:
    """Who can agree terms: the partner's current contacts, plus the one the current version names
    if it was removed since (so an unchanged form still saves). One query."""
    return session.scalars(
        select(Contact)
        .where(Contact.partner_id == partner_id, or_(Contact.removed_at.is_(None), Contact.id == agreed_id))
        .order_by(Contact.is_primary.desc(), Contact.name)
    ).all()

"""Demo members, partners and contacts."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import bindparam, insert, select, update
from werkzeug.security import generate_password_hash

from app.models import Contact, Membership, Partner, User
from app.models.workspace import ROLE_MEMBER

STATUS_WEIGHTS = [("active", 45), ("prospect", 20), ("dormant", 15), ("ended", 8), ("referrer", 12)]
SOURCE_WEIGHTS = [("referral", 55), ("content", 15), ("direct", 15), ("event", 10), ("other", 5)]
TIER_WEIGHTS = [("A", 15), ("B", 45), ("C", 40)]
DEMO_PASSWORD = "orchard-demo"


def _pick(rng, weighted):
    values, weights = zip(*weighted, strict=False)
    return rng.choices(values, weights=weights)[0]


def members_step(ctx) -> None:
    """Two teammates besides the owner, so owners and filters have someone to show."""
    session, ws = ctx.session, ctx.workspace
    # in the order they joined (the owner first): every id list the generator draws from is ordered,
    # so one seed gives the same data on every engine
    ctx.member_ids = list(
        session.scalars(select(Membership.user_id).where(Membership.workspace_id == ws.id).order_by(Membership.id))
    )
    password_hash = generate_password_hash(DEMO_PASSWORD, method="pbkdf2:sha256:60000")
    for name, email in ctx.words.TEAM:
        email = email.replace("@", f"+{ws.id}@")
        user = session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(
                name=name,
                email=email,
                password_hash=password_hash,
                current_workspace_id=ws.id,
                locale=ctx.words.LOCALE,
            )
            session.add(user)
            session.flush()
        if user.id not in ctx.member_ids:
            session.add(Membership(workspace_id=ws.id, user_id=user.id, role=ROLE_MEMBER))
            ctx.member_ids.append(user.id)
    session.flush()


def partners_step(ctx) -> None:
    rng, ws, now, words = ctx.rng, ctx.workspace, ctx.now, ctx.words
    partner_rows = []
    for i in range(ctx.partners):
        is_company = rng.random() < 0.7
        if is_company:
            name = words.company(rng)
        else:
            name = " ".join(words.person(rng))
        if ctx.partners > 300:
            name = f"{name} {i + 1}"  # keep names distinguishable in big data sets
        created = now - timedelta(days=rng.randint(5, 5 * 365), minutes=rng.randint(0, 1440))
        no_prospects = rng.random() < 0.03
        partner_rows.append(
            {
                "workspace_id": ws.id,
                "name": name,
                "name_key": name.lower(),
                "kind": "company" if is_company else "person",
                "status": _pick(rng, STATUS_WEIGHTS),
                "tier": _pick(rng, TIER_WEIGHTS),
                "owner_id": rng.choice(ctx.member_ids),
                "source": _pick(rng, SOURCE_WEIGHTS),
                "website": words.website(name, i + 1) if is_company else None,
                "notes": None,
                "no_prospects": no_prospects,
                "no_prospects_reason": words.NO_PROSPECTS_REASON if no_prospects else None,
                "created_at": created,
                "updated_at": created + timedelta(days=rng.randint(0, 3)),
            }
        )
    ctx.session.execute(insert(Partner.__table__), partner_rows)  # Core executemany: one batch
    ctx.partner_ids = list(
        ctx.session.scalars(select(Partner.id).where(Partner.workspace_id == ws.id).order_by(Partner.id))
    )[-ctx.partners :]

    contact_rows = []
    for partner_id in ctx.partner_ids:
        for n in range(rng.choice((1, 2, 2, 3, 3, 4)) if rng.random() > 0.08 else 1):
            first, last = words.person(rng)
            contact_rows.append(
                {
                    "workspace_id": ws.id,
                    "partner_id": partner_id,
                    "name": f"{first} {last}",
                    "role": rng.choice(words.ROLES),
                    "email": words.email(first, last, partner_id),
                    "phone": words.phone(rng),
                    "notes": None,
                    "is_primary": n == 0,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    ctx.session.execute(insert(Contact.__table__), contact_rows)
    for contact_id, partner_id in ctx.session.execute(
        select(Contact.id, Contact.partner_id)
        .where(Contact.workspace_id == ws.id, Contact.partner_id >= ctx.partner_ids[0])
        .order_by(Contact.id)
    ):
        ctx.contact_ids.setdefault(partner_id, []).append(contact_id)
    counts = {}
    for row in contact_rows:
        counts[row["partner_id"]] = counts.get(row["partner_id"], 0) + 1
    partner = Partner.__table__
    ctx.session.execute(
        update(partner)
        .where(partner.c.id == bindparam("pid"))
        .values(contact_count=bindparam("n"), updated_at=partner.c.updated_at),  # keep the generated dates
        [{"pid": pid, "n": n} for pid, n in counts.items()],
    )
    ctx.stats["partners"] = len(ctx.partner_ids)
    ctx.stats["contacts"] = len(contact_rows)

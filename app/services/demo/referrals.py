"""Demo referral forests: most partners were referred by someone, a few sociable referrers brought up
to ten, many referred nobody (dead ends), and one early client's branch runs at least eight generations
deep. Partners are attached in the order they were added (a referrer always came first); the tree
stats are computed once from the edges (the referral_stats summary's `expected`) and written with the
referral details in one bulk insert."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import bindparam, select

from app.models import Partner
from app.models.referral import Referral, ReferralChange
from app.summaries import referral_stats

DEEP_CHAIN = 9  # partners in the guaranteed deep branch: generations 0 to 8


def _capacity(rng) -> int:
    """How many partners one partner will refer: most none, a few up to ten."""
    roll = rng.random()
    if roll < 0.50:
        return 0
    if roll < 0.80:
        return rng.randint(1, 2)
    if roll < 0.96:
        return rng.randint(3, 5)
    return rng.randint(6, 10)


def step(ctx) -> None:
    rng, session, ws = ctx.rng, ctx.session, ctx.workspace
    rows = (
        session.execute(
            select(Partner.id, Partner.created_at, Partner.source, Partner.status)
            .where(Partner.workspace_id == ws.id, Partner.id >= ctx.partner_ids[0])
            .order_by(Partner.created_at, Partner.id)
        ).all()
        if ctx.partner_ids
        else []
    )
    if len(rows) < 2:
        return
    created = {r.id: r.created_at for r in rows}
    parent: dict[int, int] = {}
    remaining: dict[int, int] = {}
    open_ids: list[int] = []  # partners who may still refer someone

    def offer(pid: int, capacity: int) -> None:
        remaining[pid] = capacity
        if capacity:
            open_ids.append(pid)

    def take(index: int) -> int:
        pid = open_ids[index]
        remaining[pid] -= 1
        if remaining[pid] == 0:
            open_ids[index] = open_ids[-1]
            open_ids.pop()
        return pid

    chain = [r.id for r in rows[:DEEP_CHAIN]]
    for i, pid in enumerate(chain):  # the early client whose branch reaches the 8th generation
        if i:
            parent[pid] = chain[i - 1]
        offer(pid, rng.randint(1, 3) + (5 if i == 0 else 0))  # besides the next link of the chain
    # The founders: the deep chain's root and two other early clients. Their branches keep drawing
    # referrals for years (a sociable network), so the biggest root holds a few percent of everyone.
    founders = {chain[0]} | {r.id for r in rows[DEEP_CHAIN : DEEP_CHAIN + 2]}
    root_of = dict.fromkeys(chain, chain[0])
    founder_open: list[int] = [pid for pid in chain if remaining.get(pid)]

    def take_founder() -> int | None:
        while founder_open:
            i = rng.randrange(len(founder_open))
            pid = founder_open[i]
            if remaining.get(pid):
                remaining[pid] -= 1
                if remaining[pid] == 0:
                    founder_open[i] = founder_open[-1]
                    founder_open.pop()
                return pid
            founder_open[i] = founder_open[-1]
            founder_open.pop()
        return None

    for row in rows[DEEP_CHAIN:]:
        referred = bool(open_ids) and (row.source == "referral" or rng.random() < 0.35)
        ref = None
        if referred and rng.random() < 0.05:
            ref = take_founder()
        if referred and ref is None:
            # mostly someone recent (word of mouth travels fast), sometimes an old client
            if rng.random() < 0.7:
                index = len(open_ids) - 1 - min(len(open_ids) - 1, int(rng.expovariate(1 / 40)))
            else:
                index = rng.randrange(len(open_ids))
            ref = open_ids[index]
            if remaining[ref] <= 0:  # used up through the founders' list
                open_ids[index] = open_ids[-1]
                open_ids.pop()
                ref = None
            else:
                take(index)
        if ref is not None:
            parent[row.id] = ref
            root_of[row.id] = root_of.get(ref, ref)
        else:
            root_of[row.id] = row.id
        capacity = max(_capacity(rng), rng.randint(6, 10)) if row.id in founders else _capacity(rng)
        offer(row.id, capacity)
        if capacity and root_of[row.id] in founders:
            founder_open.append(row.id)

    partner = Partner.__table__  # Core executemany: one statement for every row
    session.execute(
        partner.update()
        .where(partner.c.id == bindparam("b_id"))
        .values(referred_by_id=bindparam("b_ref"), source="referral", updated_at=partner.c.updated_at),
        [{"b_id": pid, "b_ref": ref} for pid, ref in sorted(parent.items())],  # in key order: fewer page writes
    )
    stats = {pid: values for (pid,), values in referral_stats.expected(session, ws.id).items()}
    owner_id = ctx.member_ids[0] if ctx.member_ids else None
    referral_rows, change_rows = [], []
    for pid, (root, generation, direct, size, depth) in sorted(stats.items()):
        row = {
            "partner_id": pid,
            "workspace_id": ws.id,
            "root_id": root,
            "generation": generation,
            "direct_count": direct,
            "subtree_size": size,
            "subtree_depth": depth,
            "contact_id": None,
            "referred_on": None,
            "note": None,
            "updated_at": ctx.now,
        }
        ref = parent.get(pid)
        if ref is not None:
            referred_at = created[pid] - timedelta(days=rng.randint(0, 20))
            row["referred_on"] = max(referred_at, created[ref]).date()
            contacts = ctx.contact_ids.get(ref)
            if contacts and rng.random() < 0.6:
                row["contact_id"] = rng.choice(contacts)
            if rng.random() < 0.08:
                row["note"] = rng.choice(ctx.words.REFERRAL_NOTES)
            if rng.random() < 0.03:  # found out later who sent them
                change_rows.append(
                    {
                        "workspace_id": ws.id,
                        "partner_id": pid,
                        "from_partner_id": None,
                        "from_name": None,
                        "to_partner_id": ref,
                        "to_name": None,
                        "changed_by_id": owner_id,
                        "note": ctx.words.LATE_ATTRIBUTION,
                        "changed_at": min(ctx.now, created[pid] + timedelta(days=rng.randint(20, 200))),
                    }
                )
        referral_rows.append(row)
    if referral_rows:
        session.execute(Referral.__table__.insert(), referral_rows)
    if change_rows:
        names = dict(
            session.execute(
                select(Partner.id, Partner.name).where(Partner.id.in_({r["to_partner_id"] for r in change_rows}))
            ).all()
        )
        for r in change_rows:
            r["to_name"] = names.get(r["to_partner_id"])
        session.execute(ReferralChange.__table__.insert(), change_rows)
    ctx.stats["referrals"] = len(parent)
    ctx.stats["referral branches"] = sum(1 for pid, s in stats.items() if s[0] == pid)
    ctx.stats["deepest generation"] = max((s[1] for s in stats.values()), default=0)

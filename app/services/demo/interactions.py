"""Demo interaction histories (about ten per partner) that trigger every neglect flag, and the
PartnerActivity summaries computed from the same rows (bulk inserts only)."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import delete, insert, select

from app.models import Interaction, Partner, PartnerActivity, TouchWeek
from app.services.interactions import Touch, summarize, week_start
from app.services.activity_sync import copied_values
from app.services.neglect import Defaults, derive_thresholds

# Scenario weights: what each partner's recent history looks like.
SCENARIOS = [("tended", 38), ("due_soon", 8), ("neglected", 18), ("burst", 8), ("waiting", 9),
             ("not_answering", 8), ("one_contact", 6), ("never", 5)]
KIND_WEIGHTS = [("email", 34), ("call", 28), ("meeting", 14), ("message", 16), ("note", 8)]
SUMMARIES = {
    "call": ["Catch-up call about next quarter", "Quick call: they liked the draft", "Called about the invoice",
             "Talked through the new brief", "Call: introduced us to their marketing lead"],
    "meeting": ["Coffee meeting, discussed a referral", "Workshop at their office", "Lunch: they plan a rebrand",
                "Review meeting for the launch"],
    "email": ["Sent the proposal", "They asked for a quote", "Shared the case study", "Followed up on the offer",
              "Sent the monthly report"],
    "message": ["Quick message about the deadline", "Congratulated them on the award", "Asked how the launch went",
                "They sent a referral's contact"],
    "note": ["Prefers calls in the morning", "Budget decided in March", "Decision maker is the CFO",
             "Sensitive about price changes"],
}
MAX_AGE_DAYS = 4 * 365


def _pick(rng, weighted):
    values, weights = zip(*weighted)
    return rng.choices(values, weights=weights)[0]


def _history(rng, cadence: int, scenario: str, contacts: list[int]):
    """Events as (days ago, direction, contact id, kind), newest first, before the age cut."""
    events = []

    def person():
        if not contacts or rng.random() < 0.15:
            return None
        return rng.choice(contacts)

    def kind():
        return _pick(rng, KIND_WEIGHTS)

    def add(days, direction=None, contact="any", kind_=None):
        k = kind_ or kind()
        if k == "note":
            direction = None
        elif direction is None:
            direction = "ours" if rng.random() < 0.55 else "theirs"
        events.append((days, direction, person() if contact == "any" else contact, k))

    def past(start, n, low=0.4, high=1.1):
        days = start
        for _ in range(n):
            days += cadence * rng.uniform(low, high)
            add(days)

    n = rng.randint(5, 16)
    if scenario == "never":
        if rng.random() < 0.5:
            add(rng.uniform(1, 30), kind_="note")
        return events
    if scenario == "tended":
        last = cadence * rng.uniform(0.0, 0.6)
        add(last, kind_=rng.choice(("call", "meeting", "email")))
        past(last, n)
    elif scenario == "due_soon":
        last = cadence * rng.uniform(0.82, 0.97)
        add(last, kind_="email")
        past(last, n)
    elif scenario == "neglected":
        last = cadence * rng.uniform(1.1, 4.0)
        add(last)
        past(last, n, 0.5, 1.5)
    elif scenario == "burst":
        last = cadence * rng.uniform(1.15, 3.0)
        span = rng.uniform(4, 13)
        add(last, "ours")
        add(last + span * 0.4, "theirs")
        add(last + span, "ours", kind_="meeting")
        past(last + span, n - 3, 0.8, 2.0)
    elif scenario == "waiting":
        last = rng.uniform(3, 12)
        add(last, "theirs", kind_=rng.choice(("email", "message")))
        past(last, n)
    elif scenario == "not_answering":
        first = rng.uniform(3, 10)
        add(rng.uniform(0.3, first / 3), "ours", kind_="call")
        add(rng.uniform(first / 3, first * 0.8), "ours", kind_="message")
        add(first, "ours", kind_="email")
        add(first + rng.uniform(5, 30), "theirs")
        past(first + 30, n - 4)
    elif scenario == "one_contact":
        anchor = contacts[0] if contacts else None
        days = cadence * rng.uniform(0.1, 0.8)
        for _ in range(rng.randint(3, 5)):
            add(days, contact=anchor, kind_=rng.choice(("call", "email", "meeting")))
            days += rng.uniform(10, 30)
        past(max(days, 200), n - 3)
    events.sort(key=lambda e: e[0])
    return events


def step(ctx) -> None:
    rng, ws, now, session = ctx.rng, ctx.workspace, ctx.now, ctx.session
    if not ctx.partner_ids:
        return
    partners = session.execute(
        select(Partner.id, Partner.tier, Partner.cadence_days, Partner.response_time_days, Partner.created_at,
               Partner.owner_id, Partner.archived_at, Partner.status, Partner.no_prospects)
        .where(Partner.workspace_id == ws.id, Partner.id >= ctx.partner_ids[0]).order_by(Partner.id)
    ).all()
    tiers = {"A": ws.cadence_a_days, "B": ws.cadence_b_days, "C": ws.cadence_c_days}
    members = ctx.member_ids or [None]
    rows, activity_rows = [], []
    for partner in partners:
        partner_id, tier, cadence_days, created_at, owner_id = (partner.id, partner.tier, partner.cadence_days,
                                                                partner.created_at, partner.owner_id)
        cadence = cadence_days or tiers.get(tier, ws.cadence_c_days)
        contacts = ctx.contact_ids.get(partner_id, [])
        age_days = min((now - created_at).total_seconds() / 86400, MAX_AGE_DAYS)
        scenario = _pick(rng, SCENARIOS)
        if scenario == "one_contact" and len(contacts) < 2:
            scenario = "tended"
        if scenario == "never" and age_days > 120:
            scenario = "neglected"  # only recent partners have never been touched
        events = [e for e in _history(rng, cadence, scenario, contacts) if e[0] < age_days]
        touches = []
        # oldest first, so that ids grow with time (ties are broken by id, newest last)
        for days, direction, contact_id, kind in reversed(events):
            occurred = now - timedelta(seconds=int(days * 86400))
            author = owner_id if owner_id and rng.random() < 0.8 else rng.choice(members)
            rows.append({
                "workspace_id": ws.id, "partner_id": partner_id, "contact_id": contact_id, "kind": kind,
                "direction": direction, "occurred_at": occurred, "summary": rng.choice(SUMMARIES[kind]),
                "created_by_id": author, "deleted_at": None, "created_at": occurred, "updated_at": occurred,
            })
            if kind != "note":
                touches.append(Touch(len(rows), occurred, direction, contact_id))
        touches.reverse()  # newest first
        summary = summarize(touches)
        summary.update(partner_id=partner_id, workspace_id=ws.id, contact_count=len(contacts),
                       **copied_values(partner))
        activity_rows.append(summary)
    for start in range(0, len(rows), 50_000):
        session.execute(insert(Interaction), rows[start:start + 50_000])
    weeks: dict = {}
    for row in rows:
        if row["kind"] != "note":
            key = (week_start(row["occurred_at"]), row["created_by_id"])
            weeks[key] = weeks.get(key, 0) + 1
    session.execute(delete(TouchWeek).where(TouchWeek.workspace_id == ws.id))
    if weeks:
        session.execute(insert(TouchWeek), [{"workspace_id": ws.id, "week_start": week, "author_id": author,
                                             "touches": n} for (week, author), n in weeks.items()])
    # One row per partner (the people step bulk-inserted partners and contacts, so no flush events
    # made them); any row already there is replaced.
    session.execute(delete(PartnerActivity).where(PartnerActivity.partner_id >= ctx.partner_ids[0],
                                                  PartnerActivity.workspace_id == ws.id))
    for start in range(0, len(activity_rows), 50_000):
        session.execute(insert(PartnerActivity), activity_rows[start:start + 50_000])
    session.execute(derive_thresholds(ws.id, Defaults.of(session, ws.id)),
                    execution_options={"synchronize_session": False})
    ctx.stats["interactions"] = len(rows)

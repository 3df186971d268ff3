"""Demo interaction histories (about ten per partner) that trigger every neglect flag (bulk inserts
only; the generator rebuilds the summaries afterwards)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.models import Partner

# Scenario weights: what each partner's recent history looks like.
SCENARIOS = [
    ("tended", 38),
    ("due_soon", 8),
    ("neglected", 18),
    ("burst", 8),
    ("waiting", 9),
    ("not_answering", 8),
    ("one_contact", 6),
    ("never", 5),
]
KIND_WEIGHTS = [("email", 34), ("call", 28), ("meeting", 14), ("message", 16), ("note", 8)]
MAX_AGE_DAYS = 4 * 365


def _pick(rng, weighted):
    values, weights = zip(*weighted, strict=False)
    return rng.choices(values, weights=weights)[0]


def _table(weighted) -> list:
    """The values repeated by weight: rng.choice on it is a weighted pick, and fast."""
    return [value for value, weight in weighted for _ in range(weight)]


KIND_TABLE = _table(KIND_WEIGHTS)
SCENARIO_TABLE = _table(SCENARIOS)


def _history(rng, cadence: int, scenario: str, contacts: list[int]):
    """Events as (days ago, direction, contact id, kind), newest first, before the age cut."""
    events = []

    def person():
        if not contacts or rng.random() < 0.15:
            return None
        return rng.choice(contacts)

    def kind():
        return rng.choice(KIND_TABLE)

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


INTERACTION_COLUMNS = (
    "workspace_id",
    "partner_id",
    "contact_id",
    "kind",
    "direction",
    "occurred_at",
    "summary",
    "created_by_id",
    "deleted_at",
    "created_at",
    "updated_at",
)


def _raw_insert(session, table: str, columns, rows) -> None:
    """executemany straight on the driver: the demo's half a million rows skip per-value type
    processing (values are already in the database's form, see _db_time)."""
    if not rows:
        return
    dialect = session.get_bind().dialect
    mark = "?" if dialect.paramstyle == "qmark" else "%s"
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join([mark] * len(columns))})"
    connection = session.connection()
    if dialect.name == "sqlite":  # room for the indexes being filled (this connection only)
        connection.exec_driver_sql("PRAGMA cache_size = -262144")
    for start in range(0, len(rows), 50_000):
        connection.exec_driver_sql(sql, rows[start : start + 50_000])


def _db_time(session):
    """How a UTC datetime column stores a (naive UTC) moment: SQLite keeps text in SQLAlchemy's
    format, others a timestamp."""
    if session.get_bind().dialect.name == "sqlite":
        return lambda naive: naive.isoformat(" ", "microseconds")
    return lambda naive: naive


def step(ctx) -> None:
    rng, ws, now, session = ctx.rng, ctx.workspace, ctx.now, ctx.session
    summaries = ctx.words.SUMMARIES
    if not ctx.partner_ids:
        return
    session.flush()
    partners = session.execute(
        select(
            Partner.id,
            Partner.tier,
            Partner.cadence_days,
            Partner.response_time_days,
            Partner.created_at,
            Partner.owner_id,
        )
        .where(Partner.workspace_id == ws.id, Partner.id >= ctx.partner_ids[0])
        .order_by(Partner.id)
    ).all()
    tiers = {"A": ws.cadence_a_days, "B": ws.cadence_b_days, "C": ws.cadence_c_days}
    members = ctx.member_ids or [None]
    db_time = _db_time(session)
    now_naive = now.replace(tzinfo=None)
    random_, choice = rng.random, rng.choice
    rows = []
    for partner in partners:
        partner_id, owner_id = partner.id, partner.owner_id
        cadence = partner.cadence_days or tiers.get(partner.tier, ws.cadence_c_days)
        contacts = ctx.contact_ids.get(partner_id, [])
        age_days = min((now - partner.created_at).total_seconds() / 86400, MAX_AGE_DAYS)
        scenario = choice(SCENARIO_TABLE)
        if scenario == "one_contact" and len(contacts) < 2:
            scenario = "tended"
        if scenario == "never" and age_days > 120:
            scenario = "neglected"  # only recent partners have never been touched
        # oldest first, so that ids grow with time (ties are broken by id, newest last)
        for days, direction, contact_id, kind in reversed(_history(rng, cadence, scenario, contacts)):
            if days >= age_days:
                continue
            ago = timedelta(seconds=int(days * 86400))
            author = owner_id if owner_id and random_() < 0.8 else choice(members)
            stamp = db_time(now_naive - ago)
            rows.append(
                (
                    ws.id,
                    partner_id,
                    contact_id,
                    kind,
                    direction,
                    stamp,
                    choice(summaries[kind]),
                    author,
                    None,
                    stamp,
                    stamp,
                )
            )
    _raw_insert(session, "interaction", INTERACTION_COLUMNS, rows)
    ctx.stats["interactions"] = len(rows)

"""The pages the benchmark times. Each entry is (name, url_builder); url_builder(ctx) returns the URL
to GET (or None to skip the page when its feature has no data in this run).

`ctx` (bench.run.BenchContext) offers:
  ctx.workspace_id, ctx.user_id, ctx.demo (the demo generator's DemoContext: partner_ids,
  contact_ids, member_ids, stats and anything a demo step stored on it), ctx.session,
  ctx.scalar(sql, **params) for a one-off lookup, and ready-made ids (None when absent):
  ctx.partner_id                 a typical partner (contacts, interactions, deals)
  ctx.biggest_referral_root_id   the root partner of the largest referral tree
  ctx.busiest_partner_id         the partner with the most interactions
  ctx.deal_id                    a deal
  ctx.statement_token            a statement link's token (a demo step must leave it on ctx.demo
                                 as `statement_token`: only its hash is stored)

An entry may also answer (url, headers) for a request with headers, or (url, headers, json_body) for
a POST (an API write, e.g. logging an interaction).

Add your feature's pages at the end of PAGES (one line each, keep names short and unique).
"""

from __future__ import annotations

from datetime import UTC
from urllib.parse import urlencode


def _q(path: str, **params) -> str:
    return f"{path}?{urlencode(params)}" if params else path


def _partner(path: str):
    return lambda ctx: path.format(pid=ctx.partner_id) if ctx.partner_id else None


PAGES = [
    ("partners list", lambda ctx: "/partners/"),
    ("partners list, fragment", lambda ctx: ("/partners/", {"HX-Request": "true"})),
    ("partners sorted by name desc", lambda ctx: _q("/partners/", sort="name", dir="desc")),
    ("partners sorted by owner", lambda ctx: _q("/partners/", sort="owner", dir="asc")),
    ("partners sorted by contacts", lambda ctx: _q("/partners/", sort="contacts", dir="desc")),
    ("partners sorted by updated", lambda ctx: _q("/partners/", sort="updated", dir="desc")),
    ("partners filtered (status+tier)", lambda ctx: _q("/partners/", status="active", tier="A")),
    (
        "partners filtered + sorted",
        lambda ctx: _q("/partners/", status="active", source="referral", sort="updated", dir="desc"),
    ),
    ("partners archived filter", lambda ctx: _q("/partners/", archived="only")),
    ("partners page 40", lambda ctx: _q("/partners/", page=40)),
    ("search by name", lambda ctx: _q("/partners/", q="studio")),
    ("search by contact email", lambda ctx: _q("/partners/", q="anna.")),
    ("search, no match", lambda ctx: _q("/partners/", q="zzzqqq")),
    ("partner page", _partner("/partners/{pid}")),
    ("contacts fragment", lambda ctx: (f"/partners/{ctx.partner_id}/contacts", {"HX-Request": "true"})),
    ("edit partner form", _partner("/partners/{pid}/edit")),
]


def _calendar_feed(ctx):
    """The bench user's private calendar feed (created here: only the token's hash is stored)."""
    if "feed_token" not in ctx._cache:
        from datetime import datetime

        from app.services.calendar_feed import create_feed

        ctx._cache["feed_token"] = create_feed(ctx.session, ctx.user_id, datetime.now(UTC))[1]
        ctx.session.commit()
    return f"/calendar/{ctx._cache['feed_token']}.ics"


PAGES += [
    ("reminders (mine)", lambda ctx: "/reminders/"),
    ("reminders (everyone's)", lambda ctx: _q("/reminders/", who="all")),
    ("reminders done (everyone's)", lambda ctx: _q("/reminders/", who="all", view="done")),
    ("reminders page 20 (everyone's)", lambda ctx: _q("/reminders/", who="all", page=20)),
    ("partner reminders tab", _partner("/partners/{pid}/reminders")),
    ("reminders nav badge", lambda ctx: ("/reminders/badge", {"HX-Request": "true"})),
    ("reminders calendar feed (.ics)", _calendar_feed),
]

# Interactions, flags and the dashboard
PAGES += [
    ("dashboard (everyone's)", lambda ctx: "/dashboard"),
    ("dashboard (mine)", lambda ctx: _q("/dashboard", who="mine")),
    ("dashboard refresh, fragment", lambda ctx: ("/dashboard", {"HX-Request": "true"})),
    ("partner timeline", _partner("/partners/{pid}/timeline")),
    ("partner timeline, calls", _partner("/partners/{pid}/timeline?kind=call")),
    (
        "busiest partner timeline",
        lambda ctx: f"/partners/{ctx.busiest_partner_id}/timeline" if ctx.busiest_partner_id else None,
    ),
    ("activity feed", lambda ctx: "/activity"),
    ("activity feed, member + kind", lambda ctx: _q("/activity", member=ctx.user_id, kind="meeting")),
    ("activity feed page 50", lambda ctx: _q("/activity", page=50)),
]


# Referral genealogy: forest, the tree of the biggest root, its on-demand pieces, report, partner tab
def _root(path: str):
    return lambda ctx: path.format(root=ctx.biggest_referral_root_id) if ctx.biggest_referral_root_id else None


def _deepest_referral(ctx):
    return ctx.scalar(
        "SELECT partner_id FROM referral WHERE workspace_id = :ws ORDER BY generation DESC, partner_id LIMIT 1",
        ws=ctx.workspace_id,
    )


def _path_to_deepest(ctx):
    deep = _deepest_referral(ctx)
    root = ctx.scalar("SELECT root_id FROM referral WHERE partner_id = :p", p=deep) if deep else None
    return f"/referrals/tree/{root}/path/{deep}.json" if root else None


def _inner_branch(ctx):
    """The biggest branch two generations below the biggest root (not a root: found by a recursive walk)."""
    return ctx.scalar(
        "SELECT partner_id FROM referral WHERE workspace_id = :ws AND root_id = :root AND generation = 2 "
        "ORDER BY subtree_size DESC, partner_id LIMIT 1",
        ws=ctx.workspace_id,
        root=ctx.biggest_referral_root_id,
    )


PAGES += [
    ("referral forest", lambda ctx: "/referrals/"),
    ("referral forest page 10", lambda ctx: _q("/referrals/", page=10)),
    ("referral tree, biggest root", _root("/referrals/tree/{root}")),
    ("referral tree, unfold (json)", _root("/referrals/tree/{root}/nodes.json")),
    (
        "referral tree, list branch",
        lambda ctx: (
            (f"/referrals/tree/{ctx.biggest_referral_root_id}/branch", {"HX-Request": "true"})
            if ctx.biggest_referral_root_id
            else None
        ),
    ),
    ("referral tree, search", _root("/referrals/tree/{root}/find.json?q=studio")),
    ("referral tree, path to deepest (json)", _path_to_deepest),
    (
        "referral branch revenue, biggest root",
        lambda ctx: (
            (f"/referrals/revenue/{ctx.biggest_referral_root_id}", {"HX-Request": "true"})
            if ctx.biggest_referral_root_id
            else None
        ),
    ),
    (
        "referral branch revenue, inner branch",
        lambda ctx: (
            (f"/referrals/revenue/{_inner_branch(ctx)}", {"HX-Request": "true"}) if _inner_branch(ctx) else None
        ),
    ),
    ("referral report", lambda ctx: "/referrals/report"),
    ("referral report, revenue", lambda ctx: ("/referrals/report/revenue", {"HX-Request": "true"})),
    ("partner referrals tab", _partner("/partners/{pid}/referrals")),
    (
        "deepest partner referrals tab",
        lambda ctx: f"/partners/{_deepest_referral(ctx)}/referrals" if _deepest_referral(ctx) else None,
    ),
]


# Deals, terms and the commission ledger
def _top_referrer(ctx):
    if "top_referrer" not in ctx._cache:
        ctx._cache["top_referrer"] = ctx.scalar(
            "SELECT referrer_id FROM commission WHERE workspace_id = :ws GROUP BY referrer_id "
            "ORDER BY count(*) DESC, referrer_id LIMIT 1",
            ws=ctx.workspace_id,
        )
    return ctx._cache["top_referrer"]


PAGES += [
    ("pipeline", lambda ctx: "/deals/"),
    ("pipeline (mine, 12 months)", lambda ctx: _q("/deals/", owner="me", months=12)),
    ("deals list", lambda ctx: "/deals/list"),
    ("deals list, fragment", lambda ctx: ("/deals/list", {"HX-Request": "true"})),
    ("deals sorted by amount", lambda ctx: _q("/deals/list", sort="amount", dir="desc")),
    ("deals won, win-win", lambda ctx: _q("/deals/list", stage="won", quadrant="win-win")),
    ("deals search", lambda ctx: _q("/deals/list", q="studio")),
    ("deals page 50", lambda ctx: _q("/deals/list", page=50)),
    ("deal page", lambda ctx: f"/deals/{ctx.deal_id}" if ctx.deal_id else None),
    ("partner deals tab", _partner("/partners/{pid}/deals")),
    ("partner terms tab", lambda ctx: f"/partners/{_top_referrer(ctx)}/terms" if _top_referrer(ctx) else None),
    ("terms to review", lambda ctx: "/terms/reviews"),
    ("ledger", lambda ctx: "/ledger"),
    ("ledger owed", lambda ctx: _q("/ledger", status="owed")),
    ("ledger page 20", lambda ctx: _q("/ledger", page=20)),
    (
        "referrer commissions tab",
        lambda ctx: f"/partners/{_top_referrer(ctx)}/commissions" if _top_referrer(ctx) else None,
    ),
    ("referrer statement (public)", lambda ctx: f"/statement/{ctx.statement_token}" if ctx.statement_token else None),
]


# The JSON API (a write token of the bench user, created here: only its hash is stored)
def _api_headers(ctx) -> dict:
    if "api_token" not in ctx._cache:
        from datetime import datetime

        from app.services.api_tokens import create_token

        _token, plaintext = create_token(
            ctx.session,
            workspace_id=ctx.workspace_id,
            user_id=ctx.user_id,
            name="bench",
            scope="write",
            expires_on=None,
            now=datetime.now(UTC),
        )
        ctx.session.commit()
        ctx._cache["api_token"] = plaintext
    return {"Authorization": f"Bearer {ctx._cache['api_token']}"}


def _api_log_interaction(ctx):
    if not ctx.partner_id:
        return None
    from datetime import datetime, timedelta

    when = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    body = {"partner_id": ctx.partner_id, "kind": "call", "direction": "ours", "occurred_at": when, "summary": "Bench"}
    return "/api/v1/interactions", _api_headers(ctx), body


PAGES += [
    ("api: list partners", lambda ctx: ("/api/v1/partners", _api_headers(ctx))),
    ("api: list partners, filtered", lambda ctx: ("/api/v1/partners?status=active&tier=A", _api_headers(ctx))),
    ("api: get partner", lambda ctx: (f"/api/v1/partners/{ctx.partner_id}", _api_headers(ctx))),
    ("api: log interaction", _api_log_interaction),
    ("api: list deals", lambda ctx: ("/api/v1/deals", _api_headers(ctx))),
    ("api: dashboard flags", lambda ctx: ("/api/v1/dashboard/flags", _api_headers(ctx))),
]


# Search (the index): a word a fixed number of partners and deals carry at every size, so its matches
# do not grow with the book; the global search page and the palette's fragment (the search blueprint)
FIXED_MATCHES = 12


def _fixed_word(ctx) -> str:
    """Twelve partners named "Quillon Works n", each with a deal "Quillon rollout n" (added once,
    through the ORM, so the index's flush hook files them)."""
    if "fixed_word" not in ctx._cache:
        from datetime import datetime
        from decimal import Decimal

        from app.models import Deal, Partner

        for n in range(FIXED_MATCHES):
            partner = Partner(workspace_id=ctx.workspace_id, name=f"Quillon Works {n}", status="active")
            ctx.session.add(partner)
            ctx.session.flush()
            ctx.session.add(
                Deal(
                    workspace_id=ctx.workspace_id,
                    partner_id=partner.id,
                    title=f"Quillon rollout {n}",
                    amount=Decimal("100"),
                    currency="EUR",
                    created_at=datetime.now(UTC),
                )
            )
        ctx.session.commit()
        ctx._cache["fixed_word"] = "quillon"
    return ctx._cache["fixed_word"]


PAGES += [
    ("partners search, fixed matches", lambda ctx: _q("/partners/", q=_fixed_word(ctx))),
    ("partners search, typo", lambda ctx: _q("/partners/", q="quilon")),
    ("deals search, fixed matches", lambda ctx: _q("/deals/list", q=_fixed_word(ctx))),
    ("global search", lambda ctx: _q("/search", q=_fixed_word(ctx))),
    ("palette fragment", lambda ctx: (_q("/search/palette", q=_fixed_word(ctx)), {"HX-Request": "true"})),
]

# Reports
PAGES += [
    ("report: referral economics", lambda ctx: "/reports/referral-economics"),
    (
        "report: referral economics, compared",
        lambda ctx: _q("/reports/referral-economics", period="quarter", compare=1),
    ),
]

# Settings → Trash (the demo deletes nothing: the page reads the empty workspace Trash's index range)
PAGES += [
    ("trash", lambda ctx: "/settings/trash"),
]


def _health_weeks(ctx):
    """The health report with 52 weeks: this week derived by a close, the 51 before it copies of it
    (a first close reconstructs them from the touch history, a minute per week at 50,000 partners;
    the page reads and shows the same 52 rows either way)."""
    if "health_weeks" not in ctx._cache:
        from datetime import datetime, timedelta

        from sqlalchemy import insert, select

        from app.models import HealthWeek
        from app.services.reports.health import close_weeks

        close_weeks(ctx.session, datetime.now(UTC), ctx.workspace_id, history=0)
        week = ctx.session.scalars(select(HealthWeek).where(HealthWeek.workspace_id == ctx.workspace_id)).one()
        counts = {
            c.name: getattr(week, c.name)
            for c in HealthWeek.__table__.columns
            if c.name not in ("id", "week_start", "closed")
        }
        rows = [{**counts, "week_start": week.week_start - timedelta(weeks=n), "closed": True} for n in range(1, 52)]
        ctx.session.execute(insert(HealthWeek), rows)
        ctx.session.commit()
        ctx._cache["health_weeks"] = True
    return "/reports/health"


# Reports
PAGES += [
    ("report: health over time", _health_weeks),
    ("report: health over time, quarter", lambda ctx: _q(_health_weeks(ctx), period="quarter")),
    ("report: account managers", lambda ctx: "/reports/managers"),
    ("report: account managers, quarter", lambda ctx: _q("/reports/managers", period="quarter")),
    # Sources and Tiers: bucket sums; cadence kept is one count over the activity rows
    ("report: sources", lambda ctx: "/reports/sources"),
    ("report: sources, compared and filtered", lambda ctx: _q("/reports/sources", compare=1, tier="A")),
    ("report: tiers", lambda ctx: "/reports/tiers"),
    ("report: tiers, quarter compared", lambda ctx: _q("/reports/tiers", period="quarter", compare=1)),
]

"""Every GET page survives garbage in its query string: non-numeric ids, huge numbers, bad dates,
very long strings, unknown enum values. A bad argument is ignored or answered 4xx, never a 500."""

from __future__ import annotations

import pytest

from tests.conftest import HX
from tests.test_tenancy_walk import ID_FACTORIES, PUBLIC_ROUTES, Ctx, _build

# the walk's factories date what they make at NOW: the routes agree
pytestmark = pytest.mark.usefixtures("frozen_clock")

# every query argument name the views read
ARG_NAMES = [
    "archived",
    "back",
    "box",
    "closed_from",
    "closed_to",
    "compact",
    "contacts",
    "currency",
    "date",
    "depth",
    "dir",
    "email",
    "exclude",
    "flag",
    "form",
    "g",
    "ids",
    "invite",
    "kind",
    "member",
    "months",
    "next",
    "owner",
    "page",
    "partner_id",
    "partner_q",
    "q",
    "quadrant",
    "referred_by_id",
    "referrer",
    "referrer_q",
    "reminder",
    "revenue",
    "scope",
    "sort",
    "source",
    "stage",
    "status",
    "tier",
    "undo_log",
    "until",
    "view",
    "who",
    "ws",
    "per_page",
    "contact_id",
    "deal_id",
    "due_on",
    "from",
    "to",
    "year",
    "month",
    "focus",
    "target_id",
]

GARBAGE = [
    "abc",
    "-1",
    "2147483648",
    "9223372036854775807",
    "99999999999999999999999",
    "9" * 400,
    "2026-13-45",
    "x" * 5000,
    "\x00%",
    "1e309",
    "-99999999999999999999",
]


def _get_rules(app):
    return sorted(
        (
            r
            for r in app.url_map.iter_rules()
            if "GET" in r.methods and r.endpoint not in PUBLIC_ROUTES and all(a in ID_FACTORIES for a in r.arguments)
        ),
        key=lambda r: r.rule,
    )


def _server_errors(app, ctx, rules, send) -> list[str]:
    """Call send(url, headers) for every rule, as a page and as htmx; list the crashes and 5xx answers."""
    from app.extensions import db

    failures = []
    for rule in rules:
        url = app.url_map.bind("localhost").build(rule.endpoint, _build(ctx, sorted(rule.arguments)))
        for headers in ({}, HX):
            try:
                response = send(url, headers)
                response.get_data()  # streamed downloads run to the end
                response.close()
            except Exception as exc:
                db.session.rollback()
                failures.append(f"{url} htmx={bool(headers)}: {type(exc).__name__}: {str(exc)[:200]}")
                continue
            if response.status_code >= 500:
                failures.append(f"{url} htmx={bool(headers)}: {response.status_code}")
    return failures


@pytest.mark.parametrize("garbage", GARBAGE, ids=lambda v: repr(v[:20]))
def test_get_routes_survive_garbage_query_args(app, logged_in, user, workspace, garbage):
    args = dict.fromkeys(ARG_NAMES, garbage)
    failures = _server_errors(
        app,
        Ctx(workspace, user),
        _get_rules(app),
        lambda url, headers: logged_in.get(url, query_string=args, headers=headers),
    )
    assert not failures, "\n".join(failures)


FORM_FIELDS = [
    "agreed_by_contact_id",
    "agreed_on",
    "amount",
    "assignee_id",
    "cadence_a_days",
    "cadence_b_days",
    "cadence_c_days",
    "cadence_days",
    "clauses",
    "commission_rate",
    "contact_id",
    "currency",
    "default_currency",
    "direction",
    "due_on",
    "due_time",
    "expected_close_on",
    "follow_up",
    "frequency",
    "is_primary",
    "kind",
    "label",
    "lost_reason",
    "name",
    "no_prospects",
    "no_prospects_reason",
    "note",
    "notes",
    "occurred_at",
    "owner_id",
    "paid_on",
    "partner_id",
    "payment_reference",
    "phone",
    "referred_by_id",
    "referred_on",
    "response_time_days",
    "review_on",
    "role",
    "source",
    "stage",
    "status",
    "summary",
    "tier",
    "timezone",
    "title",
    "value_to_partner",
    "value_to_partner_note",
    "value_to_us",
    "value_to_us_note",
    "version",
    "website",
    "ids",
    "reminder",
    "undo_log",
    "scope",
    "referrer",
    "back",
    "until",
    "date",
    "next",
    "q",
    "email",
]
# these end the session or the workspace the walk runs in
SKIP_POST = {
    "auth.logout",
    "auth.login",
    "auth.register",
    "auth.accept_invite",
    "auth.switch",
    "auth.create_workspace",
    "settings.remove_member",
    "settings.set_role",
    "settings.delete_workspace",
    "settings.leave",
    "settings.password",
    "reminders.open_in",
}


def _post_rules(app):
    return sorted(
        (
            r
            for r in app.url_map.iter_rules()
            if "POST" in r.methods
            and r.endpoint not in PUBLIC_ROUTES
            and r.endpoint not in SKIP_POST
            and all(a in ID_FACTORIES for a in r.arguments)
        ),
        key=lambda r: r.rule,
    )


@pytest.mark.parametrize("garbage", GARBAGE, ids=lambda v: repr(v[:20]))
def test_post_routes_survive_garbage_form_fields(app, logged_in, user, workspace, garbage):
    data = dict.fromkeys(FORM_FIELDS, garbage)
    failures = _server_errors(
        app,
        Ctx(workspace, user),
        _post_rules(app),
        lambda url, headers: logged_in.post(url, data=data, headers=headers),
    )
    assert logged_in.get("/partners/").status_code == 200, "the walk logged itself out"
    assert not failures, "\n".join(failures)


DATE_FIELDS = ["agreed_on", "review_on", "due_on", "expected_close_on", "paid_on", "referred_on", "date", "until"]


@pytest.mark.parametrize("zone", ["Asia/Tokyo", "Pacific/Honolulu"])
@pytest.mark.parametrize(("day", "moment"), [("0001-01-01", "0001-01-01T00:00"), ("9999-12-31", "9999-12-31T23:59")])
def test_extreme_dates_are_refused_or_kept_never_a_crash(app, logged_in, user, workspace, zone, day, moment):
    from app.extensions import db

    user.timezone = zone
    db.session.commit()
    data = dict.fromkeys(DATE_FIELDS, day)
    data.update(
        occurred_at=moment,
        due_time="23:59",
        title="T",
        summary="S",
        kind="call",
        direction="ours",
        stage="won",
        amount="10",
        currency="EUR",
        name="N",
        lost_reason="r",
    )
    failures = _server_errors(
        app,
        Ctx(workspace, user),
        _post_rules(app),
        lambda url, headers: logged_in.post(url, data=data, headers=headers),
    )
    failures += _server_errors(
        app,
        Ctx(workspace, user),
        _get_rules(app),
        lambda url, headers: logged_in.get(
            url, query_string=dict(data, closed_from=day, closed_to=day), headers=headers
        ),
    )
    assert not failures, "\n".join(failures)


def test_query_args_with_another_workspaces_ids_never_show_their_data(app, logged_in, user, workspace, other):
    """Ids in query strings (owner, partner_id, referrer, referred_by_id, member, ws…) are looked up
    in the current workspace only: nothing of the other workspace appears on any page."""
    from decimal import Decimal

    from app.extensions import db
    from app.models import Deal, Reminder

    theirs = other["partner"]
    db.session.add_all(
        [
            Deal(
                workspace_id=theirs.workspace_id,
                partner_id=theirs.id,
                title="Outsider Deal",
                amount=Decimal("5"),
                currency="EUR",
                stage="lead",
            ),
            Reminder(
                workspace_id=theirs.workspace_id,
                title="Outsider Reminder",
                partner_id=theirs.id,
                due_on=other["partner"].created_at.date(),
                assignee_id=other["user"].id,
                created_by_id=other["user"].id,
            ),
        ]
    )
    db.session.commit()
    ctx = Ctx(workspace, user)
    failures = []
    secrets = ("Outsider Partner", "Outsider Contact", "Outsider Deal", "Outsider Reminder", "Xavier Outsider")
    for value in {str(theirs.id), str(other["contact"].id), str(other["user"].id), str(other["workspace"].id)}:
        for rule in _get_rules(app):
            url = app.url_map.bind("localhost").build(rule.endpoint, _build(ctx, sorted(rule.arguments)))
            args = {name: value for name in ARG_NAMES if name not in ("next", "back")}
            args.update(q="Outsider", partner_q="Outsider", referrer_q="Outsider", who="all", view="all")
            response = logged_in.get(url, query_string=args)
            body = response.get_data().decode("utf-8", errors="replace")  # downloads may be binary (a backup zip)
            response.close()
            leaked = [s for s in secrets if s in body]
            if leaked:
                failures.append(f"{url} with ids={value}: shows {leaked}")
    assert not failures, "\n".join(failures)


def _cross_workspace_references(db):
    """Rows of one workspace that point at a row of another workspace (any foreign key), or at a
    user who is not a member of the row's workspace."""
    from sqlalchemy import text

    found = []
    tables = db.metadata.tables
    for table in tables.values():
        if "workspace_id" not in table.c:
            continue
        for fk in table.foreign_keys:
            target = fk.column.table
            if fk.parent.name == "workspace_id":
                continue
            if "workspace_id" in target.c:
                sql = (
                    f"SELECT COUNT(*) FROM {table.name} a JOIN {target.name} b ON a.{fk.parent.name} = "
                    f"b.{fk.column.name} WHERE a.workspace_id != b.workspace_id"
                )
            elif target.name == "user":
                sql = (
                    f"SELECT COUNT(*) FROM {table.name} a WHERE a.{fk.parent.name} IS NOT NULL AND NOT EXISTS "
                    f"(SELECT 1 FROM membership m WHERE m.user_id = a.{fk.parent.name} "
                    f"AND m.workspace_id = a.workspace_id)"
                )
            else:
                continue
            if db.session.execute(text(sql)).scalar():
                found.append(f"{table.name}.{fk.parent.name} -> {target.name}")
    return found


def test_posted_ids_of_another_workspace_are_never_stored(app, logged_in, user, workspace, other):
    """Ids in form bodies (partner_id, contact_id, owner_id, assignee_id, referred_by_id,
    agreed_by_contact_id, reminder, ids…) of another workspace are refused: no row of this workspace
    ends up pointing into the other one."""
    from app.extensions import db

    ctx = Ctx(workspace, user)
    mine = ctx.partner()
    id_fields = {
        "partner_id": other["partner"].id,
        "referred_by_id": other["partner"].id,
        "referrer": other["partner"].id,
        "contact_id": other["contact"].id,
        "agreed_by_contact_id": other["contact"].id,
        "owner_id": other["user"].id,
        "assignee_id": other["user"].id,
        "ids": other["partner"].id,
    }
    base = {
        "title": "T",
        "name": "Renamed",
        "summary": "S",
        "kind": "call",
        "direction": "ours",
        "stage": "lead",
        "amount": "10",
        "currency": "EUR",
        "due_on": "2026-12-01",
        "occurred_at": "2026-01-01T10:00",
        "status": "active",
        "tier": "B",
        "source": "referral",
        "commission_rate": "10",
        "agreed_on": "2026-01-01",
    }
    for rule in _post_rules(app):
        url = app.url_map.bind("localhost").build(rule.endpoint, _build(ctx, sorted(rule.arguments)))
        logged_in.post(url, data=dict(base, **id_fields))
    assert mine.id
    db.session.expire_all()
    assert _cross_workspace_references(db) == []


def test_the_cross_reference_check_finds_a_planted_reference(app, workspace, other, factories):
    from app.extensions import db

    partner = factories.partner(workspace)
    partner.referred_by_id = other["partner"].id
    partner.owner_id = other["user"].id
    db.session.commit()
    found = _cross_workspace_references(db)
    assert "partner.referred_by_id -> partner" in found and "partner.owner_id -> user" in found

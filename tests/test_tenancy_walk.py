"""Walk EVERY route of the app:

1. Each rule with URL arguments is called, for GET and for each unsafe method it allows, with ids of
   objects in ANOTHER workspace while logged in as `user`: the answer must be 404 (never 403, 200 or a
   redirect, so nothing leaks whether the id exists). Rules with several ids are also called with the
   user's own objects for all but one argument, so a child id is checked against its parent too.
2. Every non-public rule sends anonymous users to the login page (401 + HX-Redirect for htmx).

Adding a route with a new id argument? Register a factory for it in ID_FACTORIES below; the walk fails
until you do. A public (token) route must be listed in PUBLIC_ROUTES with the reason it is public.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from app.extensions import db
from tests.conftest import HX, NOW, make_contact, make_partner

# the factories date what they make at NOW (invites, statement links, interactions): the routes agree
pytestmark = pytest.mark.usefixtures("frozen_clock")


@dataclass
class Ctx:
    """What a factory gets: the workspace to create the object in, its owner, and the objects already
    made for this rule in the same workspace (argument name -> object), e.g. the partner for a contact."""

    workspace: Any
    owner: Any
    made: dict = field(default_factory=dict)

    def partner(self):
        if "partner_id" not in self.made:
            self.made["partner_id"] = make_partner(self.workspace, name="Walk Partner")
        return self.made["partner_id"]


def _contact(ctx: Ctx):
    return make_contact(ctx.partner(), name="Walk Contact")


def _invite(ctx: Ctx):
    from app.services import accounts

    invite, _ = accounts.create_invite(db.session, ctx.workspace, ctx.owner, NOW)
    db.session.commit()
    return invite


def _membership(ctx: Ctx):
    from sqlalchemy import select

    from app.models import Membership

    return db.session.scalar(select(Membership).where(Membership.workspace_id == ctx.workspace.id))


def _workspace(ctx: Ctx):
    return ctx.workspace


def _reminder(ctx: Ctx):
    from app.models import Reminder

    reminder = Reminder(
        workspace_id=ctx.workspace.id,
        title="Walk reminder",
        partner_id=ctx.partner().id,
        due_on=date(2026, 12, 1),
        assignee_id=ctx.owner.id,
        created_by_id=ctx.owner.id,
    )
    db.session.add(reminder)
    db.session.commit()
    return reminder


def _deal(ctx: Ctx):
    from decimal import Decimal

    from app.models import Deal

    deal = Deal(
        workspace_id=ctx.workspace.id,
        partner_id=ctx.partner().id,
        title="Walk deal",
        amount=Decimal("100"),
        currency="EUR",
        stage="lead",
    )
    db.session.add(deal)
    db.session.commit()
    return deal


def _statement_link(ctx: Ctx):
    from app.services import commissions

    link, _ = commissions.create_statement_link(db.session, ctx.partner(), ctx.owner.id, NOW)
    db.session.commit()
    return link


def _interaction(ctx: Ctx):
    from app.services import interactions

    item = interactions.log_interaction(
        db.session,
        ctx.partner(),
        {"kind": "call", "direction": "ours", "occurred_at": NOW, "summary": "Walk call"},
        actor_id=ctx.owner.id,
        now=NOW,
    )
    db.session.commit()
    return item


def _other_partner(ctx: Ctx):
    return make_partner(ctx.workspace, name="Walk Twin")


def _other_contact(ctx: Ctx):
    return make_contact(ctx.partner(), name="Walk Contact Twin")


def _contact_merge(ctx: Ctx):
    from app.services import merging

    survivor, merged = make_contact(ctx.partner(), name="Walk Kept"), make_contact(ctx.partner(), name="Walk Gone")
    record = merging.merge_contacts(
        db.session,
        ctx.workspace,
        ctx.owner,
        partner_id=ctx.partner().id,
        survivor_id=survivor.id,
        merged_id=merged.id,
        choices={},
        now=NOW,
    )
    db.session.commit()
    return record


def _import_run(ctx: Ctx):
    """A previewed import of two rows (its map, preview, undo and CSV pages all open)."""
    from app.services import importing
    from app.services.importing.fields import ColumnMap, Mapping

    data = b"Company,Email\nWalk Import One,one@walk-one.example\nWalk Import Two,two@walk-two.example\n"
    run = importing.start_import(
        db.session, ctx.workspace, ctx.owner, file_name="walk.csv", data=data, kind="partners", now=NOW
    )
    columns = [ColumnMap("Company", 0, "partner.name"), ColumnMap("Email", 1, "contact.email")]
    importing.set_mapping(db.session, run, Mapping(kind="partners", columns=columns), now=NOW)
    importing.prepare(db.session, run, now=NOW)
    db.session.commit()
    return run


def _job(ctx: Ctx):
    from app.services import jobs

    run = ctx.made.get("run_id") or _import_run(ctx)
    job = jobs.start_job(
        db.session, ctx.workspace, ctx.owner, "import.prepare", now=NOW, params={"run_id": run.id}, subject_id=run.id
    )
    db.session.commit()
    return job


def _saved_mapping(ctx: Ctx):
    from app.services import importing
    from app.services.importing.fields import ColumnMap, Mapping

    mapping = Mapping(kind="partners", columns=[ColumnMap("Company", 0, "partner.name")])
    saved = importing.save_mapping(db.session, ctx.workspace, "Walk settings", mapping, now=NOW)
    db.session.commit()
    return saved


def _import_row(ctx: Ctx):
    from sqlalchemy import select

    from app.models.importing import ImportRow

    if "run_id" not in ctx.made:
        ctx.made["run_id"] = _import_run(ctx)
    return db.session.scalars(select(ImportRow).where(ImportRow.run_id == ctx.made["run_id"].id)).first()


def _api_token(ctx: Ctx):
    from app.services.api_tokens import create_token

    token, _ = create_token(
        db.session,
        workspace_id=ctx.workspace.id,
        user_id=ctx.owner.id,
        name="Walk token",
        scope="read",
        expires_on=None,
        now=NOW,
    )
    db.session.commit()
    return token


def _commission(ctx: Ctx):
    """An owed ledger entry of a deal, its referrer the context's partner (the API's commission routes)."""
    from decimal import Decimal

    from app.models import Commission

    deal = ctx.made.get("deal_id") or _deal(ctx)
    entry = Commission(
        workspace_id=ctx.workspace.id,
        referrer_id=ctx.partner().id,
        deal_id=deal.id,
        kind="earned",
        status="owed",
        amount=Decimal("10.00"),
        currency="EUR",
        rate=Decimal("10.00"),
        base_amount=Decimal("100.00"),
        earned_on=date(2026, 11, 1),
    )
    db.session.add(entry)
    db.session.commit()
    return entry


def _webhook_endpoint(ctx: Ctx):
    from app.services.webhooks import endpoints

    db.session.rollback()  # see _webhook_delivery: a walked GET may have left a read-only transaction

    endpoint, _secret = endpoints.create_endpoint(
        db.session,
        workspace_id=ctx.workspace.id,
        fields={"url": "http://127.0.0.1:9/walk", "event_types": ["*"]},
        now=NOW,
        allow_loopback=True,
        require_https=False,
    )
    db.session.commit()
    return endpoint


def _webhook_delivery(ctx: Ctx):
    from app.models import WebhookEndpoint
    from app.services.webhooks import endpoints

    # A walked GET may have left the test's session in a transaction it began read-only (the backup
    # export reads in a read-only snapshot; in the app each request ends its own session, here the walk
    # shares one): start afresh before writing.
    db.session.rollback()
    made = ctx.made.get("endpoint_id")
    # a walked POST may have deleted or disabled it meanwhile
    endpoint = db.session.get(WebhookEndpoint, made.id, populate_existing=True) if made else None
    if endpoint is None:
        endpoint = ctx.made["endpoint_id"] = _webhook_endpoint(ctx)
    endpoints.set_enabled(db.session, endpoint, True, NOW)
    delivery = endpoints.send_test(db.session, endpoint, NOW)
    db.session.commit()
    return delivery


def _user_session(ctx: Ctx):
    from datetime import timedelta

    from app.services import sessions

    db.session.rollback()  # see _webhook_delivery
    _key, row = sessions.start(db.session, ctx.owner, now=NOW, lifetime=timedelta(days=30), remember=False)
    db.session.commit()
    return row


_walk_seq = itertools.count(1)


def _mail_job(ctx: Ctx):
    from app.services import jobs

    job = jobs.start_job(db.session, ctx.workspace, ctx.owner, "mail.import", now=NOW, params={})
    jobs.finish(db.session, job, {"seen": 0, "logged": 0}, now=NOW)
    db.session.commit()
    return job


def _mail_thread_mute(ctx: Ctx):
    from app.models.email_log import EmailThreadMute

    mute = EmailThreadMute(workspace_id=ctx.workspace.id, thread_key=f"walk{next(_walk_seq)}", created_at=NOW)
    db.session.add(mute)
    db.session.commit()
    return mute


def _mail_ignore_rule(ctx: Ctx):
    from sqlalchemy import select

    from app.models.email_log import MailIgnoreRule
    from app.services.mail_log import ignore

    pattern = ignore.add_rule(
        db.session, ctx.workspace.id, f"walk{next(_walk_seq)}@ignored.test", actor_id=ctx.owner.id, now=NOW
    )
    db.session.commit()
    return db.session.scalars(
        select(MailIgnoreRule).where(MailIgnoreRule.workspace_id == ctx.workspace.id, MailIgnoreRule.pattern == pattern)
    ).one()


def _mail_suggestion(ctx: Ctx):
    from app.models.email_log import MailSuggestion

    suggestion = MailSuggestion(
        workspace_id=ctx.workspace.id,
        email=f"walk{next(_walk_seq)}@walk.test",
        partner_id=ctx.partner().id,
        last_seen_at=NOW,
        created_at=NOW,
    )
    db.session.add(suggestion)
    db.session.commit()
    return suggestion


def _mail_account(ctx: Ctx):
    """The ctx owner's mail account (no server behind it: the walked routes answer before connecting)."""
    from app.models import MailAccount
    from app.services.mail_sync import crypto

    db.session.rollback()  # see _webhook_delivery
    from sqlalchemy import select

    existing = db.session.scalars(
        select(MailAccount).where(MailAccount.workspace_id == ctx.workspace.id, MailAccount.user_id == ctx.owner.id)
    ).one_or_none()
    if existing is not None:  # one account per user and workspace; a walked POST may have deleted it
        return existing
    account = MailAccount(
        workspace_id=ctx.workspace.id,
        user_id=ctx.owner.id,
        host="127.0.0.1",
        port=9,
        security="plain",
        username="walk",
        password_encrypted=crypto.encrypt(crypto.derived_key("testing"), "walk-password"),
        folders='["INBOX"]',
        inbox_folder="INBOX",
    )
    db.session.add(account)
    db.session.commit()
    return account


def _trash_entry(ctx: Ctx):
    """A contact of the ctx's workspace, removed to its Trash: the entry."""
    from app.services import contacts as contact_service
    from app.services import trash

    contact = make_contact(ctx.partner(), name="Walk Trashed")
    contact_service.remove_contact(contact, NOW, by_id=ctx.owner.id)
    db.session.commit()
    return trash.trash_page(db.session, ctx.workspace.id, per_page=1).items[0]


# URL argument name -> factory(ctx) returning an object (with .id) of ctx.workspace.
ID_FACTORIES: dict[str, Callable[[Ctx], Any]] = {
    "partner_id": lambda ctx: ctx.partner(),
    "contact_id": _contact,
    "invite_id": _invite,
    "membership_id": _membership,
    "workspace_id": _workspace,
    "reminder_id": _reminder,
    "deal_id": _deal,
    "commission_id": _commission,
    "link_id": _statement_link,
    "interaction_id": _interaction,
    "target_id": lambda ctx: ctx.partner(),  # referral tree: reveal a partner under another
    "other_id": _other_partner,  # duplicates: the second partner of a pair
    "other_contact_id": _other_contact,  # duplicates: the second contact of a pair
    "contact_merge_id": _contact_merge,
    "run_id": _import_run,
    "job_id": _job,
    "row_id": _import_row,
    "saved_id": _saved_mapping,
    "token_id": _api_token,
    "endpoint_id": _webhook_endpoint,
    "delivery_id": _webhook_delivery,
    "user_session_id": _user_session,  # a session of the ctx's owner: another user's answers 404
    "mail_job_id": _mail_job,
    "rule_id": _mail_ignore_rule,
    "mute_id": _mail_thread_mute,
    "suggestion_id": _mail_suggestion,
    "account_id": _mail_account,  # a mail account of the ctx's owner: another user's answers 404
    "entry_id": _trash_entry,  # Settings → Trash: another workspace's entry answers 404
}

# Endpoints reachable without logging in, with the reason. Token routes are not part of the
# cross-workspace walk: the token itself is the secret and selects the workspace.
PUBLIC_ROUTES = {
    "static": "static files",
    "auth.login": "the login page",
    "auth.register": "the sign-up page",
    "auth.login_code": "the login's second step: the pending login in the signed session names the user (tests/two_factor)",
    "auth.accept_invite": "invite links: the one-time token is the credential (tested in tests/foundation)",
    "reminders.feed": "calendar feed: the secret token in the URL is the credential",
    "commissions.statement": "referrer statement link: the secret token is the credential (tests/deals)",
    "api-docs.openapi_json": "the API's OpenAPI document: it describes the API and holds no data",
    "auth.forgot_password": "asking for a password reset link: the same answer for any email (tests/password_reset)",
    "auth.reset_password": "the mailed reset link: the single-use token is the credential (tests/password_reset)",
    "auth.confirm_email_change": "the link mailed to a new address: the single-use token is the credential",
}

UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


def _rules(app):
    """Every page route. The API's (blueprints api_*) authenticate by token, never by the session:
    tests/api/test_tenancy.py walks them with a token."""
    rules = [r for r in app.url_map.iter_rules() if not r.endpoint.startswith("api_")]
    return sorted(rules, key=lambda r: (r.rule, r.endpoint))


def _methods(rule):
    return ["GET"] * ("GET" in rule.methods) + [m for m in UNSAFE if m in rule.methods]


def _id_rules(app):
    return [r for r in _rules(app) if r.arguments and r.endpoint not in PUBLIC_ROUTES]


def _build(ctx: Ctx, names) -> dict:
    values = {}
    for name in names:
        if name not in ctx.made:
            ctx.made[name] = ID_FACTORIES[name](ctx)
        values[name] = ctx.made[name].id
    return values


def test_every_id_argument_is_registered(app):
    missing = sorted({(arg, r.rule) for r in _id_rules(app) for arg in r.arguments if arg not in ID_FACTORIES})
    assert not missing, (
        "Routes with URL arguments the tenancy walk cannot fill; add a factory to ID_FACTORIES in "
        f"tests/test_tenancy_walk.py (or list a token route in PUBLIC_ROUTES with a reason): {missing}"
    )


def test_public_routes_are_the_listed_ones(app):
    public = {
        r.endpoint
        for r in _rules(app)
        if r.endpoint == "static" or getattr(app.view_functions[r.endpoint], "is_public", False)
    }
    assert public == set(PUBLIC_ROUTES), (
        "Public endpoints changed; review them and list each in PUBLIC_ROUTES with a reason. "
        f"unlisted: {sorted(public - set(PUBLIC_ROUTES))}, listed but not public: {sorted(set(PUBLIC_ROUTES) - public)}"
    )


def test_other_workspace_ids_answer_404_everywhere(app, logged_in, user, workspace, other):
    walked, failures = [], []
    for rule in _id_rules(app):
        names = sorted(a for a in rule.arguments if a in ID_FACTORIES)
        if len(names) != len(rule.arguments):
            continue  # reported by test_every_id_argument_is_registered
        theirs = _build(Ctx(other["workspace"], other["user"]), names)
        variants = [("all ids of the other workspace", theirs)]
        if len(names) > 1:
            mine = _build(Ctx(workspace, user), names)
            for name in names:
                if name == "workspace_id":
                    continue
                variants.append((f"only {name} of the other workspace", dict(mine, **{name: theirs[name]})))
        for label, values in variants:
            url = app.url_map.bind("localhost").build(rule.endpoint, values)
            for method in _methods(rule):
                for headers in ({}, HX):
                    response = logged_in.open(url, method=method, headers=headers, data={})
                    walked.append((method, url))
                    if response.status_code != 404:
                        failures.append(
                            f"{method} {url} ({rule.endpoint}, {label}, htmx={bool(headers)}) "
                            f"answered {response.status_code}"
                        )
    assert walked, "the walk found no routes"
    assert not failures, "\n".join(failures)
    # the other workspace's data is untouched
    db.session.expire_all()
    assert other["partner"].archived_at is None and other["contact"].removed_at is None


def test_walk_covers_the_foundation_routes(app):
    endpoints = {r.endpoint for r in _id_rules(app)}
    for endpoint in (
        "partners.show",
        "partners.edit",
        "partners.archive",
        "partners.restore",
        "partners.delete",
        "partners.contacts",
        "partners.add_contact",
        "partners.edit_contact",
        "partners.update_contact",
        "partners.remove_contact",
        "partners.restore_contact",
        "settings.revoke_invite",
        "settings.revoke_api_token",
        "settings.set_role",
        "settings.remove_member",
        "auth.switch",
    ):
        assert endpoint in endpoints


# GET routes that answer a page request with a redirect even for the user's own ids, with the reason
OWN_ID_REDIRECTS = {
    "interactions.show": "one interaction is an htmx fragment; a page request goes on to the partner's timeline",
    "imports.result": "an import that has not run yet has no result: the page sends it on to its preview",
}


def test_own_ids_open_their_pages(app, logged_in, user, workspace):
    """The walk's factories make real objects: with the user's own ids, GET pages open (200), or
    redirect where OWN_ID_REDIRECTS says so."""
    failures = []
    for rule in _id_rules(app):
        if "GET" not in rule.methods or not all(a in ID_FACTORIES for a in rule.arguments):
            continue
        values = _build(Ctx(workspace, user), sorted(rule.arguments))
        url = app.url_map.bind("localhost").build(rule.endpoint, values)
        expected = 302 if rule.endpoint in OWN_ID_REDIRECTS else 200
        response = logged_in.get(url)
        status = response.status_code
        response.close()  # downloads stream: closing ends them inside this request
        if status != expected:
            failures.append(f"GET {url} ({rule.endpoint}) answered {status}, not {expected}")
    assert not failures, "\n".join(failures)


# --- anonymous -----------------------------------------------------------------------------------


def _anonymous_cases(app):
    cases = []
    for rule in _rules(app):
        if rule.endpoint in PUBLIC_ROUTES:
            continue
        values = dict.fromkeys(rule.arguments, 1)
        for method in _methods(rule):
            cases.append((rule.endpoint, method, values))
    return cases


def test_every_non_public_route_requires_login(app, client, workspace, factories):
    factories.partner(workspace)  # id 1 exists, so a redirect is not just a 404 in disguise
    cases = _anonymous_cases(app)
    assert len(cases) > 20
    failures = []
    for endpoint, method, values in cases:
        url = app.url_map.bind("localhost").build(endpoint, values)
        # to the login page, and back to the page asked for (an action returns to the page it was
        # sent from: tests/never_silent/test_session_expiry.py)
        response = client.open(url, method=method, data={})
        to_login = "/login?next=" if method == "GET" else "/login"
        if response.status_code != 302 or not response.headers["Location"].startswith(to_login):
            failures.append(f"{method} {url}: {response.status_code} {response.headers.get('Location')}")
        htmx = client.open(url, method=method, data={}, headers={**HX, "HX-Current-URL": "http://localhost/partners/"})
        if htmx.status_code != 401 or not htmx.headers.get("HX-Redirect", "").startswith("/login?next=/partners/"):
            failures.append(f"{method} {url} (htmx): {htmx.status_code}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("endpoint", ["auth.login", "auth.register"])
def test_public_pages_open_anonymously(app, client, endpoint):
    url = app.url_map.bind("localhost").build(endpoint, {})
    assert client.get(url).status_code == 200

"""Every kind of change writes its audit event — who, what, which fields from what to what — in the
same transaction: one parametrised test over the services."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from app.models import AuditEvent, Membership
from app.services import accounts, api_tokens, contacts, interactions, partners, reminders, terms
from app.services.commissions.ledger import mark_paid
from app.services.deals import writing as deals
from app.services.referral_tree import writing as referrals
from app.services.webhooks import endpoints
from tests.audit.conftest import events
from tests.conftest import add_member, make_contact, make_partner

URL = {"allow_loopback": False, "require_https": False}


def _deal(session, partner, user, now, **data):
    values = {"title": "Website", "amount": Decimal("1000"), "currency": "EUR", "stage": "lead"} | data
    return deals.create_deal(session, partner, values, user.id, now).deal


# Each case: (the change, given (session, workspace, user, now) and returning the object changed) ->
# (object type, action, the fields that must be among the changes with [old, new]).
def partner_create(s, ws, user, now):
    return partners.create_partner(s, ws.id, {"name": "Acme", "status": "prospect"}, now)


def partner_edit(s, ws, user, now):
    p = make_partner(ws, name="Acme", status="prospect")
    return partners.update_partner(s, p, {"name": "Acme Ltd", "status": "active"}, now)


def partner_archive(s, ws, user, now):
    p = make_partner(ws, name="Acme")
    partners.archive_partner(p, now)
    return p


def partner_delete(s, ws, user, now):
    p = make_partner(ws, name="Acme")
    partners.archive_partner(p, now)
    s.commit()
    partners.delete_partner(s, p, "Acme")
    return p


def contact_add(s, ws, user, now):
    return contacts.add_contact(s, make_partner(ws), {"name": "Ann", "email": "ann@example.com"}, now)


def contact_edit(s, ws, user, now):
    c = make_contact(make_partner(ws), name="Ann", phone=None)
    return contacts.update_contact(s, c, {"name": "Ann", "phone": "+1 555"}, now)


def referral_set(s, ws, user, now):
    referrer, p = make_partner(ws, name="Ref"), make_partner(ws, name="Acme")
    referrals.set_referrer(s, ws.id, p, referrer.id, now=now, actor_id=user.id)
    return p


def referral_clear(s, ws, user, now):
    referrer, p = make_partner(ws, name="Ref"), make_partner(ws, name="Acme")
    referrals.set_referrer(s, ws.id, p, referrer.id, now=now, actor_id=user.id)
    s.commit()
    referrals.clear_referrer(s, ws.id, p, now=now, actor_id=user.id)
    return p


def referral_details(s, ws, user, now):
    referrer, p = make_partner(ws, name="Ref"), make_partner(ws, name="Acme")
    referrals.set_referrer(s, ws.id, p, referrer.id, now=now, actor_id=user.id, note="Met at the fair")
    return p


def deal_create(s, ws, user, now):
    return _deal(s, make_partner(ws), user, now)


def deal_amount(s, ws, user, now):
    d = _deal(s, make_partner(ws), user, now)
    s.commit()
    return deals.update_deal(s, d, {"title": "Website", "amount": Decimal("1500"), "currency": "EUR"}, now).deal


def deal_stage(s, ws, user, now):
    d = _deal(s, make_partner(ws), user, now)
    s.commit()
    return deals.move_deal(s, d, "proposal", now).deal


def terms_version(s, ws, user, now):
    p = make_partner(ws)
    return terms.save_terms(s, p, {"commission_rate": "10"}, 0, user.id, now)


def commission_pay(s, ws, user, now):
    referrer, p = make_partner(ws, name="Ref"), make_partner(ws, name="Client")
    terms.save_terms(s, referrer, {"commission_rate": "10"}, 0, user.id, now)
    referrals.set_referrer(s, ws.id, p, referrer.id, now=now, actor_id=user.id)
    _deal(s, p, user, now, stage="won")
    s.commit()
    from app.models import Commission

    entry = s.scalar(select(Commission).where(Commission.referrer_id == referrer.id))
    mark_paid(s, ws.id, [entry.id], now.date(), "INV-1", user.id)
    return entry


def reminder_create(s, ws, user, now):
    return reminders.create_reminder(
        s,
        workspace_id=ws.id,
        title="Call back",
        due_on=date(2026, 12, 1),
        partner_id=make_partner(ws).id,
        created_by_id=user.id,
        now=now,
    )


def interaction_log(s, ws, user, now):
    data = {"kind": "call", "direction": "ours", "occurred_at": now - timedelta(hours=1), "summary": "Intro call"}
    return interactions.log_interaction(s, make_partner(ws), data, actor_id=user.id, now=now)


def member_role(s, ws, user, now):
    member = add_member(ws, name="Mia")
    m = s.scalar(select(Membership).where(Membership.user_id == member.id))
    accounts.set_member_role(s, m, "owner")
    return m


def member_remove(s, ws, user, now):
    member = add_member(ws, name="Mia")
    m = s.scalar(select(Membership).where(Membership.user_id == member.id))
    accounts.remove_member(s, m)
    return m


def invite_create(s, ws, user, now):
    invite, _token = accounts.create_invite(s, ws, user, now)
    return invite


def invite_revoke(s, ws, user, now):
    invite, _token = accounts.create_invite(s, ws, user, now)
    s.commit()
    accounts.revoke_invite(invite, now)
    return invite


def token_create(s, ws, user, now):
    token, _plain = api_tokens.create_token(
        s, workspace_id=ws.id, user_id=user.id, name="CI", scope="write", expires_on=None, now=now
    )
    return token


def token_revoke(s, ws, user, now):
    token = token_create(s, ws, user, now)
    s.commit()
    api_tokens.revoke_token(s, token, now)
    return token


def webhook_create(s, ws, user, now):
    fields = {"url": "https://93.184.215.14/a", "event_types": ["*"], "enabled": True}
    return endpoints.create_endpoint(s, workspace_id=ws.id, fields=fields, now=now, **URL)[0]


def webhook_edit(s, ws, user, now):
    e = webhook_create(s, ws, user, now)
    s.commit()
    fields = {"url": "https://93.184.215.14/b", "event_types": ["*"], "enabled": True}
    return endpoints.update_endpoint(s, e, fields=fields, now=now, **URL)


def workspace_settings(s, ws, user, now):
    data = {
        "name": "Renamed",
        "default_currency": "EUR",
        "cadence_a_days": 7,
        "cadence_b_days": 30,
        "cadence_c_days": 60,
        "response_time_days": 2,
    }
    return accounts.update_workspace(s, ws, data)


CASES = [
    (partner_create, "partner", "created", {"name": [None, "Acme"], "status": [None, "prospect"]}),
    (partner_edit, "partner", "updated", {"name": ["Acme", "Acme Ltd"], "status": ["prospect", "active"]}),
    (partner_archive, "partner", "archived", {}),
    (partner_delete, "partner", "deleted", {"name": ["Acme", None]}),
    (contact_add, "contact", "created", {"name": [None, "Ann"], "email": [None, "ann@example.com"]}),
    (contact_edit, "contact", "updated", {"phone": [None, "+1 555"]}),
    (referral_set, "partner", "referral_set", {}),
    (referral_clear, "partner", "referral_cleared", {}),
    (referral_details, "referral", "updated", {"note": [None, "Met at the fair"]}),
    (deal_create, "deal", "created", {"amount": [None, "1000.00 EUR"], "stage": [None, "lead"]}),
    (deal_amount, "deal", "updated", {"amount": ["1000.00 EUR", "1500.00 EUR"]}),
    (deal_stage, "deal", "stage_changed", {"stage": ["lead", "proposal"]}),
    (terms_version, "terms", "created", {"commission_rate": [None, "10.00"]}),
    (commission_pay, "commission", "paid", {"status": ["owed", "paid"], "payment_reference": [None, "INV-1"]}),
    (reminder_create, "reminder", "created", {"title": [None, "Call back"], "due_on": [None, "2026-12-01"]}),
    (interaction_log, "interaction", "created", {"kind": [None, "call"], "summary": [None, "Intro call"]}),
    (member_role, "member", "updated", {"role": ["member", "owner"]}),
    (member_remove, "member", "deleted", {"role": ["member", None]}),
    (invite_create, "invite", "created", {"role": [None, "member"]}),
    (invite_revoke, "invite", "revoked", {}),
    (token_create, "api_token", "created", {"name": [None, "CI"], "scope": [None, "write"]}),
    (token_revoke, "api_token", "revoked", {}),
    (webhook_create, "webhook", "created", {"url": [None, "https://93.184.215.14/a"]}),
    (webhook_edit, "webhook", "updated", {"url": ["https://93.184.215.14/a", "https://93.184.215.14/b"]}),
    (workspace_settings, "workspace", "updated", {"cadence_a_days": [14, 7]}),
]


@pytest.mark.parametrize(("change", "object_type", "action", "fields"), CASES, ids=[c[0].__name__ for c in CASES])
def test_every_kind_of_change_writes_its_event(session, workspace, acting, now, change, object_type, action, fields):
    before = session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0
    obj = change(session, workspace, acting, now)
    session.commit()
    written = [e for e in events(session, workspace.id, object_type=object_type, action=action) if e.id > before]
    assert len(written) == 1, [(e.object_type, e.action, e.changes) for e in events(session, workspace.id)]
    event = written[0]
    assert event.actor_kind == "user"
    assert (event.actor_user_id, event.actor_label) == (acting.id, "Olga Owner")
    expected_id = obj.id
    assert event.object_id == expected_id
    for name, (old, new) in fields.items():
        assert event.changes[name] == [old, new], event.changes
    if action in ("archived", "revoked"):
        field = {"archived": "archived_at", "revoked": "revoked_at"}[action]
        assert event.changes[field][0] is None and event.changes[field][1]
    if action in ("referral_set", "referral_cleared"):
        old, new = event.changes["referred_by_id"]
        assert (old is None) == (action == "referral_set") and (new is None) == (action == "referral_cleared")
    if object_type in ("partner", "contact", "deal", "terms", "reminder", "interaction"):
        assert event.partner_id is not None


def test_a_rolled_back_change_writes_no_event(session, workspace, acting, now):
    partner = make_partner(workspace, name="Acme")
    count = len(events(session, workspace.id))
    partners.update_partner(session, partner, {"name": "Changed"}, now)
    deal = _deal(session, partner, acting, now)
    assert deal.id  # flushed: the events were written inside the transaction...
    session.rollback()
    assert len(events(session, workspace.id)) == count  # ...and left with it


def test_a_change_of_nothing_writes_no_event(session, workspace, acting, now):
    partner = make_partner(workspace, name="Acme")
    count = len(events(session, workspace.id))
    partners.update_partner(session, partner, {"name": "Acme"}, now)
    session.commit()
    assert len(events(session, workspace.id)) == count

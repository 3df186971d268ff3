"""Regression tests for problems found in review: huge ids, public token routes without a rate limit."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.ids import optional_int, parse_int
from tests.conftest import HX, NOW


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12", 12),
        ("-3", -3),
        ("abc", None),
        ("", None),
        (None, None),
        ("1e3", None),
        (str(2**31 - 1), 2**31 - 1),  # the id columns are INTEGER (32 bits on PostgreSQL)
        (str(2**31), None),
        (str(-(2**31 - 1)), -(2**31 - 1)),
        (str(2**63 - 1), None),
        ("9" * 400, None),
        ("9" * 5000, None),
    ],
)
def test_parse_int_accepts_only_database_integers(value, expected):
    assert parse_int(value) == expected


def test_optional_int_rejects_numbers_the_database_cannot_hold():
    assert optional_int("") is None and optional_int("7") == 7
    with pytest.raises(ValueError):
        optional_int(str(2**64))


@pytest.mark.parametrize(
    "path",
    [
        "/partners/99999999999999999999999",
        "/partners/99999999999999999999999/edit",
        "/deals/99999999999999999999999",
        "/reminders/99999999999999999999999/edit",
    ],
)
def test_huge_ids_in_the_url_answer_404(logged_in, path):
    assert logged_in.get(path).status_code == 404


def test_mark_paid_with_a_huge_id_is_a_bad_request_not_a_crash(logged_in):
    response = logged_in.post("/ledger/pay", data={"ids": str(2**70), "paid_on": "2026-01-02"})
    assert response.status_code == 400


def test_settings_with_a_huge_cadence_is_refused_with_the_form(logged_in, workspace):
    before = workspace.cadence_a_days
    response = logged_in.post(
        "/settings/",
        data={
            "name": workspace.name,
            "default_currency": "EUR",
            "cadence_a_days": "9" * 400,
            "cadence_b_days": "30",
            "cadence_c_days": "90",
            "response_time_days": "3",
        },
        headers=HX,
    )
    assert response.status_code == 422
    db.session.expire_all()
    assert workspace.cadence_a_days == before


def test_undo_log_does_not_delete_another_workspaces_reminder(logged_in, user, workspace, other, factories, now):
    """The "undo" of a logged touch takes back its follow-up, found only in this workspace."""
    from app.models import Reminder
    from app.services import interactions

    partner = factories.partner(workspace)
    item = interactions.log_interaction(
        db.session,
        partner,
        {"kind": "call", "direction": "ours", "occurred_at": now, "summary": "Call"},
        actor_id=user.id,
        now=now,
    )
    theirs = Reminder(
        workspace_id=other["workspace"].id,
        title="Theirs",
        partner_id=other["partner"].id,
        due_on=now.date(),
        assignee_id=other["user"].id,
        created_by_id=other["user"].id,
    )
    db.session.add(theirs)
    db.session.commit()
    response = logged_in.post(f"/interactions/{item.id}/delete", data={"undo_log": "1", "reminder": str(theirs.id)})
    assert response.status_code == 302  # deleted, back to the timeline
    assert db.session.get(Reminder, theirs.id) is not None
    huge = logged_in.post(f"/interactions/{item.id}/delete", data={"undo_log": "1", "reminder": "9" * 30})
    assert huge.status_code == 302  # the reminder id is not an id: ignored, the delete answers as before


@pytest.fixture
def limited(tmp_path):
    from app.extensions import limiter
    from tests.conftest import app_on_empty_database

    with app_on_empty_database(tmp_path, "limits", RATELIMIT_ENABLED=True, TOKEN_LIMIT_PER_IP="3 per minute") as app:
        yield app
    limiter.reset()


@pytest.mark.parametrize("path", ["/statement/{}", "/invite/{}"])
def test_guessing_public_tokens_is_rate_limited(limited, path):
    client = limited.test_client()
    answers = [client.get(path.format(f"guess{n}")).status_code for n in range(5)]
    assert answers[:3] == [404, 404, 404]
    assert answers[3:] == [429, 429]


def test_a_real_statement_link_still_opens(limited):
    from app.services import commissions
    from tests.conftest import make_partner, make_user, workspace_of

    ws = workspace_of(make_user())
    link, token = commissions.create_statement_link(db.session, make_partner(ws), None, NOW)
    db.session.commit()
    assert limited.test_client().get(f"/statement/{token}").status_code == 200


def test_workspace_settings_rules_live_in_the_service(session, workspace):
    """Saving the workspace settings is a service (callable from a CLI too), not a route's populate_obj."""
    from app.services import ServiceError, accounts

    data = {
        "name": "  Renamed  ",
        "default_currency": "usd",
        "cadence_a_days": 10,
        "cadence_b_days": 20,
        "cadence_c_days": 700,
        "response_time_days": 5,
    }
    accounts.update_workspace(session, workspace, data)
    assert (workspace.name, workspace.default_currency, workspace.cadence_c_days) == ("Renamed", "USD", 700)
    for field, bad in (("cadence_a_days", 366), ("response_time_days", 0), ("name", " "), ("default_currency", "EU")):
        with pytest.raises(ServiceError) as caught:
            accounts.update_workspace(session, workspace, dict(data, **{field: bad}))
        assert caught.value.field == field


def test_owner_and_assignee_checks_are_one_rule(session, workspace, user, other):
    from app.services import ServiceError, accounts

    assert accounts.is_member(session, workspace.id, user.id)
    assert not accounts.is_member(session, workspace.id, other["user"].id)
    accounts.check_owner(session, workspace.id, None)
    with pytest.raises(ServiceError):
        accounts.check_owner(session, workspace.id, other["user"].id)


def test_saving_workspace_settings_still_works(logged_in, workspace):
    response = logged_in.post(
        "/settings/",
        data={
            "name": "New name",
            "default_currency": "usd",
            "cadence_a_days": "14",
            "cadence_b_days": "30",
            "cadence_c_days": "90",
            "response_time_days": "3",
        },
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert (workspace.name, workspace.default_currency, workspace.cadence_a_days) == ("New name", "USD", 14)


def test_ledger_csv_neutralises_formulas_in_user_text(logged_in, workspace, factories):
    """Names, titles, references and notes that a spreadsheet would run as formulas are quoted."""
    import csv
    import io
    from datetime import date
    from decimal import Decimal

    from app.models import Commission, Deal

    referrer = factories.partner(workspace, name='=HYPERLINK("http://x")')
    client = factories.partner(workspace, name="+Client", referred_by_id=referrer.id)
    deal = Deal(
        workspace_id=workspace.id,
        partner_id=client.id,
        title="@SUM(A1)",
        amount=Decimal("100"),
        currency="EUR",
        stage="won",
    )
    db.session.add(deal)
    db.session.flush()
    db.session.add(
        Commission(
            workspace_id=workspace.id,
            referrer_id=referrer.id,
            deal_id=deal.id,
            amount=Decimal("10"),
            currency="EUR",
            rate=Decimal("10"),
            base_amount=Decimal("100"),
            earned_on=date(2026, 1, 2),
            note="-2+3",
            payment_reference="\t=1",
            kind="earned",
            status="owed",
        )
    )
    db.session.commit()
    response = logged_in.get("/ledger.csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    response.close()
    row = rows[0]
    for column in ("referrer", "referred_partner", "deal", "note", "payment_reference"):
        assert row[column].startswith("'"), (column, row[column])
    assert row["amount"] == "10.00"

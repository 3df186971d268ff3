"""`flask demo`: realistic, deterministic demo data."""

from __future__ import annotations

from sqlalchemy import func, select

from app.models import Contact, Partner, User, Workspace


def _partner_names(session, workspace_name):
    ws = session.scalar(select(Workspace).where(Workspace.name == workspace_name))
    return session.scalars(select(Partner.name).where(Partner.workspace_id == ws.id).order_by(Partner.id)).all()


def test_demo_command_fills_a_workspace(runner, session):
    result = runner.invoke(args=["demo", "--partners", "30", "--workspace", "Demo A"])
    assert result.exit_code == 0, result.output
    assert "30 partners" in result.output and "demo@orchard.test" in result.output
    names = _partner_names(session, "Demo A")
    assert len(names) == 30
    ws = session.scalar(select(Workspace).where(Workspace.name == "Demo A"))
    contacts = session.scalar(select(func.count(Contact.id)).where(Contact.workspace_id == ws.id))
    assert 30 <= contacts <= 120
    # the list shows the right contact counts straight from the partner rows
    stored = session.scalar(select(func.sum(Partner.contact_count)).where(Partner.workspace_id == ws.id))
    assert stored == contacts
    assert session.scalar(select(User).where(User.email == "demo@orchard.test")) is not None


def test_demo_is_deterministic(runner, session):
    runner.invoke(args=["demo", "--partners", "25", "--seed", "3", "--workspace", "One"])
    runner.invoke(args=["demo", "--partners", "25", "--seed", "3", "--workspace", "Two"])
    runner.invoke(args=["demo", "--partners", "25", "--seed", "4", "--workspace", "Three"])
    assert _partner_names(session, "One") == _partner_names(session, "Two")
    assert _partner_names(session, "One") != _partner_names(session, "Three")


def test_demo_refuses_zero_partners(runner):
    result = runner.invoke(args=["demo", "--partners", "0"])
    assert result.exit_code != 0 and "at least 1" in result.output


def test_demo_user_can_log_in(runner, client):
    runner.invoke(args=["demo", "--partners", "5"])
    response = client.post("/login", data={"email": "demo@orchard.test", "password": "orchard-demo"})
    assert response.status_code == 302
    assert "Partners" in client.get("/partners/").get_data(as_text=True)

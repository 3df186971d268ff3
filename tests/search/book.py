"""A small book with the cases the search must get right (shared by the search tests)."""

from __future__ import annotations

from datetime import date, timedelta

from app.extensions import db
from app.models import Contact, Deal, Interaction, Partner, Reminder, Terms, TermsVersion


def make_book(workspace, now) -> dict:
    s = db.session
    ws = workspace.id

    def partner(name, **extra):
        p = Partner(workspace_id=ws, name=name, kind="company", status="active", tier="B", source="direct", **extra)
        s.add(p)
        s.flush()
        return p

    book = {
        "garden": partner("Garden Consulting", website="https://garden.example", notes="Landscaping firm"),
        "gardenia": partner("Gardenia Florists"),
        "muller": partner("Müller Bau GmbH"),
        "mueller": partner("Mueller Logistics"),
        "plain_muller": partner("Muller & Sons"),
        "strasse": partner("Straßenbau Nord"),
        "cyrillic": partner("Мюллер и партнёры"),
        "archived": partner("Quince Archive", archived_at=now - timedelta(days=3)),
        "noted": partner("Birch Studio", notes="They asked about the harvest festival sponsorship"),
        "noprospects": partner("Oak Ventures", no_prospects=True, no_prospects_reason="Budget frozen until autumn"),
    }
    book["contact"] = Contact(
        workspace_id=ws,
        partner_id=book["garden"].id,
        name="Zoë Kowalski",
        role="Head of procurement",
        email="zoe.k@garden.example",
        phone="+49 30 8964 1234",
    )
    book["removed"] = Contact(
        workspace_id=ws, partner_id=book["noted"].id, name="Removed Person", email="gone@birch.example", removed_at=now
    )
    s.add_all([book["contact"], book["removed"]])
    book["deal"] = Deal(
        workspace_id=ws,
        partner_id=book["mueller"].id,
        title="Warehouse automation",
        amount=1000,
        currency="EUR",
        notes="Pilot in Hamburg",
    )
    book["interaction"] = Interaction(
        workspace_id=ws,
        partner_id=book["noted"].id,
        kind="meeting",
        direction="ours",
        occurred_at=now - timedelta(days=1),
        summary="Discussed the rebrand and a new logo",
    )
    book["reminder"] = Reminder(
        workspace_id=ws, partner_id=book["garden"].id, title="Send the quarterly report", due_on=date(2026, 5, 1)
    )
    s.add_all([book["deal"], book["interaction"], book["reminder"]])
    s.flush()
    s.add(Terms(workspace_id=ws, partner_id=book["gardenia"].id, version=1))
    s.add(
        TermsVersion(
            workspace_id=ws, partner_id=book["gardenia"].id, version=1, clauses="Exclusivity in Bavaria for two years"
        )
    )
    s.commit()
    return book

"""Lists take their page size from the PER_PAGE setting."""

from datetime import date

from app.extensions import db
from app.models import Reminder
from tests.routes_house.html_probe import probe


def _rows(response, prefix):
    assert response.status_code == 200
    return [
        i for i in probe(response.get_data(as_text=True)).ids if i.startswith(prefix) and i[len(prefix) :].isdigit()
    ]


def test_the_partners_list_pages_by_per_page(app, logged_in, factories, workspace):
    for n in range(5):
        factories.partner(workspace, name=f"Partner {n:02}")
    assert len(_rows(logged_in.get("/partners/"), "partner-row-")) == 5  # default 25
    app.config["PER_PAGE"] = 2
    assert len(_rows(logged_in.get("/partners/"), "partner-row-")) == 2
    assert len(_rows(logged_in.get("/partners/?page=3"), "partner-row-")) == 1


def test_the_reminders_list_pages_by_per_page(app, logged_in, user, workspace):
    for n in range(4):
        db.session.add(
            Reminder(
                workspace_id=workspace.id,
                title=f"Call {n}",
                due_on=date(2030, 1, 1 + n),
                assignee_id=user.id,
                created_by_id=user.id,
            )
        )
    db.session.commit()
    app.config["PER_PAGE"] = 3
    assert len(_rows(logged_in.get("/reminders/"), "reminder-")) == 3
    assert len(_rows(logged_in.get("/reminders/?page=2"), "reminder-")) == 1

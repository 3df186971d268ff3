"""app.web.unit_of_work: commit on success; on a ServiceError roll back and show the message."""

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField

from app.extensions import db
from app.models import Partner
from app.services import ServiceError
from app.web import unit_of_work


class NameForm(FlaskForm):
    name = StringField()


def _names(workspace):
    db.session.rollback()  # whatever was not committed goes
    return list(db.session.scalars(select(Partner.name).where(Partner.workspace_id == workspace.id)))


def _add(workspace, name):
    db.session.add(Partner(workspace_id=workspace.id, name=name, kind="company", status="active", tier="B"))
    db.session.flush()


def test_the_block_is_committed_when_it_ends(app, workspace):
    with unit_of_work() as uow:
        _add(workspace, "Kept")
    assert uow.ok and uow.error is None
    assert _names(workspace) == ["Kept"]


def test_a_service_error_rolls_back_and_lands_next_to_its_field(app, workspace):
    with app.test_request_context(method="POST", data={"name": "x"}):
        form = NameForm()
        with unit_of_work(form) as uow:
            _add(workspace, "Dropped")
            raise ServiceError("Taken.", field="name")
        assert not uow.ok
        assert uow.error.message == "Taken."
        assert form.name.errors == ["Taken."]
        assert form.form_errors == []
    assert _names(workspace) == []


def test_an_error_naming_no_field_of_the_form_goes_to_the_top(app, workspace):
    with app.test_request_context(method="POST"):
        form = NameForm()
        with unit_of_work(form) as uow:
            raise ServiceError("Not now.", field="elsewhere")
        assert form.form_errors == ["Not now."]
        assert uow.error.field == "elsewhere"


def test_without_a_form_the_route_answers_from_the_error(app, workspace):
    with unit_of_work() as uow:
        _add(workspace, "Dropped")
        raise ServiceError("No.")
    assert uow.error.message == "No."
    assert _names(workspace) == []


def _fails_midway(workspace):
    with unit_of_work():
        _add(workspace, "Never")
        raise ZeroDivisionError


def test_other_exceptions_pass_through_uncommitted(app, workspace):
    with pytest.raises(ZeroDivisionError):
        _fails_midway(workspace)
    assert _names(workspace) == []

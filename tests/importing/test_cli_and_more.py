"""`flask data import`; the failed-rows CSV; saved mappings; another workspace is never touched."""

from __future__ import annotations

import json

import pytest

from app.models import Contact, ImportRun, Partner
from app.services import ServiceError, importing
from tests.conftest import NOW, make_contact, make_partner, make_user, workspace_of
from tests.importing.conftest import csv_of, mapping_of, rows_of

HEADERS = ["Company", "Email", "Status"]
FIELDS = {"Company": "partner.name", "Email": "contact.email", "Status": "partner.status"}


@pytest.fixture
def mapping_file(tmp_path):
    path = tmp_path / "mapping.json"
    path.write_text(json.dumps(mapping_of(HEADERS, FIELDS).to_json()))
    return str(path)


def _file(tmp_path, rows, name="book.csv"):
    path = tmp_path / name
    path.write_bytes(csv_of(rows))
    return str(path)


def _invoke(runner, *args):
    return runner.invoke(args=["data", "import", *args])


def test_cli_imports_and_prints_the_preview(session, runner, tmp_path, workspace, mapping_file):
    path = _file(tmp_path, [HEADERS, ["Garden", "anna@garden.de", "active"], ["Orchard", "", "prospect"]])
    result = _invoke(runner, path, "--workspace", str(workspace.id), "--as", "partners", "--mapping", mapping_file)
    assert result.exit_code == 0, result.output
    assert "File: book.csv (CSV), 2 rows" in result.output
    assert "  Company → Partner name" in result.output
    assert (
        "Preview: 2 rows · 2 new · 0 updates · 0 duplicates in the file · 0 skipped · 0 with problems" in result.output
    )
    assert "2 created · 0 updated · 0 skipped · 0 failed" in result.output
    assert {p.name for p in session.query(Partner).filter_by(workspace_id=workspace.id)} == {"Garden", "Orchard"}


def test_cli_rows_with_problems_exit_1_the_others_are_imported(session, runner, tmp_path, workspace, mapping_file):
    rows = [HEADERS, ["Good", "good@firm.de", ""]] + [[f"Bad {i}", "nope", ""] for i in range(55)]
    result = _invoke(
        runner, _file(tmp_path, rows), "--workspace", str(workspace.id), "--as", "partners", "--mapping", mapping_file
    )
    assert result.exit_code == 1
    assert "row 2: Contact email: Not an email address" in result.output
    assert "… and 5 more rows with problems" in result.output
    assert "Problems by field: Contact email 55" in result.output
    assert "1 created · 0 updated · 0 skipped · 55 failed" in result.output
    assert session.query(Partner).filter_by(workspace_id=workspace.id).count() == 1


def test_cli_dry_run_writes_nothing(session, runner, tmp_path, workspace, mapping_file):
    path = _file(tmp_path, [HEADERS, ["Garden", "anna@garden.de", "weird"], ["Fine", "", ""]])
    result = _invoke(
        runner, path, "--workspace", str(workspace.id), "--as", "partners", "--mapping", mapping_file, "--dry-run"
    )
    assert result.exit_code == 1
    assert "row 1: Status: 'weird' is not a status — map it in step 2" in result.output
    assert "Dry run: nothing was written." in result.output
    assert session.query(Partner).count() == 0 and session.query(ImportRun).count() == 0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--workspace", "999"], "No workspace with id 999."),
        (["--user", "nobody@example.com"], "nobody@example.com is not a member of workspace"),
        (["--mapping", "No Such Mapping"], "No saved mapping 'No Such Mapping' in this workspace"),
    ],
)
def test_cli_bad_workspace_user_or_mapping_exit_2(runner, tmp_path, workspace, args, message):
    path = _file(tmp_path, [HEADERS, ["Garden", "", ""]])
    base = {"--workspace": str(workspace.id)}
    for flag, value in zip(args[::2], args[1::2], strict=True):
        base[flag] = value
    result = _invoke(runner, path, "--as", "partners", *[x for kv in base.items() for x in kv])
    assert result.exit_code == 2
    assert message in result.output


def test_cli_malformed_file_exit_2_with_one_line(session, runner, tmp_path, workspace):
    path = tmp_path / "junk.csv"
    path.write_bytes(b"")
    result = _invoke(runner, str(path), "--workspace", str(workspace.id), "--as", "partners")
    assert result.exit_code == 2
    assert "Error: junk.csv: The file is empty." in result.output
    assert session.query(ImportRun).count() == 0


def test_cli_a_mapping_that_maps_no_name_exit_2(runner, tmp_path, workspace):
    path = _file(tmp_path, [HEADERS, ["Garden", "", ""]])
    nothing = tmp_path / "nothing.json"
    nothing.write_text(json.dumps(mapping_of(HEADERS, {"Email": "contact.email"}).to_json()))
    result = _invoke(runner, path, "--workspace", str(workspace.id), "--as", "partners", "--mapping", str(nothing))
    assert result.exit_code == 2
    assert "Error: book.csv: Map a column to Partner name (or to Contact name, for people)." in result.output


def test_failed_rows_csv_has_the_headers_a_problem_column_and_escapes_formulas(session, user, importer):
    run = importer(
        [HEADERS, ["=HYPERLINK(1)", "bad", ""], ["Fine", "", ""], ["Weird", "", "nope"]],
        FIELDS,
    )
    importing.execute(session, run, actor=user, now=NOW)
    text = importing.failed_rows_csv(importing.failed_rows(session, run), run.headers)
    assert importing.failed_rows_csv(importing.failed_rows(session, run)) == text  # headers of the run
    assert text.splitlines() == [
        "Company,Email,Status,Problem",
        "'=HYPERLINK(1),bad,,Contact email: Not an email address",
        "Weird,,nope,Status: 'nope' is not a status — map it in step 2",
    ]


def test_saved_mappings_are_replaced_by_name_and_fit_a_new_file(session, workspace):
    first = importing.save_mapping(session, workspace, "Google", mapping_of(HEADERS, FIELDS))
    again = importing.save_mapping(session, workspace, " Google ", mapping_of(HEADERS, {"Company": "partner.name"}))
    assert first.id == again.id and len(importing.saved_mappings(session, workspace)) == 1
    fitted = importing.mapping_for(again, ["Status", "Company"])
    assert [(c.header, c.field) for c in fitted.columns] == [("Status", None), ("Company", "partner.name")]
    with pytest.raises(ServiceError, match="Give the mapping a name"):
        importing.save_mapping(session, workspace, "  ", mapping_of(HEADERS, FIELDS))


def test_set_mapping_refuses_a_field_twice_and_a_contacts_import_without_company(session, workspace, user, importer):
    run = importer([HEADERS, ["A", "", ""]], FIELDS, prepare=False)
    twice = mapping_of(HEADERS, {"Company": "partner.name", "Email": "partner.name"})
    with pytest.raises(ServiceError, match="'Company' and 'Email' are both mapped to Partner name"):
        importing.set_mapping(session, run, twice, now=NOW)
    no_company = mapping_of(HEADERS, {"Email": "contact.email"}, kind="contacts")
    with pytest.raises(ServiceError, match="Map a column to Partner name"):
        importing.set_mapping(session, run, no_company, now=NOW)


def test_an_import_never_touches_another_workspace(session, workspace, user, importer):
    outsider = make_user(name="Xavier", email="xavier@example.com")
    theirs = make_partner(workspace_of(outsider), name="Garden Studio", notes=None)
    make_contact(theirs, email="anna@garden.de")
    run = importer(
        [
            ["Company", "Email", "Notes", "Referred by"],
            ["Garden Studio", "anna@garden.de", "mine", ""],
            ["Child", "", "", str(theirs.id)],
        ],
        {
            "Company": "partner.name",
            "Email": "contact.email",
            "Notes": "partner.notes",
            "Referred by": "partner.referred_by",
        },
    )
    rows = rows_of(run)
    assert rows[1].action == "create" and rows[1].match_partner_id is None
    assert rows[2].problems == {"partner.referred_by": f"Referrer '{theirs.id}' not found"}
    importing.execute(session, run, actor=user, now=NOW)
    session.refresh(theirs)
    assert theirs.notes is None
    assert session.query(Contact).filter_by(partner_id=theirs.id).count() == 1
    with pytest.raises(importing.RunNotFound):
        importing.get_run(session, workspace_of(outsider), run.id)

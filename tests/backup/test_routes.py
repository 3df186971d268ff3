"""Settings → Data: the page, the download and the restore upload (owners only)."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import func, select

from app.models import Membership, Partner, Workspace
from tests.backup.helpers import backup_bytes, read_zip, rewrite
from tests.conftest import add_member, make_partner
from tests.html import parse

pytestmark = pytest.mark.usefixtures("frozen_clock")


def _count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def _upload(client, data: bytes, name="", filename="backup.zip"):
    return client.post(
        "/settings/data/restore",
        data={"file": (io.BytesIO(data), filename), "name": name},
        content_type="multipart/form-data",
    )


def test_owner_sees_both_actions_and_what_a_backup_holds(logged_in):
    response = logged_in.get("/settings/data")
    assert response.status_code == 200
    page = parse(response.text)
    page.one(id="backup-download").one("a", href="/settings/data/backup", hx_boost="false")
    form = page.one(id="backup-restore").one("form")
    assert form["enctype"] == "multipart/form-data" and form["action"] == "/settings/data/restore"
    form.one("input", type="file", name="file")
    text = page.one(id="backup-contents").text
    for word in ("Passwords", "statement links", "calendar feeds", "rebuilt"):
        assert word in text
    assert page.one("nav", class_="tabs").one("a", aria_current="page").text == "Data"


def test_download_streams_the_backup_of_this_workspace(logged_in, session, workspace, other):
    make_partner(workspace, name="Mine")
    response = logged_in.get("/settings/data/backup")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="orchard-backup-')
    files = read_zip(response.data)
    assert [p["name"] for p in files["partners.json"]] == ["Mine"]  # not the other workspace's
    assert files["manifest.json"]["workspace"]["id"] == workspace.id


def test_restore_upload_makes_a_new_workspace_and_shows_the_result(logged_in, session, user, workspace):
    make_partner(workspace, name="Garden")
    data = backup_bytes(session, workspace.id)
    response = _upload(logged_in, data, name="Copy of mine")
    assert response.status_code == 302 and response.headers["Location"].endswith("/settings/data")
    restored = session.scalar(select(Workspace).where(Workspace.name == "Copy of mine"))
    assert restored is not None and restored.id != workspace.id
    assert session.scalar(select(Partner.name).where(Partner.workspace_id == restored.id)) == "Garden"
    page = parse(logged_in.get("/settings/data").text)
    result = page.one(id="restore-result")
    assert "Copy of mine" in result.text
    rows = {tr.find_all("td")[0].text: tr.find_all("td")[1].text for tr in result.one("tbody").find_all("tr")}
    assert rows["Partners"] == "1" and rows["Members"] == "1"
    assert result.one("form")["action"] == f"/workspaces/switch/{restored.id}"
    # shown once
    assert parse(logged_in.get("/settings/data").text).find(id="restore-result") is None


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda data: b"not a zip at all", "not a zip file"),
        (lambda data: data[: len(data) // 2], "incomplete"),
        (
            lambda data: rewrite(data, partners_json=b'[\n{"name":"x"}\n]\n'),
            "partners.json is damaged (checksum mismatch)",
        ),
    ],
)
def test_refused_files_show_the_reason_next_to_the_field_and_write_nothing(
    logged_in, session, workspace, damage, message
):
    make_partner(workspace)
    data = damage(backup_bytes(session, workspace.id))
    before = (_count(session, Workspace), _count(session, Partner), _count(session, Membership))
    response = _upload(logged_in, data)
    assert response.status_code == 422
    assert message in parse(response.text).one(id="file-error").text
    session.expire_all()
    assert (_count(session, Workspace), _count(session, Partner), _count(session, Membership)) == before


def test_restore_without_a_file_asks_for_one(logged_in):
    response = logged_in.post("/settings/data/restore", data={"name": ""}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "Choose the backup file" in parse(response.text).one(id="file-error").text


def test_members_see_why_and_cannot_download_or_restore(client, auth, session, workspace):
    member = add_member(workspace)
    auth.login(member)
    page = parse(client.get("/settings/data").text)
    assert "Only the workspace's owners" in page.one(id="owners-only").text
    assert page.find(id="backup-restore") is None and page.find(id="backup-download") is None
    assert client.get("/settings/data/backup").status_code == 403
    before = _count(session, Workspace)
    assert _upload(client, b"PK whatever").status_code == 403
    assert _count(session, Workspace) == before


def test_data_page_runs_the_same_queries_whatever_the_data(logged_in, session, workspace, count_queries):
    logged_in.get("/settings/data")
    with count_queries() as empty:
        logged_in.get("/settings/data")
    for n in range(30):
        make_partner(workspace, name=f"P{n}")
    add_member(workspace)
    with count_queries() as full:
        assert logged_in.get("/settings/data").status_code == 200
    assert full.count == empty.count <= 6


def test_the_data_page_leads_to_the_import_and_every_export(logged_in):
    page = logged_in.get("/settings/data")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for link in ("/imports/new", "/exports/partners?format=csv", "/exports/contacts?format=vcf", "/exports/deals"):
        assert link in html
    for link in ("/exports/partners?format=csv", "/exports/contacts?format=vcf", "/exports/deals?format=csv"):
        assert logged_in.get(link).status_code == 200


def test_the_restore_form_explains_the_default_name_in_words_the_browser_shows(logged_in):
    page = logged_in.get("/settings/data").get_data(as_text=True)
    assert "Leave empty to use the backup's name with “(restored)” and today's date." in page

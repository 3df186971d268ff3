"""The import wizard's pages, step by step, with their unhappy paths."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Partner
from app.models.importing import ImportRow, ImportRun, SavedMapping
from tests.conftest import HX, NOW
from tests.imports.helpers import CHAIN_CSV, csv_rows, latest_run, mapping_form, previewed, row_url, run_id_of, upload

pytestmark = pytest.mark.usefixtures("frozen_clock")


def _partners(workspace) -> list[str]:
    db.session.expire_all()
    return sorted(db.session.scalars(select(Partner.name).where(Partner.workspace_id == workspace.id)))


# --- the list -------------------------------------------------------------------------------------


def test_empty_list_explains_what_files_work(logged_in):
    page = logged_in.get("/imports/").get_data(as_text=True)
    assert "Import a file" in page and ".vcf" in page and "LinkedIn" in page and ".xlsx" in page
    assert "nothing is saved until you confirm" in page


def test_partners_list_links_to_imports(logged_in):
    assert 'href="/imports/"' in logged_in.get("/partners/").get_data(as_text=True)


def test_list_shows_past_imports_with_a_link_on(logged_in):
    run_id = previewed(logged_in)
    page = logged_in.get("/imports/").get_data(as_text=True)
    assert "book.csv" in page and "Olga Owner" in page and "Ready to import" in page
    assert f"/imports/{run_id}/preview" in page


# --- step 1: upload ---------------------------------------------------------------------------------


def test_upload_page_states_the_limit_above_the_field(logged_in):
    page = logged_in.get("/imports/new").get_data(as_text=True)
    assert page.index("Up to 20 MB") < page.index('type="file"')
    assert 'accept=".csv,.tsv,.txt,.xlsx,.vcf"' in page
    assert "a contact of a partner already in Orchard" in page


def test_upload_goes_on_to_the_mapping(logged_in, workspace):
    response = upload(logged_in)
    assert response.status_code == 302
    run = latest_run()
    assert (run.file_name, run.row_count, run.status, run.kind) == ("book.csv", 5, "uploaded", "partners")
    page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Delta Design" in page and "Orchard field" in page
    assert _partners(workspace) == []  # nothing written


def test_upload_without_a_file(logged_in):
    response = logged_in.post("/imports/new", data={"kind": "contacts"}, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Choose a file to import." in page
    assert '<input checked id="kind-1"' in page  # the choice is kept


def test_upload_of_a_wrong_type(logged_in):
    response = upload(logged_in, b"%PDF-1.4 binary", name="scan.pdf", kind="contacts")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "Orchard reads .csv, .tsv, .txt, .xlsx and .vcf files." in page
    assert '<input checked id="kind-1"' in page


def test_unreadable_file_shows_the_readers_message_next_to_the_field(logged_in):
    response = upload(logged_in, b"", name="empty.csv", kind="contacts")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "The file is empty." in page and 'id="file-error"' in page
    assert '<input checked id="kind-1"' in page
    assert db.session.scalar(select(func.count(ImportRun.id))) == 0


def test_too_large_a_file_is_a_message_not_a_500(tmp_path):
    from tests.conftest import app_on_empty_database, make_user

    with app_on_empty_database(tmp_path, "small", MAX_CONTENT_LENGTH=4096, IMPORT_MAX_FILE_BYTES=2048) as app:
        user = make_user(email="big@example.com")
        client = app.test_client()
        client.post("/login", data={"email": user.email, "password": "correct horse battery"})
        response = upload(client, csv_rows(400))
        page = response.get_data(as_text=True)
        assert response.status_code == 413
        assert "The file is larger than" in page and 'id="file-error"' in page


def test_a_file_over_the_file_limit_but_under_the_body_limit(tmp_path):
    from tests.conftest import app_on_empty_database, make_user

    with app_on_empty_database(tmp_path, "small2", IMPORT_MAX_FILE_BYTES=100 * 1024) as app:
        user = make_user(email="big2@example.com")
        client = app.test_client()
        client.post("/login", data={"email": user.email, "password": "correct horse battery"})
        response = upload(client, csv_rows(4000))  # ~170 KB (under 500 KB: parsed in memory)
        assert response.status_code == 422 and "The file is larger than" in response.get_data(as_text=True)


# --- step 2: map ------------------------------------------------------------------------------------


def test_mapping_page_shows_samples_guess_and_value_choices(logged_in):
    run_id = run_id_of(upload(logged_in))
    page = logged_in.get(f"/imports/{run_id}/map").get_data(as_text=True)
    assert "Delta Design · Alpha Agency · Gamma Goods" in page
    assert '<optgroup label="Partner">' in page and '<optgroup label="Deal">' in page and "Don't import" in page
    # the guess maps Status; its distinct values are listed with their counts and a choice each
    assert "Active client" in page and "× 3" in page and "Values in the file" in page
    # a value spelled like a choice is pre-filled
    assert "Prospect" in page


def test_value_section_follows_the_columns_chosen(logged_in, hx):
    run_id = run_id_of(upload(logged_in))
    run = latest_run()
    form = mapping_form(run, {0: "partner.name", 2: "deal.stage"})
    response = logged_in.post(f"/imports/{run_id}/map/values", data=form, headers=hx)
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and fragment.lstrip().startswith('<section id="value-maps"')
    assert "Deal stage" in fragment and "Lead" in fragment
    assert latest_run().status == "uploaded"  # nothing saved


def test_mapping_errors_are_shown_next_to_the_columns(logged_in):
    run_id = run_id_of(upload(logged_in))
    run = latest_run()
    response = logged_in.post(f"/imports/{run_id}/map", data=mapping_form(run, {0: "partner.name", 3: "partner.name"}))
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and 'id="col-0-error"' in page and 'id="col-3-error"' in page
    assert "both mapped to Partner name" in page


def test_nothing_mapped_to_a_name(logged_in):
    run_id = run_id_of(upload(logged_in))
    run = latest_run()
    response = logged_in.post(f"/imports/{run_id}/map", data=mapping_form(run, {1: "contact.email"}))
    assert response.status_code == 422 and "Map a column to Partner name" in response.get_data(as_text=True)


def test_a_tampered_field_is_an_error_not_a_500(logged_in):
    run_id = run_id_of(upload(logged_in))
    run = latest_run()
    form = mapping_form(run, {0: "partner.name", 1: "partner.password"}, **{"col-1-slot": "99"})
    response = logged_in.post(f"/imports/{run_id}/map", data=form)
    assert response.status_code == 422 and 'id="col-1-error"' in response.get_data(as_text=True)


def test_saved_settings_are_offered_and_prefill_the_next_import(logged_in, workspace):
    previewed(logged_in, fields={0: "partner.name", 1: "contact.email", 3: "partner.referred_by"}, save_as="Chain")
    saved = db.session.scalar(select(SavedMapping).where(SavedMapping.workspace_id == workspace.id))
    assert saved.name == "Chain"
    assert "Chain" in logged_in.get("/imports/new").get_data(as_text=True)
    response = upload(logged_in, saved=str(saved.id))
    assert f"saved={saved.id}" in response.headers["Location"]
    page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "Settings from “Chain”" in page
    assert '<option value="partner.referred_by" selected>' in page


def test_saved_settings_page(logged_in, workspace):
    empty = logged_in.get("/imports/saved").get_data(as_text=True)
    assert "No saved settings yet" in empty and "Save these settings as" in empty
    previewed(logged_in, save_as="Fair contacts")
    saved = db.session.scalar(select(SavedMapping).where(SavedMapping.workspace_id == workspace.id))
    page = logged_in.get("/imports/saved").get_data(as_text=True)
    assert "Fair contacts" in page and f"/imports/new?saved={saved.id}" in page
    upload_page = logged_in.get(f"/imports/new?saved={saved.id}").get_data(as_text=True)
    assert f'<option selected value="{saved.id}">Fair contacts</option>' in upload_page


def test_saved_settings_can_be_deleted(logged_in, workspace, other):
    previewed(logged_in, save_as="Old fair")
    saved = db.session.scalar(select(SavedMapping).where(SavedMapping.workspace_id == workspace.id))
    page = logged_in.get("/imports/saved").get_data(as_text=True)
    assert f"/imports/saved/{saved.id}/delete" in page
    assert logged_in.post(f"/imports/saved/{saved.id}/delete").status_code == 302
    after = logged_in.get("/imports/saved").get_data(as_text=True)
    assert "“Old fair” deleted" in after and "No saved settings yet" in after
    # deleted already (a second tab): not found, never a 500
    assert logged_in.post(f"/imports/saved/{saved.id}/delete").status_code == 404


def test_an_owner_who_is_not_a_member_is_said_on_the_row_which_still_imports(logged_in, workspace):
    text = "Company,Owner\nGarden Studio,pat@other-crm.example\n"
    run_id = previewed(logged_in, text, fields={0: "partner.name", 1: "partner.owner"})
    page = logged_in.get(f"/imports/{run_id}/preview").get_data(as_text=True)
    assert "No member &#39;pat@other-crm.example&#39; — imported without an owner" in page
    logged_in.post(f"/imports/{run_id}/run")
    assert _partners(workspace) == ["Garden Studio"]


# --- step 3: preview --------------------------------------------------------------------------------


def test_preview_counts_problems_and_pages(logged_in, workspace):
    run_id = previewed(logged_in)
    page = logged_in.get(f"/imports/{run_id}/preview").get_data(as_text=True)
    assert "Check the preview" in page and "Delta Design" in page
    assert 'class="cell-problem"' in page  # the bad email, under its cell
    assert "Import 4 rows" in page
    problems = logged_in.get(f"/imports/{run_id}/preview?only=problems").get_data(as_text=True)
    assert "Epsilon Events" in problems and "Alpha Agency" not in problems
    assert _partners(workspace) == []


def test_preview_shows_the_match_with_a_link(logged_in, workspace, factories):
    garden = factories.partner(workspace, name="Alpha Agency")
    factories.contact(garden, email="hello@alpha.example")
    run_id = previewed(logged_in)
    page = logged_in.get(f"/imports/{run_id}/duplicates".replace("duplicates", "preview?only=duplicates")).get_data(
        as_text=True
    )
    assert f'href="/partners/{garden.id}"' in page and "same email" in page


def test_row_action_saves_with_htmx(logged_in, hx):
    run_id = previewed(logged_in)
    response = logged_in.post(row_url(run_id, 2), data={"action-2": "skip"}, headers=hx)
    fragment = response.get_data(as_text=True)
    assert response.status_code == 200 and fragment.lstrip().startswith('<tr id="import-row-2"')
    assert 'id="import-counts"' in fragment and 'hx-swap-oob="true"' in fragment
    db.session.expire_all()
    row = db.session.scalar(select(ImportRow).where(ImportRow.run_id == run_id, ImportRow.number == 2))
    assert row.action == "skip"


def test_a_refused_row_action_is_shown_in_the_row(logged_in, hx):
    run_id = previewed(logged_in)
    response = logged_in.post(row_url(run_id, 2), data={"action-2": "update"}, headers=hx)
    assert response.status_code == 422 and "matches no partner" in response.get_data(as_text=True)
    response = logged_in.post(row_url(run_id, 2), data={"action-2": "explode"}, headers=hx)
    assert response.status_code == 422


def test_row_action_without_javascript_redirects_back(logged_in):
    run_id = previewed(logged_in)
    response = logged_in.post(row_url(run_id, 2), data={"action-2": "skip"})
    assert response.status_code == 302 and f"/imports/{run_id}/preview" in response.headers["Location"]


def test_apply_to_all_in_a_filter(logged_in):
    run_id = previewed(logged_in)
    response = logged_in.post(f"/imports/{run_id}/decide-all", data={"action": "skip", "only": "new"})
    assert response.status_code == 302
    page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "rows set to" in page and "Import 0 rows" in page


def test_back_to_mapping_keeps_the_choices(logged_in):
    run_id = previewed(logged_in, save_as="")
    page = logged_in.get(f"/imports/{run_id}/map").get_data(as_text=True)
    assert '<option value="partner.referred_by" selected>' in page
    assert '<option value="partner.status" selected>' in page


# --- step 4: run, result, undo ------------------------------------------------------------------------


def _run(client, run_id):
    response = client.post(f"/imports/{run_id}/run")
    assert response.status_code == 302 and "/jobs/" in response.headers["Location"]
    return response.headers["Location"]


def test_run_goes_through_the_job_page_to_the_result(logged_in, workspace, hx):
    run_id = previewed(logged_in)
    job_url = _run(logged_in, run_id)
    progress = logged_in.get(job_url, headers=hx)
    assert progress.headers["HX-Redirect"] == f"/imports/{run_id}"
    page = logged_in.get(f"/imports/{run_id}").get_data(as_text=True)
    assert "Import result" in page and "Alpha Agency" in page and "See the referral tree" in page
    assert "Download failed rows (CSV)" in page
    assert _partners(workspace) == ["Alpha Agency", "Beta Builders", "Delta Design", "Gamma Goods"]
    # the map and preview of a run that ran lead to its result
    assert logged_in.get(f"/imports/{run_id}/map").headers["Location"] == f"/imports/{run_id}"
    assert logged_in.post(f"/imports/{run_id}/run").headers["Location"] == f"/imports/{run_id}"


def test_failed_rows_download(logged_in):
    run_id = previewed(logged_in)
    _run(logged_in, run_id)
    response = logged_in.get(f"/imports/{run_id}/failed-rows.csv")
    body = response.get_data(as_text=True)
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    assert body.splitlines()[0] == "Company,Email,Status,Referred by,Problem" and "Epsilon Events" in body


def test_undo_confirms_then_removes(logged_in, workspace):
    run_id = previewed(logged_in)
    _run(logged_in, run_id)
    confirm = logged_in.get(f"/imports/{run_id}/undo").get_data(as_text=True)
    assert "Undo the import of book.csv?" in confirm
    response = logged_in.post(f"/imports/{run_id}/undo")
    assert response.status_code == 302
    assert _partners(workspace) == []
    page = logged_in.get(f"/imports/{run_id}").get_data(as_text=True)
    assert "This import was undone." in page and "disabled" in page


def test_undo_refused_shows_the_services_message(logged_in, workspace):
    run_id = previewed(logged_in)
    _run(logged_in, run_id)
    partner = db.session.scalar(select(Partner).where(Partner.name == "Alpha Agency"))
    partner.notes = "edited after the import"
    partner.updated_at = NOW + timedelta(hours=1)
    db.session.commit()
    response = logged_in.post(f"/imports/{run_id}/undo")
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "changed after the import" in page and "Alpha Agency" in page
    assert len(_partners(workspace)) == 4


def test_a_contacts_import_says_it_adds_contacts_and_its_undo_keeps_the_partners(logged_in, workspace):
    from tests.conftest import make_partner
    from tests.imports.helpers import mapping_form

    make_partner(workspace, name="Garden Studio")
    db.session.commit()
    response = upload(logged_in, "Company,Contact,Email\nGarden Studio,Anna,anna@garden.example\n", kind="contacts")
    run_id = run_id_of(response)
    form = mapping_form(latest_run(), {0: "partner.name", 1: "contact.name", 2: "contact.email"})
    assert logged_in.post(f"/imports/{run_id}/map", data=form).status_code == 302
    _run(logged_in, run_id)
    result = logged_in.get(f"/imports/{run_id}").get_data(as_text=True)
    assert "Contacts added to" in result and "Partners created" not in result
    confirm = logged_in.get(f"/imports/{run_id}/undo").get_data(as_text=True)
    assert "The 1 contact it added will be removed" in confirm and "partners it created" not in confirm
    logged_in.post(f"/imports/{run_id}/undo")
    assert _partners(workspace) == ["Garden Studio"]
    again = logged_in.post(f"/imports/{run_id}/undo")
    assert again.status_code == 422 and "This import was undone." in again.get_data(as_text=True)


def test_a_file_with_only_its_header_cannot_be_run(logged_in):
    from app.models import Job

    run_id = previewed(logged_in, "Company,Email,Status,Referred by\n")
    response = logged_in.post(f"/imports/{run_id}/run")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/imports/{run_id}/preview")
    assert db.session.scalar(select(func.count()).select_from(Job)) == 0
    page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "This file has no rows to import." in page


def test_the_files_status_words_are_pre_mapped_to_orchards(logged_in):
    """ "Active client" and "Lead" (the chain file's words) start mapped to active and prospect."""
    import re

    run_id = run_id_of(upload(logged_in))
    page = logged_in.get(f"/imports/{run_id}/map").get_data(as_text=True)
    selected = dict(
        re.findall(
            r'<label for="value-partner\.status-\d+">([^<]+)</label>.*?<option value="(\w+)" selected>', page, re.S
        )
    )
    assert selected.get("Active client") == "active" and selected.get("Lead") == "prospect"


def test_a_row_whose_referrer_row_is_not_imported_says_so(logged_in):
    """Epsilon's email is bad, so its row is skipped: Zeta, referred by Epsilon, is told it comes in
    without a referrer (before, it silently did)."""
    text = CHAIN_CSV + "Zeta Zoo,hello@zeta.example,Active client,Epsilon Events\n"
    run_id = previewed(logged_in, text)
    page = logged_in.get(f"/imports/{run_id}/preview").get_data(as_text=True)
    assert "Row 5, its referrer, is not imported: this partner comes in without a referrer." in page
    assert page.count("its referrer, is not imported") == 1


def test_wizard_pages_are_never_taken_from_the_browser_cache(logged_in):
    """Back to the mapping with the browser's button must show what the server holds, not an old copy."""
    run_id = previewed(logged_in)
    for url in (f"/imports/{run_id}/map", f"/imports/{run_id}/preview"):
        assert "no-store" in logged_in.get(url).headers.get("Cache-Control", "")


def test_undo_is_disabled_after_30_days(logged_in, frozen_clock):
    run_id = previewed(logged_in)
    _run(logged_in, run_id)
    frozen_clock.shift(timedelta(days=31))
    page = logged_in.get(f"/imports/{run_id}").get_data(as_text=True)
    assert "can be undone for 30 days" in page
    refused = logged_in.post(f"/imports/{run_id}/undo")
    assert refused.status_code == 422 and "can be undone for 30 days" in refused.get_data(as_text=True)
    assert latest_run().status == "done"


def test_new_import_with_the_same_settings(logged_in):
    run_id = previewed(logged_in)
    _run(logged_in, run_id)
    page = logged_in.get(f"/imports/new?like={run_id}").get_data(as_text=True)
    assert f'name="like" type="hidden" value="{run_id}"' in page
    response = upload(logged_in, CHAIN_CSV.replace("Alpha", "Omega"), like=str(run_id))
    assert f"like={run_id}" in response.headers["Location"]
    mapped = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert '<option value="partner.referred_by" selected>' in mapped


def test_big_file_prepares_as_a_job(app, logged_in):
    app.config["IMPORT_INLINE_ROWS"] = 10
    response = upload(logged_in, csv_rows(30))
    run_id = run_id_of(response)
    run = latest_run()
    response = logged_in.post(f"/imports/{run_id}/map", data=mapping_form(run, {0: "partner.name", 1: "contact.email"}))
    assert "/jobs/" in response.headers["Location"]
    assert latest_run().status == "previewed"
    assert (
        logged_in.get(response.headers["Location"], headers=HX).headers["HX-Redirect"] == f"/imports/{run_id}/preview"
    )


def test_a_failed_preview_job_is_told_on_the_mapping_page(app, logged_in, monkeypatch):
    from app.jobs.runner import TASKS

    def broken(session, job, **kw):
        raise RuntimeError("boom")

    monkeypatch.setitem(TASKS, "import.prepare", broken)
    app.config["IMPORT_INLINE_ROWS"] = 10
    run_id = run_id_of(upload(logged_in, csv_rows(30)))
    run = latest_run()
    response = logged_in.post(f"/imports/{run_id}/map", data=mapping_form(run, {0: "partner.name"}))
    job_page = logged_in.get(response.headers["Location"]).get_data(as_text=True)
    assert "It stopped." in job_page and "unexpected error" in job_page and "Retry" in job_page
    page = logged_in.get(f"/imports/{run_id}/map").get_data(as_text=True)
    assert "Building the preview stopped" in page and latest_run().status == "uploaded"


# --- tenancy and CSRF ---------------------------------------------------------------------------------


def test_another_workspaces_run_is_404(app, logged_in, other):
    from app.services import importing

    run = importing.start_import(
        db.session,
        other["workspace"],
        other["user"],
        file_name="theirs.csv",
        data=CHAIN_CSV.encode(),
        kind="partners",
        now=NOW,
    )
    db.session.commit()
    for url in (
        f"/imports/{run.id}",
        f"/imports/{run.id}/map",
        f"/imports/{run.id}/preview",
        f"/imports/{run.id}/undo",
    ):
        assert logged_in.get(url).status_code == 404
    assert logged_in.post(f"/imports/{run.id}/run").status_code == 404
    importing.prepare(db.session, run, now=NOW)
    db.session.commit()
    assert logged_in.post(row_url(run.id, 1), data={"action-1": "skip"}, headers=HX).status_code == 404
    # a row of theirs under a run of mine is not found either
    mine = previewed(logged_in)
    assert (
        logged_in.post(row_url(run.id, 1).replace(f"/{run.id}/", f"/{mine}/"), data={}, headers=HX).status_code == 404
    )


def test_posts_without_csrf_token_are_refused(tmp_path):
    from tests.conftest import app_on_empty_database, make_user

    with app_on_empty_database(tmp_path, "csrf", WTF_CSRF_ENABLED=True) as app:
        make_user(email="csrf-import@example.com")
        client = app.test_client()
        assert upload(client).status_code in (302, 400)  # anonymous: login first
        response = client.post(
            "/imports/new", data={"file": (io.BytesIO(CHAIN_CSV.encode()), "a.csv")}, content_type="multipart/form-data"
        )
        assert response.status_code in (302, 400)
        # logged in (with a token), the upload without one is refused
        import re

        login = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', login) or re.search(
            r'name="csrf_token" value="([^"]+)"', login
        )
        client.post(
            "/login",
            data={
                "email": "csrf-import@example.com",
                "password": "correct horse battery",
                "csrf_token": token.group(1),
            },
        )
        response = upload(client)
        assert response.status_code == 400 and "security token" in response.get_data(as_text=True)
        assert db.session.scalar(select(func.count(ImportRun.id))) == 0

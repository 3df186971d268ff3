"""Referral pages over HTTP: the Referrals tab, the partner form's picker, forest, tree, report."""

import html
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import Deal, Partner
from app.models.referral import Referral, ReferralChange
from app.services import referral_tree as rt

from .conftest import bulk_partners, random_forest


def text(response):
    return html.unescape(response.get_data(as_text=True))


def P(pid):
    return db.session.get(Partner, pid)


@pytest.fixture
def family(workspace, now):
    """Root → Child → Grandchild, plus a stranger; returns the partners."""
    root, child, grand, stranger = bulk_partners(workspace, ["Rooty Roots", "Childish Co", "Grand Kid", "Stranger"])
    rt.set_referrer(db.session, workspace.id, P(child), root, now=now)
    rt.set_referrer(db.session, workspace.id, P(grand), child, now=now)
    db.session.commit()
    return {"root": P(root), "child": P(child), "grand": P(grand), "stranger": P(stranger)}


def test_tab_shows_breadcrumb_with_generations_children_and_stats(logged_in, family):
    page = text(logged_in.get(f"/partners/{family['grand'].id}/referrals"))
    assert "Generation 2 of the branch started by Rooty Roots" in page
    crumbs = page[page.index('class="ancestry"') : page.index("</ol>")]
    assert crumbs.index("Rooty Roots") < crumbs.index("Childish Co") < crumbs.index("Grand Kid")
    assert "Gen 0" in crumbs and "Gen 2" in crumbs
    page = text(logged_in.get(f"/partners/{family['root'].id}/referrals"))
    assert "it is the root of its branch" in page
    assert "Childish Co" in page[page.index("Referred directly") :]


def test_overview_has_a_one_line_ancestry(logged_in, family):
    page = text(logged_in.get(f"/partners/{family['grand'].id}"))
    line = page[page.index('id="referral-line"') :]
    line = line[: line.index("</p>")]
    assert "Childish Co" in line and "generation 2 of" in line and "Rooty Roots" in line


def test_set_referrer_with_details_and_history(logged_in, family, factories, user):
    contact = factories.contact(family["root"], name="Rita Root")
    response = logged_in.post(
        f"/partners/{family['stranger'].id}/referrals",
        data={
            "referred_by_id": family["root"].id,
            "contact_id": contact.id,
            "referred_on": "2025-05-01",
            "note": "Met at the fair",
        },
    )
    assert response.status_code == 302
    assert P(family["stranger"].id).referred_by_id == family["root"].id
    page = text(logged_in.get(f"/partners/{family['stranger'].id}/referrals"))
    assert "Rita Root" in page and "2025-05-01" in page and "Met at the fair" in page
    history = page[page.index('id="referral-history"') :]
    assert "Rooty Roots" in history and user.name in history
    assert db.session.get(Referral, family["root"].id).subtree_size == 4


def test_cycle_is_refused_with_the_chain_and_nothing_saved(logged_in, family):
    response = logged_in.post(f"/partners/{family['root'].id}/referrals", data={"referred_by_id": family["grand"].id})
    assert response.status_code == 422
    assert "Rooty Roots → Childish Co → Grand Kid → Rooty Roots" in text(response)
    assert P(family["root"].id).referred_by_id is None
    assert (
        db.session.scalar(
            select(func.count()).select_from(ReferralChange).where(ReferralChange.partner_id == family["root"].id)
        )
        == 0
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"referred_by_id": "self"}, "cannot refer itself"),
        ({"referred_by_id": "other"}, "among this workspace"),
        ({"referred_by_id": "root", "referred_on": "2999-01-01"}, "cannot be in the future"),
        ({"referred_by_id": "root", "note": "x" * 2001}, "2000"),
        ({"referred_by_id": "root", "contact_id": "other_contact"}, "referrer's current contacts"),
        ({"referred_by_id": "not-a-number"}, "Not a valid integer"),
    ],
)
def test_bad_input_answers_422_with_the_message(logged_in, family, other, data, message):
    ids = {
        "self": family["stranger"].id,
        "other": other["partner"].id,
        "root": family["root"].id,
        "other_contact": other["contact"].id,
    }
    data = {k: ids.get(v, v) for k, v in data.items()}
    response = logged_in.post(f"/partners/{family['stranger'].id}/referrals", data=data)
    assert response.status_code == 422
    assert message in text(response)
    assert P(family["stranger"].id).referred_by_id is None


def test_archived_partner_cannot_be_chosen(logged_in, family, now):
    family["stranger"].archived_at = now
    db.session.commit()
    response = logged_in.post(
        f"/partners/{family['root'].id}/referrals", data={"referred_by_id": family["stranger"].id}
    )
    assert response.status_code == 422 and "is archived" in text(response)


def test_clear_referrer_keeps_history(logged_in, family):
    response = logged_in.post(f"/partners/{family['child'].id}/referrals/clear")
    assert response.status_code == 302
    assert P(family["child"].id).referred_by_id is None
    assert db.session.get(Referral, family["grand"].id).root_id == family["child"].id
    page = text(logged_in.get(f"/partners/{family['child'].id}/referrals"))
    assert "Changes to the referrer" in page and page.count("Rooty Roots") >= 1


def test_partner_form_sets_referrer_on_create_and_edit(logged_in, family, workspace):
    response = logged_in.post(
        "/partners/new",
        data={
            "name": "Newcomer",
            "kind": "company",
            "status": "active",
            "tier": "B",
            "source": "referral",
            "owner_id": "",
            "referred_by_id": family["grand"].id,
        },
    )
    assert response.status_code == 302
    newcomer = db.session.scalar(select(Partner).where(Partner.name == "Newcomer"))
    assert newcomer.referred_by_id == family["grand"].id
    assert [n.name for n in rt.ancestors(db.session, workspace.id, newcomer.id)][0] == "Rooty Roots"
    # the edit form shows the current referrer as the chosen radio
    page = text(logged_in.get(f"/partners/{newcomer.id}/edit"))
    assert f'value="{family["grand"].id}" checked' in page
    # a cycle through the edit form: 422 with the message, the rename is not saved either
    response = logged_in.post(
        f"/partners/{family['root'].id}/edit",
        data={
            "name": "Renamed Root",
            "kind": "company",
            "status": "active",
            "tier": "B",
            "source": "direct",
            "owner_id": "",
            "referred_by_id": newcomer.id,
        },
    )
    assert response.status_code == 422
    assert "would make a loop" in text(response)
    db.session.expire_all()
    assert P(family["root"].id).name == "Rooty Roots" and P(family["root"].id).referred_by_id is None
    # a post without the picker (another client) leaves the referrer alone; "" clears it
    form = {
        "name": "Newcomer",
        "kind": "company",
        "status": "active",
        "tier": "B",
        "source": "referral",
        "owner_id": "",
    }
    assert logged_in.post(f"/partners/{newcomer.id}/edit", data=form).status_code == 302
    assert P(newcomer.id).referred_by_id == family["grand"].id
    assert logged_in.post(f"/partners/{newcomer.id}/edit", data={**form, "referred_by_id": ""}).status_code == 302
    assert P(newcomer.id).referred_by_id is None


def test_picker_searches_current_partners_only(logged_in, family, other, now, hx):
    family["child"].archived_at = now
    db.session.commit()
    page = text(logged_in.get(f"/referrals/pick?referrer_q=s&exclude={family['root'].id}", headers=hx))
    assert "Stranger" in page and "Grand Kid" not in page  # no "s" in it
    assert "Childish Co" not in page  # archived
    assert "Rooty Roots" not in page  # excluded (the partner being edited)
    assert "Outsider Partner" not in text(logged_in.get("/referrals/pick?referrer_q=outsider", headers=hx))
    assert "<html" not in page


def test_contact_select_lists_only_this_workspace(logged_in, family, other, factories, hx):
    factories.contact(family["root"], name="Rita Root")
    assert "Rita Root" in text(logged_in.get(f"/referrals/contacts?referred_by_id={family['root'].id}", headers=hx))
    assert "Outsider Contact" not in text(
        logged_in.get(f"/referrals/contacts?referred_by_id={other['partner'].id}", headers=hx)
    )


def test_forest_tree_and_report_pages(logged_in, family, hx):
    forest = text(logged_in.get("/referrals/"))
    assert "Rooty Roots" in forest and "Stranger" not in forest
    tree = text(logged_in.get(f"/referrals/tree/{family['root'].id}"))
    assert 'id="tree-data"' in tree and "Grand Kid" in tree and 'id="tree-list"' in tree
    nodes = logged_in.get(f"/referrals/tree/{family['root'].id}/nodes.json").get_json()
    assert [n["n"] for n in nodes["nodes"]] == ["Childish Co", "Grand Kid"]
    found = logged_in.get(f"/referrals/tree/{family['root'].id}/find.json?q=grand").get_json()
    assert [m["n"] for m in found["matches"]] == ["Grand Kid"]
    path = logged_in.get(f"/referrals/tree/{family['root'].id}/path/{family['grand'].id}.json").get_json()
    assert path["chain"] == [family["root"].id, family["child"].id, family["grand"].id]
    branch = text(logged_in.get(f"/referrals/tree/{family['child'].id}/branch?g=1", headers=hx))
    assert "Grand Kid" in branch and "<html" not in branch
    report = text(logged_in.get("/referrals/report"))
    assert "Partners per generation" in report and "Rooty Roots" in report
    # revenue by branch loads on its own (it reads every won deal); ?revenue=1 shows it inline
    assert 'hx-get="/referrals/report/revenue"' in report
    assert "Branches by won revenue" in text(logged_in.get("/referrals/report/revenue", headers=hx))
    assert "No won deals in any branch yet" in text(logged_in.get("/referrals/report?revenue=1"))


def test_other_workspace_ids_answer_404(logged_in, family, other):
    theirs = other["partner"].id
    for url in (
        f"/partners/{theirs}/referrals",
        f"/referrals/tree/{theirs}",
        f"/referrals/tree/{theirs}/nodes.json",
        f"/referrals/tree/{theirs}/branch",
        f"/referrals/tree/{theirs}/find.json?q=a",
        f"/referrals/tree/{theirs}/path/{theirs}.json",
        f"/referrals/tree/{family['root'].id}/path/{theirs}.json",
        f"/referrals/revenue/{theirs}",
    ):
        assert logged_in.get(url).status_code == 404, url
    for url in (f"/partners/{theirs}/referrals", f"/partners/{theirs}/referrals/clear"):
        assert logged_in.post(url, data={"referred_by_id": family["root"].id}).status_code == 404, url
    db.session.expire_all()
    assert P(theirs).referred_by_id is None


def test_a_partner_outside_the_branch_is_not_revealed(logged_in, family):
    url = f"/referrals/tree/{family['child'].id}/path/{family['root'].id}.json"
    assert logged_in.get(url).status_code == 404


# --- constant queries whatever the data size -----------------------------------------------------------


def _queries(client, count_queries, url):
    db.session.remove()  # each request starts with an empty session, as in production
    with count_queries() as counter:
        response = client.get(url)
    assert response.status_code == 200, url
    return counter.count


def _page_counts(client, ws_id, count_queries):
    root = rt.forest(db.session, ws_id).items[0]
    deep = db.session.scalar(
        select(Referral.partner_id).where(Referral.workspace_id == ws_id).order_by(Referral.generation.desc()).limit(1)
    )
    on_path = bool(rt.path_nodes(db.session, ws_id, root.id, deep)[0])
    return {
        "tree": _queries(client, count_queries, f"/referrals/tree/{root.id}"),
        "forest": _queries(client, count_queries, "/referrals/"),
        "forest page 2": _queries(client, count_queries, "/referrals/?page=2"),
        "report": _queries(client, count_queries, "/referrals/report"),
        "report revenue": _queries(client, count_queries, "/referrals/report/revenue"),
        "branch revenue": _queries(client, count_queries, f"/referrals/revenue/{deep}"),
        "tree, revenue inline": _queries(client, count_queries, f"/referrals/tree/{root.id}?revenue=1"),
        "tab": _queries(client, count_queries, f"/partners/{deep}/referrals"),
        "overview": _queries(client, count_queries, f"/partners/{deep}"),
        "nodes": _queries(client, count_queries, f"/referrals/tree/{root.id}/nodes.json"),
        "branch": _queries(client, count_queries, f"/referrals/tree/{root.id}/branch"),
        "path": _queries(client, count_queries, f"/referrals/tree/{root.id}/path/{deep}.json") if on_path else 0,
    }


def test_query_counts_do_not_grow_with_the_data(logged_in, workspace, count_queries):
    ws_id = workspace.id
    random_forest(workspace, 80, seed=11, roots=30)
    logged_in.get("/referrals/")  # warm up: a new connection's own setup statements are not the page's
    small = _page_counts(logged_in, ws_id, count_queries)
    random_forest(db.session.get(type(workspace), ws_id), 2500, seed=12, roots=30)  # 30x bigger, deeper, wider
    big = _page_counts(logged_in, ws_id, count_queries)
    assert small == big
    assert all(count <= 10 for count in big.values()), big


def test_picker_search_works_without_javascript(logged_in, family):
    """The picker's Search button submits the form as a GET: results come back in the page."""
    page = text(logged_in.get(f"/partners/{family['stranger'].id}/referrals?q=1&referrer_q=rooty"))
    results = page[page.index('id="referrer-results"') :]
    results = results[: results.index("</div>")]
    assert f'value="{family["root"].id}"' in results and "Grand Kid" not in results


def test_branch_revenue_loads_on_its_own_and_inline_without_javascript(logged_in, family, workspace, hx):
    for partner, amount, currency in ((family["grand"], "120.50", "EUR"), (family["child"], "80", "USD")):
        db.session.add(
            Deal(
                workspace_id=workspace.id,
                partner_id=partner.id,
                title="Site",
                amount=Decimal(amount),
                currency=currency,
                stage="won",
            )
        )
    db.session.commit()
    url = f"/referrals/revenue/{family['root'].id}"
    tab = text(logged_in.get(f"/partners/{family['child'].id}/referrals"))
    assert f'hx-get="/referrals/revenue/{family["child"].id}"' in tab and "€120.50" not in tab
    piece = text(logged_in.get(url, headers=hx))
    assert "€120.50" in piece and "$80.00" in piece and "<html" not in piece
    inline = text(logged_in.get(f"/referrals/tree/{family['child'].id}?revenue=1"))
    assert "€120.50" in inline and "$80.00" in inline
    lone = text(logged_in.get(f"/referrals/revenue/{family['stranger'].id}"))
    assert "no won deals yet" in lone

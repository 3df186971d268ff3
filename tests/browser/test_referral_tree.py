"""The referral tree in a real browser: a 7+ generation branch, folded nodes loaded on demand, search,
and a click through to the partner."""

from __future__ import annotations

import itertools

import pytest
from sqlalchemy import insert, select, update

pytestmark = pytest.mark.browser
_run = itertools.count(1)


def _seed_branch(app, email: str, prefix: str) -> dict[str, int]:
    """In the user's workspace: a lineage L0 → … → L8, and beside it a 400-partner branch so the tree
    is big enough to start folded beyond three generations."""
    from app.extensions import db
    from app.models import Partner, User
    from app.summaries import referral_stats

    with app.app_context():
        user = db.session.scalar(select(User).where(User.email == email))
        ws = user.current_workspace_id
        names = (
            [f"{prefix} L{i}" for i in range(9)]
            + [f"{prefix} X{i}" for i in range(1, 4)]
            + [f"{prefix} Leaf {i}" for i in range(400)]
        )
        db.session.execute(
            insert(Partner),
            [
                {
                    "workspace_id": ws,
                    "name": n,
                    "name_key": n.lower(),
                    "kind": "company",
                    "status": ("referrer" if i % 3 == 0 else "active"),
                    "tier": "B",
                    "source": "referral",
                    "no_prospects": False,
                }
                for i, n in enumerate(names)
            ],
        )
        ids = dict(db.session.execute(select(Partner.name, Partner.id).where(Partner.workspace_id == ws)).all())
        parent = {f"{prefix} L{i}": f"{prefix} L{i - 1}" for i in range(1, 9)}
        parent.update({f"{prefix} X1": f"{prefix} L0", f"{prefix} X2": f"{prefix} X1", f"{prefix} X3": f"{prefix} X2"})
        parent.update({f"{prefix} Leaf {i}": f"{prefix} X3" for i in range(400)})
        db.session.execute(update(Partner), [{"id": ids[c], "referred_by_id": ids[p]} for c, p in parent.items()])
        referral_stats.rebuild(db.session, ws)
        db.session.commit()
        result = {name.removeprefix(prefix + " "): ids[name] for name in names[:12]}
        db.session.remove()
    return result


def _node(page, partner_id):
    return page.locator(f'#tree-canvas .tnode[data-id="{partner_id}"]')


def test_open_a_seven_generation_branch_expand_search_and_navigate(page, live_server, register_and_login):
    person = register_and_login(page)
    prefix = f"Lineage{next(_run)}"
    ids = _seed_branch(live_server.app, person.email, prefix)

    # from the forest, a boosted click: the page swaps in and its scripts draw the picture
    page.goto(live_server("/referrals/"))
    page.locator(f"#root-{ids['L0']}").get_by_role("link", name="Tree").click()
    page.wait_for_url(f"**/referrals/tree/{ids['L0']}")
    page.wait_for_selector("#tree-canvas .tnode")
    # generations 0-3 are on screen; L3's branch was not loaded yet: it is folded with a "+5 more"
    for i in range(4):
        assert _node(page, ids[f"L{i}"]).count() == 1
    assert _node(page, ids["L4"]).count() == 0
    l3 = _node(page, ids["L3"])
    assert "folded" in l3.get_attribute("class")
    assert "+5" in l3.text_content()
    # the accessible list shows the same tree, with a lazy button for L3
    assert page.locator("#tree-list").get_by_text(f"{prefix} L3", exact=True).count() == 1

    # unfold down to the 7th generation: L3 and L5 load from the server, L4 and L6 were loaded with them
    for i in range(3, 7):
        page.locator(f'#tree-canvas .tnode[data-id="{ids[f"L{i}"]}"] .knob').click()
        _node(page, ids[f"L{i + 1}"]).wait_for()
    assert "Gen 7" in page.locator("#tree-canvas .gen-headers").text_content()
    assert _node(page, ids["L8"]).count() == 0  # still folded under L7

    # search reveals the 8th generation and highlights it
    page.fill("#tree-search", f"{prefix} L8")
    page.locator("#tree-search-results button", has_text=f"{prefix} L8").click()
    page.wait_for_selector(f'#tree-canvas .tnode.hit[data-id="{ids["L8"]}"]')

    # the big side branch stays folded until asked: X3 holds 400 partners
    x3 = _node(page, ids["X3"])
    assert "+400" in x3.text_content()

    # "Fit" keeps the names readable (11 px at least) and the partner found in view
    page.click("[data-tree-action=fit]")
    sizes = page.evaluate(
        """() => [...document.querySelectorAll("#tree-canvas .tnode .label")].map((t) =>
             parseFloat(getComputedStyle(t).fontSize) * Math.hypot(t.getScreenCTM().a, t.getScreenCTM().b))"""
    )
    assert min(sizes) >= 11

    # click a name: the partner page opens
    page.locator(f'#tree-canvas .tnode[data-id="{ids["L7"]}"] .node-link').click()
    page.wait_for_url(f"**/partners/{ids['L7']}")
    assert page.locator("h1").inner_text() == f"{prefix} L7"
    assert "generation 7 of" in page.locator("#referral-line").inner_text()


def test_list_view_loads_a_folded_branch_with_htmx(page, live_server, register_and_login):
    person = register_and_login(page)
    prefix = f"Listing{next(_run)}"
    ids = _seed_branch(live_server.app, person.email, prefix)
    page.goto(live_server(f"/referrals/tree/{ids['L0']}"))
    # generations 0 and 1 start open in the list; unfold L2 by its summary (not on the name link)
    summary = page.locator(f"#branch-{ids['L2']} > details > summary")
    box = summary.bounding_box()
    summary.click(position={"x": box["width"] - 12, "y": box["height"] / 2})
    item = page.locator(f"#branch-{ids['L3']}")
    item.get_by_role("link", name="Show referrals (1)").click()
    page.locator(f"#branch-{ids['L4']}").wait_for()
    assert page.locator(f"#branch-{ids['L5']}").count() == 1  # two generations come at once

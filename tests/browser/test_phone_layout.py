"""Every main page on a 390 px phone: nothing widens the page sideways (only boxes meant to scroll
sideways may, and they show that more is there), and no visible text is smaller than 11 px.

One workspace with demo data (partners with contacts, deals, interactions, reminders, a referral chain
of several generations, terms, commissions) serves every page; each page is its own test, so a
failure names the page."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from tests.conftest import NOW

# A page's layout does not depend on the database engine: the sweep of every page runs on SQLite
# (the other browser tests, which exercise what the server does, run on both engines)
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        (os.environ.get("TEST_DATABASE_URL") or "").startswith("postgresql"),
        reason="layout only: swept on SQLite",
    ),
]

PASSWORD = "phone layout password"
MIN_TEXT_PX = 11

# Boxes that may scroll sideways on a phone; when their content is wider than they are they must carry
# a hint (a fade on the side where more is), set by static/js/tab-strip.js.
MEASURE = """
() => {
  const limit = Math.min(window.innerWidth, document.documentElement.clientWidth);
  const describe = (el) => {
    const one = (e) => e.tagName.toLowerCase() + (e.id ? "#" + e.id : "")
      + (e.classList && e.classList.length ? "." + [...e.classList].join(".") : "");
    return (el.parentElement ? one(el.parentElement) + " > " : "") + one(el);
  };
  const clips = (el) => getComputedStyle(el).overflowX !== "visible";
  const result = { width: document.documentElement.scrollWidth, limit, wide: [], scrollers: [], small: [] };

  // what sticks out of the page (outermost offenders only, not inside a box that clips or scrolls)
  if (result.width > limit + 1) {
    const offenders = [];
    for (const el of document.body.querySelectorAll("*")) {
      const rect = el.getBoundingClientRect();
      if (!rect.width || rect.right + window.scrollX <= limit + 1) continue;
      let up = el.parentElement, inside = false;
      while (up && up !== document.body) { if (clips(up)) { inside = true; break; } up = up.parentElement; }
      if (!inside && !offenders.some((o) => o.contains(el))) offenders.push(el);
    }
    result.wide = offenders.slice(0, 6).map((el) => describe(el) + " right=" + Math.round(el.getBoundingClientRect().right));
  }

  // boxes that scroll sideways must show that they do
  for (const el of document.body.querySelectorAll("*")) {
    const style = getComputedStyle(el);
    if (!["auto", "scroll"].includes(style.overflowX) || !el.clientWidth) continue;
    if (el.scrollWidth <= el.clientWidth + 1 || !el.checkVisibility()) continue;
    const hinted = el.matches(".scroll-more-start, .scroll-more-end")
      && (style.maskImage || style.webkitMaskImage || "none") !== "none";
    if (!hinted) result.scrollers.push(describe(el) + " " + el.scrollWidth + ">" + el.clientWidth);
  }

  // visible text smaller than the floor, as rendered (SVG text scaled by its viewBox or transforms)
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const seen = new Set();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const text = node.textContent.trim();
    const el = node.parentElement;
    if (!text || !el || el.closest("script, style, template, noscript, title, .visually-hidden, [hidden]")) continue;
    if (!el.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    if (![...range.getClientRects()].some((r) => r.width > 0 && r.height > 0)) continue;
    let size = parseFloat(getComputedStyle(el).fontSize);
    if (el instanceof SVGElement) {
      const m = el.getScreenCTM();
      if (m) size *= Math.hypot(m.a, m.b);
    } else if (el.offsetWidth) {
      size *= el.getBoundingClientRect().width / el.offsetWidth;
    }
    if (size < MIN - 0.01) {
      const key = describe(el) + " " + size.toFixed(1);
      if (!seen.has(key)) { seen.add(key); result.small.push(key + "px: " + JSON.stringify(text.slice(0, 40))); }
    }
  }
  result.small = result.small.slice(0, 12);
  return result;
}
""".replace("MIN", str(MIN_TEXT_PX))


@pytest.fixture(scope="module")
def demo_workspace(live_server):
    """A user and a workspace full of demo data; the ids the pages below need."""
    return _demo(live_server, "en")


@pytest.fixture(scope="module")
def russian_demo_workspace(live_server):
    """The same in Russian: a Russian owner and the Russian demo (longer words than the English)."""
    return _demo(live_server, "ru")


def _demo(live_server, locale):
    from app.extensions import db
    from app.models import Commission, Deal, Partner, Terms
    from app.services import accounts
    from app.services.demo import generate

    app = live_server.app
    email = f"phone{os.getpid()}{locale}@example.com"
    with app.app_context():
        user = accounts.register_user(
            db.session,
            name="Phone Owner",
            email=email,
            password=PASSWORD,
            create_workspace=False,
            hash_method="pbkdf2:sha256:1000",
        )
        workspace = accounts.create_workspace_for(db.session, user, "Phone Studio")
        user.current_workspace_id = workspace.id
        user.locale = locale
        generate(db.session, workspace, seed=7, partners=60, now=NOW, locale=locale)
        db.session.commit()
        ws = workspace.id

        parents = dict(
            db.session.execute(select(Partner.id, Partner.referred_by_id).where(Partner.workspace_id == ws)).all()
        )

        def depth(pid):
            steps = 0
            while parents.get(pid):
                pid, steps = parents[pid], steps + 1
            return steps

        deepest = max(parents, key=depth)
        root = deepest
        while parents.get(root):
            root = parents[root]
        # a referrer with terms, commissions and deals of its own if there is one: every tab has rows
        referrers = set(db.session.scalars(select(Commission.referrer_id).where(Commission.workspace_id == ws)))
        with_terms = set(db.session.scalars(select(Terms.partner_id).where(Terms.workspace_id == ws)))
        with_deals = set(db.session.scalars(select(Deal.partner_id).where(Deal.workspace_id == ws)))
        rich = sorted(referrers & with_terms & with_deals) or sorted(referrers & with_terms) or sorted(referrers)
        name = db.session.get(Partner, rich[0]).name
        deal = db.session.scalar(select(Commission.deal_id).where(Commission.workspace_id == ws).limit(1))
        db.session.remove()
    assert depth(deepest) >= 3, "the demo data has a referral chain of 3+ generations"
    return {"email": email, "partner": rich[0], "root": root, "deal": deal, "query": name.split()[0]}


PAGES = {
    "dashboard": "/dashboard",
    "partners": "/partners/",
    "partner-new": "/partners/new",
    "partner-overview": "/partners/{partner}",
    "partner-timeline": "/partners/{partner}/timeline",
    "partner-reminders": "/partners/{partner}/reminders",
    "partner-deals": "/partners/{partner}/deals",
    "partner-terms": "/partners/{partner}/terms",
    "partner-commissions": "/partners/{partner}/commissions",
    "partner-referrals": "/partners/{partner}/referrals",
    "partner-history": "/partners/{partner}/history",
    "partner-edit": "/partners/{partner}/edit",
    "deals-list": "/deals/list",
    "deals-pipeline": "/deals/",
    "deal-new": "/deals/new",
    "deal": "/deals/{deal}",
    "deal-edit": "/deals/{deal}/edit",
    "reminders": "/reminders/",
    "reminder-new": "/reminders/new",
    "activity": "/activity",
    "referral-forest": "/referrals/",
    "referral-tree-list": "/referrals/tree/{root}",
    "referral-tree-picture": "/referrals/tree/{root}",
    "referral-report": "/referrals/report",
    "ledger": "/ledger",
    "terms-reviews": "/terms/reviews",
    "duplicates": "/duplicates/",
    "imports": "/imports/",
    "import-new": "/imports/new",
    "mail-import": "/mail/import",
    "settings-workspace": "/settings/",
    "settings-members": "/settings/members",
    "settings-profile": "/settings/profile",
    "settings-security": "/settings/security",
    "settings-two-factor": "/settings/two-factor",
    "settings-api-tokens": "/settings/api-tokens",
    "settings-audit-log": "/settings/audit-log",
    "settings-calendar": "/settings/calendar",
    "settings-mail": "/settings/mail",
    "settings-webhooks": "/settings/webhooks",
    "settings-data-and-exports": "/settings/data",
    "search": "/search?q={query}",
    "reports": "/reports/",
    "report-sources": "/reports/sources?compare=1",
    "report-tiers": "/reports/tiers",
    "report-managers": "/reports/managers",
    "report-health": "/reports/health",
    "report-referral-economics": "/reports/referral-economics?compare=1",
    "settings-trash": "/settings/trash",
    "help": "/help",
}


def _log_in(page, live_server, email):
    page.goto(live_server("/login"))
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def _open(page, live_server, name, ids):
    page.goto(live_server(PAGES[name].format(**ids)))
    page.wait_for_load_state("networkidle")
    if name == "referral-tree-picture":
        page.click("[data-tree-view=picture]")
        page.wait_for_selector("#tree-canvas .tnode")
        page.click("[data-tree-action=fit]")
    elif name == "dashboard":
        # the inline log box of the first row, opened: its form loads and must fit the card
        box = page.locator(".flag-table details.row-log").first
        box.locator("summary").click()
        box.locator("form").wait_for()
    page.wait_for_timeout(150)  # the scroll hints settle after layout


@pytest.mark.parametrize("name", list(PAGES))
def test_page_fits_a_phone(name, phone_page, live_server, demo_workspace, server_clock):
    _assert_fits(phone_page, live_server, name, demo_workspace)


@pytest.mark.parametrize("name", list(PAGES))
def test_page_fits_a_phone_in_russian(name, phone_page, live_server, russian_demo_workspace, server_clock):
    """Russian words are longer: a select or a row of buttons that fits in English may stick out."""
    _assert_fits(phone_page, live_server, name, russian_demo_workspace)


def _assert_fits(phone_page, live_server, name, demo_workspace):
    _log_in(phone_page, live_server, demo_workspace["email"])
    _open(phone_page, live_server, name, demo_workspace)
    found = phone_page.evaluate(MEASURE)
    problems = []
    if found["width"] > found["limit"] + 1:
        problems.append(f"the page is {found['width']} px wide, sticking out: {found['wide']}")
    if found["scrollers"]:
        problems.append(f"boxes scroll sideways without a hint: {found['scrollers']}")
    if found["small"]:
        problems.append(f"text under {MIN_TEXT_PX} px: {found['small']}")
    assert not problems, f"{name} at 390 px: " + "; ".join(problems)


# the rendered size of the tree picture's names (font size times the zoom)
LABEL_SIZES = """
() => [...document.querySelectorAll("#tree-canvas .tnode .label")].map((t) => {
  const m = t.getScreenCTM();
  return parseFloat(getComputedStyle(t).fontSize) * Math.hypot(m.a, m.b);
})
"""


def test_dashboard_rows_are_cards_and_the_log_box_logs_from_a_phone(
    phone_page, live_server, demo_workspace, server_clock
):
    page = phone_page
    _log_in(page, live_server, demo_workspace["email"])
    page.goto(live_server("/dashboard"))
    panel = page.locator("#flag-neglected")
    row = panel.locator("tbody tr").first
    row_id = row.get_attribute("id")
    # the row is a card as wide as its panel; each value is named (the column headers are hidden)
    card, table = row.bounding_box(), panel.locator(".table-wrap").bounding_box()
    assert card["x"] >= table["x"] and card["x"] + card["width"] <= table["x"] + table["width"] + 1
    assert panel.locator("thead").bounding_box()["width"] <= 1  # left for screen readers only
    labels = row.evaluate("""r => [...r.cells].map((c) => getComputedStyle(c, "::before").content)""")
    assert labels[1:4] == ['"Last touch"', '"Cadence"', '"Owner"']

    row.locator("summary", has_text="Log…").tap()
    log = row.locator("button", has_text="Log")
    log.wait_for()
    button = log.bounding_box()
    assert button["height"] >= 30 and button["x"] + button["width"] <= card["x"] + card["width"]
    log.tap()
    page.locator(f"#{row_id}").wait_for(state="detached")  # logged with a follow-up: off the list


def test_the_tree_opens_as_a_list_on_a_phone_and_remembers_the_picture(
    phone_page, live_server, demo_workspace, server_clock
):
    page = phone_page
    _log_in(page, live_server, demo_workspace["email"])
    page.goto(live_server(f"/referrals/tree/{demo_workspace['root']}"))
    picture, listing = page.get_by_role("button", name="Picture"), page.get_by_role("button", name="List")
    listing.wait_for()
    assert page.locator("#tree-list").is_visible() and not page.locator("#tree-canvas").is_visible()
    assert listing.get_attribute("aria-pressed") == "true"

    picture.tap()
    page.locator("#tree-canvas .tnode").first.wait_for()
    assert not page.locator("#tree-list").is_visible()
    assert picture.get_attribute("aria-pressed") == "true"
    sizes = page.evaluate(LABEL_SIZES)
    assert sizes and min(sizes) >= 11  # "Fit" keeps the names readable

    page.reload()  # the choice is remembered
    page.locator("#tree-canvas .tnode").first.wait_for()
    assert not page.locator("#tree-list").is_visible()
    page.get_by_role("button", name="List").tap()
    page.reload()
    page.locator("#tree-list").wait_for()
    assert not page.locator("#tree-canvas").is_visible()


def test_partner_tabs_scroll_sideways_with_the_current_tab_in_view(
    phone_page, live_server, demo_workspace, server_clock
):
    page = phone_page
    _log_in(page, live_server, demo_workspace["email"])
    strip = page.locator("nav.tabs")

    page.goto(live_server(f"/partners/{demo_workspace['partner']}"))
    assert "scroll-more-end" in strip.get_attribute("class")  # more tabs to the right
    assert "scroll-more-start" not in strip.get_attribute("class")

    page.goto(live_server(f"/partners/{demo_workspace['partner']}/history"))  # the last tab
    current = strip.locator("[aria-current=page]")
    box, tab = strip.bounding_box(), current.bounding_box()
    assert tab["x"] >= box["x"] and tab["x"] + tab["width"] <= box["x"] + box["width"] + 1
    assert "scroll-more-start" in strip.get_attribute("class")
    assert "scroll-more-end" not in strip.get_attribute("class")

    strip.evaluate("s => s.scrollTo({ left: 0 })")  # swiped back to the start: the hint follows
    page.wait_for_function("() => !document.querySelector('nav.tabs').classList.contains('scroll-more-start')")
    assert "scroll-more-end" in strip.get_attribute("class")

"""app.web.url_template: url_for once, the id filled in per item (Python) or in the browser."""

import pytest
from flask import url_for

from app.web import ID_HOLE, url_template


def test_a_filled_template_is_the_url_for_that_id(app):
    with app.test_request_context():
        assert url_template("partners.show", "partner_id")(42) == url_for("partners.show", partner_id=42)
        quick = url_template("interactions.quick_log", "partner_id", compact=1, next="/dashboard?who=mine")
        assert quick(7) == url_for("interactions.quick_log", partner_id=7, compact=1, next="/dashboard?who=mine")
        path = url_template("referrals.path", "target_id", partner_id=3)
        assert path(9) == url_for("referrals.path", partner_id=3, target_id=9)


def test_scripts_get_the_template_with_the_hole(app):
    with app.test_request_context():
        assert str(url_template("referrals.nodes", "partner_id")) == f"/referrals/tree/{ID_HOLE}/nodes.json"


def test_only_integers_fill_the_hole(app):
    with app.test_request_context():
        template = url_template("partners.show", "partner_id")
        with pytest.raises(ValueError):
            template("1/../../settings")


def test_the_tree_page_hands_its_script_url_templates(app, logged_in, world):
    html = logged_in.get(f"/referrals/tree/{world.referrer.id}").get_data(as_text=True)
    assert f'data-nodes-url="/referrals/tree/{ID_HOLE}/nodes.json"' in html
    assert f'data-path-url="/referrals/tree/{world.referrer.id}/path/{ID_HOLE}.json"' in html
    assert f'data-partner-url="/partners/{ID_HOLE}"' in html
    assert f'href="/partners/{world.partner.id}"' in html  # the nested list, filled in the template


def test_rows_link_to_their_own_ids(app, logged_in, world):
    html = logged_in.get("/reminders/?who=all").get_data(as_text=True)
    reminder = world.reminder
    assert f'action="/reminders/{reminder.id}/complete"' in html
    assert f'href="/partners/{reminder.partner_id}/reminders"' in html

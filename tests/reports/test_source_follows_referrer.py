"""Going forward, no drift: a referrer given to a partner that had none makes a default source
"referral" wherever it is set (partner form, Referrals tab, API, merges), unless the user chose the
source; a source other than the default is never touched."""

from __future__ import annotations

from app.extensions import db
from app.services import referral_tree
from tests.conftest import make_partner


def _refer(workspace, partner, referrer, now, **kwargs):
    referral_tree.set_referrer(db.session, workspace.id, partner, referrer.id, now=now, **kwargs)
    db.session.commit()
    return partner.source


def test_a_referrer_makes_the_default_source_referral(workspace, now):
    anna = make_partner(workspace, name="Anna")
    assert _refer(workspace, make_partner(workspace, source="direct"), anna, now) == "referral"
    assert _refer(workspace, make_partner(workspace, source="event"), anna, now) == "event"
    assert _refer(workspace, make_partner(workspace, source="content"), anna, now, details=False) == "content"


def test_a_source_chosen_on_the_form_stays_and_a_changed_referrer_changes_nothing(workspace, now):
    anna, ben = make_partner(workspace, name="Anna"), make_partner(workspace, name="Ben")
    chosen = make_partner(workspace, source="direct")
    assert _refer(workspace, chosen, anna, now, details=False, source_chosen=True) == "direct"
    assert _refer(workspace, chosen, ben, now) == "direct"  # it had a referrer already: not a new one


def test_the_referrals_tab_sets_the_source(logged_in, workspace, db):
    anna, plain = make_partner(workspace, name="Anna"), make_partner(workspace, name="Plain", source="direct")
    response = logged_in.post(f"/partners/{plain.id}/referrals", data={"referred_by_id": str(anna.id)})
    assert response.status_code in (200, 302)
    db.session.expire_all()
    assert (plain.referred_by_id, plain.source) == (anna.id, "referral")

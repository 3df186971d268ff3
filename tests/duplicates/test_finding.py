"""find_duplicate_partners: each reason, what is never suggested, and the limits that keep it linear."""

from __future__ import annotations

from app.extensions import db
from app.services import duplicates
from app.services.duplicates import MAX_GROUP, find_duplicate_partners
from tests.conftest import make_contact, make_partner


def found(workspace, **kwargs):
    return {(p.a_id, p.b_id): p for p in find_duplicate_partners(db.session, workspace, **kwargs)}


def test_same_contact_email_case_insensitive(workspace):
    a = make_partner(workspace, name="Alpha")
    b = make_partner(workspace, name="Zulu")
    make_contact(a, email="anna@alpha.example")
    make_contact(b, email=" Anna@Alpha.Example ")
    pair = found(workspace)[(a.id, b.id)]
    assert pair.reason == "email" and pair.score == 100 and pair.shared == "anna@alpha.example"


def test_same_website_domain_and_contact_domain_at_a_website(workspace):
    a = make_partner(workspace, name="Alpha", website="https://www.alpha.example/about")
    b = make_partner(workspace, name="Bravo", website="alpha.example")
    c = make_partner(workspace, name="Charlie")
    make_contact(c, email="boss@alpha.example")
    pairs = found(workspace)
    assert pairs[(a.id, b.id)].reason == "domain" and pairs[(a.id, b.id)].shared == "alpha.example"
    assert pairs[(a.id, c.id)].reason == "domain" and pairs[(b.id, c.id)].reason == "domain"


def test_free_mail_and_shared_mail_domains_alone_are_no_reason(workspace):
    a = make_partner(workspace, name="Alpha")
    b = make_partner(workspace, name="Bravo")
    make_contact(a, email="one@gmail.com")
    make_contact(b, email="two@gmail.com")
    make_contact(a, email="x@example.com")
    make_contact(b, email="y@example.com")  # no partner's website is example.com
    assert found(workspace) == {}


def test_similar_names_with_score(workspace):
    a = make_partner(workspace, name="Müller & Söhne GmbH")
    b = make_partner(workspace, name="Muller Sohne")
    c = make_partner(workspace, name="Gardn Studio")
    d = make_partner(workspace, name="Garden Studio LLC")  # the typo is in the first word
    make_partner(workspace, name="Ocean Bakery")
    pairs = found(workspace)
    assert pairs[(a.id, b.id)].reason == "name" and pairs[(a.id, b.id)].score == 100
    assert pairs[(c.id, d.id)].reason == "name" and 90 <= pairs[(c.id, d.id)].score < 100
    assert len(pairs) == 2


def test_names_whose_numbers_differ_are_different_partners(workspace):
    make_partner(workspace, name="Studio 54")
    make_partner(workspace, name="Studio 55")
    assert found(workspace) == {}


def test_strongest_reason_first_and_each_pair_once(workspace):
    a = make_partner(workspace, name="Garden Studio", website="garden.example")
    b = make_partner(workspace, name="Garden Studio GmbH", website="garden.example")
    make_contact(a, email="anna@garden.example")
    make_contact(b, email="anna@garden.example")
    c = make_partner(workspace, name="Ocean Bakery")
    d = make_partner(workspace, name="Ocean Bakery Ltd")
    pairs = find_duplicate_partners(db.session, workspace)
    assert [(p.a_id, p.b_id, p.reason) for p in pairs] == [(a.id, b.id, "email"), (c.id, d.id, "name")]


def test_archived_and_merged_partners_are_never_suggested(workspace, now):
    a = make_partner(workspace, name="Garden Studio")
    make_partner(workspace, name="Garden Studio", archived_at=now)
    c = make_partner(workspace, name="Garden Studio")
    c.merged_into_id = a.id
    db.session.commit()
    make_contact(a, email="anna@garden.example")
    assert found(workspace) == {}


def test_another_workspaces_partner_is_never_paired(workspace, other):
    a = make_partner(workspace, name=other["partner"].name)
    make_contact(a, email=other["contact"].email)
    assert found(workspace) == {}
    assert found(other["workspace"]) == {}


def test_not_duplicates_is_remembered(workspace, user, now):
    a = make_partner(workspace, name="Garden Studio")
    b = make_partner(workspace, name="Garden Studio")
    assert (a.id, b.id) in found(workspace)
    duplicates.dismiss_pair(db.session, workspace.id, b.id, a.id, actor_id=user.id, now=now)
    db.session.commit()
    assert found(workspace) == {}
    duplicates.dismiss_pair(db.session, workspace.id, a.id, b.id, actor_id=user.id, now=now)  # idempotent
    db.session.commit()


def test_a_key_shared_by_too_many_partners_says_nothing(workspace):
    shared = [
        make_partner(workspace, name=f"Tenant {chr(65 + i)}{chr(75 + i)}x", website="host.example")
        for i in range(MAX_GROUP + 1)
    ]
    assert all(p.reason != "domain" for p in find_duplicate_partners(db.session, workspace))
    assert len(shared) == MAX_GROUP + 1


def test_limit(workspace):
    for n in range(5):
        make_partner(workspace, name=f"Twin Pair {chr(65 + n)}")
        make_partner(workspace, name=f"Twin Pair {chr(65 + n)}")
    assert len(find_duplicate_partners(db.session, workspace, limit=3)) == 3


def test_a_constant_number_of_queries(workspace, count_queries):
    for n in range(3):
        make_partner(workspace, name=f"Garden {n}")
    with count_queries() as small:
        find_duplicate_partners(db.session, workspace)
    for n in range(30):
        p = make_partner(workspace, name=f"Garden Twin {n}", website=f"g{n}.example")
        make_contact(p, email=f"x{n}@g{n}.example")
    with count_queries() as large:
        find_duplicate_partners(db.session, workspace)
    assert large.count == small.count <= 4  # partners, emails, dismissals (+ the expired workspace row)


def test_the_cache_reuses_pairs_until_something_changes(workspace, count_queries, now):
    cache = duplicates.PairCache(min_partners=1)
    a = make_partner(workspace, name="Garden Studio")
    b = make_partner(workspace, name="Garden Studio GmbH")
    c = make_partner(workspace, name="Ocean Bakery")
    assert [(p.a_id, p.b_id) for p in find_duplicate_partners(db.session, workspace, cache=cache)] == [(a.id, b.id)]
    with count_queries() as cached:
        assert len(find_duplicate_partners(db.session, workspace.id, cache=cache)) == 1
    assert cached.count == 3  # dismissals, and the fingerprint's two counts: no partner or contact rows read
    d = make_partner(workspace, name="Ocean Bakery Ltd")  # a new partner
    assert len(find_duplicate_partners(db.session, workspace.id, cache=cache)) == 2
    b.archived_at = now  # archived
    db.session.commit()
    assert [(p.a_id, p.b_id) for p in find_duplicate_partners(db.session, workspace.id, cache=cache)] == [(c.id, d.id)]
    make_contact(a, email="x@y.example")
    make_contact(c, email="X@Y.example")  # a new shared email
    assert find_duplicate_partners(db.session, workspace.id, cache=cache)[0].reason == "email"


def test_small_books_are_compared_afresh(workspace):
    cache = duplicates.PairCache()  # the default threshold
    make_partner(workspace, name="Garden Studio")
    make_partner(workspace, name="Garden Studio")
    assert len(find_duplicate_partners(db.session, workspace, cache=cache)) == 1
    assert cache._pairs == {}

"""What a search must find, and what it must not: the table of cases, on both engines."""

from __future__ import annotations

import pytest

from app.services.search import highlight, search
from tests.search.book import make_book

# query -> (must be found: (kind, book key) ..., must not be found: ...)
CASES = [
    ("garden", [("partner", "garden"), ("partner", "gardenia")], [("partner", "muller")]),
    ("gardn", [("partner", "garden")], []),  # one edit, 5+ letters
    ("consultng", [("partner", "garden")], []),
    ("GARDEN consult", [("partner", "garden")], [("partner", "gardenia")]),
    ("gar", [("partner", "garden"), ("partner", "gardenia")], []),  # prefix
    ("muller", [("partner", "muller"), ("partner", "mueller"), ("partner", "plain_muller")], []),
    ("mueller", [("partner", "muller"), ("partner", "mueller"), ("partner", "plain_muller")], []),
    ("Müller", [("partner", "muller"), ("partner", "mueller"), ("partner", "plain_muller")], []),
    ("strasse", [("partner", "strasse")], []),
    ("straßenbau", [("partner", "strasse")], []),
    ("мюллер", [("partner", "cyrillic")], [("partner", "muller")]),
    ("партнеры", [("partner", "cyrillic")], []),  # ё folds to е
    ("zoe", [("contact", "contact")], []),
    ("kowalsky", [("contact", "contact")], []),  # typo in a contact name
    ("zoe.k@garden.example", [("contact", "contact")], []),
    ("procurement", [("contact", "contact")], []),
    ("+49 30 8964 1234", [("contact", "contact")], []),
    ("030 896", [("contact", "contact")], []),
    ("030896", [("contact", "contact")], []),
    ("+49 30 896", [("contact", "contact")], []),
    ("rebrand", [("interaction", "interaction")], [("partner", "noted")]),  # only in a summary
    ("harvest", [("partner", "noted")], []),  # in the notes
    ("autumn", [("partner", "noprospects")], []),  # the no-prospects reason
    ("warehouse", [("deal", "deal")], []),
    ("hamburg", [("deal", "deal")], []),
    ("quarterly", [("reminder", "reminder")], []),
    ("bavaria", [("terms", "gardenia")], []),
    ("quince", [], [("partner", "archived")]),  # archived: only on request
    ("removed person", [], [("contact", "removed")]),
    ("zzzz", [], [("partner", "garden")]),
    ("%", [], [("partner", "garden")]),
    ("gard", [("partner", "garden")], []),  # 4 letters: a prefix, no typo tolerance needed
    ("gaden", [("partner", "garden")], []),
    ("garnde", [], [("partner", "garden")]),  # two edits away
]


def _found(results) -> set[tuple[str, int]]:
    return {(hit.kind, hit.id) for hit in results.hits}


def _key(book, kind, name):
    obj = book[name]
    return (kind, obj.id)  # terms: the id of the partner they live on


@pytest.mark.parametrize(("text", "wanted", "unwanted"), CASES, ids=[c[0] for c in CASES])
def test_quality(session, workspace, now, text, wanted, unwanted):
    book = make_book(workspace, now)
    found = _found(search(session, workspace.id, text, limit=20))
    for kind, name in wanted:
        assert _key(book, kind, name) in found, (text, name)
    for kind, name in unwanted:
        assert _key(book, kind, name) not in found, (text, name)


def test_archived_on_request(session, workspace, now):
    book = make_book(workspace, now)
    results = search(session, workspace.id, "quince", include_archived=True)
    assert [(h.kind, h.id, h.archived) for h in results.hits] == [("partner", book["archived"].id, True)]
    removed = search(session, workspace.id, "removed person", include_archived=True)
    assert ("contact", book["removed"].id) in _found(removed)


def test_ranking_exact_and_prefix_first_then_name_over_notes(session, workspace, now):
    book = make_book(workspace, now)
    hits = search(session, workspace.id, "garden").groups["partner"]
    assert [h.id for h in hits[:2]] == [book["garden"].id, book["gardenia"].id] or hits[0].title.startswith("Garden")
    # "garden" is also in the website of Garden Consulting, but the name match ranks first
    birch = search(session, workspace.id, "birch").groups["partner"]
    assert birch[0].id == book["noted"].id


def test_snippet_and_highlight(session, workspace, now):
    make_book(workspace, now)
    results = search(session, workspace.id, "harvest")
    hit = results.groups["partner"][0]
    assert hit.title == "Birch Studio" and "harvest festival" in hit.snippet
    assert ("harvest", True) in highlight(hit.snippet, results.terms)
    typo = search(session, workspace.id, "gardn")
    assert ("Garden", True) in highlight("Garden Consulting", typo.terms)
    accents = search(session, workspace.id, "muller")
    assert ("Müller", True) in highlight("Müller Bau GmbH", accents.terms)
    contact = search(session, workspace.id, "zoe").groups["contact"][0]
    assert contact.context == "Garden Consulting" and contact.snippet is None

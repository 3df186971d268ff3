"""app/services/matching.py: the normalisation and fuzzy matching the import preview and the
possible-duplicates page share."""

from __future__ import annotations

import pytest

from app.services.matching import (
    SIMILAR_NAME_SCORE,
    domain_of,
    email_key,
    fold,
    name_key,
    similar_names,
    similarity,
)


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Müller", "muller"),
        ("MULLER", "muller"),
        ("Straße", "strasse"),
        ("Ærø Ødegård", "aero odegard"),
        ("Łódź", "lodz"),
        ("Ёлка", "елка"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Müller & Söhne GmbH", "muller sohne"),
        ("Garden Studio LLC", "garden studio"),
        ("Garden Studio, Inc.", "garden studio"),
        ("ООО «Ромашка»", "ромашка"),
        ('ООО "Ромашка"', "ромашка"),
        ("АО Ромашка и партнёры", "ромашка партнеры"),
        ("  Café   Noir  ", "cafe noir"),
        ("GmbH", "gmbh"),  # nothing but a legal form: kept rather than empty
        ("", ""),
        (None, ""),
    ],
)
def test_name_key_drops_case_accents_punctuation_and_legal_forms(name, key):
    assert name_key(name) == key


def test_a_legal_form_alone_does_not_make_names_differ():
    assert name_key("Garden GmbH") == name_key("GARDEN LLC") == name_key("garden")


@pytest.mark.parametrize(
    ("email", "key"),
    [(" Anna@Garden.DE ", "anna@garden.de"), ("anna", None), ("", None), (None, None)],
)
def test_email_key(email, key):
    assert email_key(email) == key


@pytest.mark.parametrize(
    ("value", "domain"),
    [
        ("https://www.garden.de/about", "garden.de"),
        ("garden.de", "garden.de"),
        ("http://shop.garden.de", "shop.garden.de"),
        ("anna@garden.de", "garden.de"),
        ("anna@gmail.com", None),  # free mail says nothing about the company
        ("https://mail.ru", None),
        ("ivan@yandex.ru", None),
        ("localhost", None),
        ("", None),
        (None, None),
    ],
)
def test_domain_of(value, domain):
    assert domain_of(value) == domain


def test_similarity():
    assert similarity("garden studio", "garden studio") == 100
    assert similarity("garden studio", "studio garden") == 100  # word order ignored
    assert similarity("garden studio", "gardn studio") >= SIMILAR_NAME_SCORE  # one typo
    assert similarity("garden studio", "ocean bakery") < SIMILAR_NAME_SCORE
    assert similarity("", "garden") == 0.0


def test_similar_names_scores_best_first_and_limits():
    choices = {1: "garden studio", 2: "gardn studio", 3: "ocean bakery", 4: "garden studios", 5: "garden studio"}
    found = similar_names("garden studio", choices)
    ids = [i for i, _ in found]
    assert 3 not in ids
    assert set(ids) == {1, 2, 4, 5}
    scores = [score for _, score in found]
    assert scores == sorted(scores, reverse=True) and scores[0] == 100
    assert all(score >= SIMILAR_NAME_SCORE for score in scores)
    assert len(similar_names("garden studio", choices, limit=2)) == 2
    assert similar_names("", choices) == []


def test_names_whose_numbers_differ_are_never_similar():
    """ "Maple Kitchens 8" and "Maple Kitchens 49" score 90.9 letter by letter, but the numbers say two
    partners (branches, units, studios)."""
    assert similarity(name_key("Maple Kitchens 8"), name_key("Maple Kitchens 49")) == 0.0
    assert similarity(name_key("Studio 54"), name_key("Studio 54 GmbH")) == 100.0
    choices = {1: name_key("Harbor Media 7"), 2: name_key("Harbor Media 72"), 3: name_key("Harbr Media 72")}
    assert [ident for ident, _ in similar_names(name_key("Harbor Media 72"), choices)] == [2, 3]

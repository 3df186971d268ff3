"""scripts/screenshot.py names its files from the page, the language and desktop/phone."""

from __future__ import annotations

import argparse

import pytest

from scripts.screenshot import ROOT, shot_names


def _args(**given):
    values = {"out": None, "page": "partners", "path": None, "locale": "en", "width": [1280]}
    values.update(given)
    return argparse.Namespace(**values)


def test_the_default_shot_keeps_its_old_name():
    assert shot_names(_args()) == [(1280, ROOT / "docs" / "screenshot-partners.png")]


def test_a_desktop_and_a_phone_shot_in_a_language():
    shots = shot_names(_args(page="dashboard", locale="ru", width=[1280, 390]))
    assert shots == [
        (1280, ROOT / "docs" / "screenshot-dashboard-ru-desktop.png"),
        (390, ROOT / "docs" / "screenshot-dashboard-ru-phone.png"),
    ]


def test_two_phone_widths_are_told_apart_by_width():
    shots = shot_names(_args(page="partner", width=[390, 360]))
    assert [path.name for _w, path in shots] == [
        "screenshot-partner-en-phone-390.png",
        "screenshot-partner-en-phone-360.png",
    ]


def test_another_path_is_named_after_it():
    shots = shot_names(_args(path="/referrals/report", width=[390]))
    assert shots == [(390, ROOT / "docs" / "screenshot-referrals-report-en-phone.png")]


def test_out_names_a_single_shot_only(tmp_path):
    assert shot_names(_args(out=str(tmp_path / "x.png"))) == [(1280, tmp_path / "x.png")]
    with pytest.raises(SystemExit, match="one --width"):
        shot_names(_args(out=str(tmp_path / "x.png"), width=[1280, 390]))

"""Every API route, called with another workspace's ids and a token of `user`, answers exactly as
it does for an id that does not exist (a 404 problem; nothing leaks whether the id exists), and the
other workspace's data is untouched. Routes added by later resources are walked too."""

from __future__ import annotations

import pytest

from app.extensions import db
from tests.test_tenancy_walk import ID_FACTORIES, UNSAFE, Ctx, _build

pytestmark = pytest.mark.usefixtures("frozen_clock")
MISSING = 2_000_000_000


def _api_rules(app):
    rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("api_")]
    return sorted(rules, key=lambda r: (r.rule, r.endpoint))


def test_every_api_id_argument_is_registered(app):
    missing = sorted({(a, r.rule) for r in _api_rules(app) for a in r.arguments if a not in ID_FACTORIES})
    assert not missing, f"add a factory to ID_FACTORIES in tests/test_tenancy_walk.py: {missing}"


def test_other_workspace_ids_answer_as_missing_ones(app, api, other):
    walked, failures = 0, []
    for rule in _api_rules(app):
        names = sorted(rule.arguments)
        if not names:
            continue
        theirs = _build(Ctx(other["workspace"], other["user"]), names)
        for values in (theirs,):
            adapter = app.url_map.bind("localhost")
            url = adapter.build(rule.endpoint, values)
            absent = adapter.build(rule.endpoint, dict.fromkeys(names, MISSING))
            for method in [m for m in ("GET", *UNSAFE) if m in rule.methods]:
                kwargs = {"json": {}} if method in UNSAFE else {}
                answer, reference = api.open(method, url, **kwargs), api.open(method, absent, **kwargs)
                walked += 1
                if (answer.status_code, answer.get_json()) != (reference.status_code, reference.get_json()):
                    failures.append(f"{method} {url}: {answer.status_code} (a missing id: {reference.status_code})")
                elif answer.status_code not in (404, 422):
                    failures.append(f"{method} {url}: {answer.status_code}")
                elif method == "GET" and answer.status_code != 404:
                    failures.append(f"GET {url}: {answer.status_code}")
    assert walked > 10 and not failures, "\n".join(failures)
    db.session.expire_all()
    assert other["partner"].archived_at is None and other["contact"].removed_at is None

"""Schemathesis against the OpenAPI document: every operation, a bounded number of generated requests
each, made with a write token of a workspace that has one object of every kind — and with ids of
another workspace's objects mixed into the path parameters.

Each response must be no server error, match its documented status codes, content type, headers and
schema (schemathesis' checks), and a request naming another workspace's object must answer 404.
"""

from __future__ import annotations

import zlib

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from app import create_app
from config import TestingConfig
from tests.api.conftest import make_token
from tests.test_tenancy_walk import ID_FACTORIES, Ctx

EXAMPLES_PER_OPERATION = 6
# What the API promises about every answer. Left out on purpose: positive_data_acceptance (a request the
# schema allows may still break a business rule — a referral loop, a name already taken — and answer 422
# with the form's message) and negative_data_rejection / ignored_auth (this test rewrites the generated
# ids and always sends a valid token, which turns schemathesis' deliberately broken requests into valid ones).
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


def _document() -> dict:
    app = create_app(TestingConfig)
    return app.test_client().get("/api/v1/openapi.json").get_json()


schema = schemathesis.openapi.from_dict(_document())
schema.app = create_app(TestingConfig)  # selects the in-process transport; each test passes its own app


def _ids(ctx: Ctx, names) -> dict:
    for name in names:
        if name not in ctx.made:
            ctx.made[name] = ID_FACTORIES[name](ctx)
    return {name: ctx.made[name].id for name in names}


@pytest.fixture
def books(app, user, workspace, other, frozen_clock):
    """Ids of one object of every kind the API's paths name, in the user's and the other workspace,
    and the user's write token."""
    names = sorted(
        {
            argument
            for rule in app.url_map.iter_rules()
            if rule.endpoint.startswith("api_")
            for argument in rule.arguments
        }
    )
    mine = _ids(Ctx(workspace, user), names)
    theirs = _ids(Ctx(other["workspace"], other["user"]), names)
    return mine, theirs, make_token(user, workspace, name="schemathesis")


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    database=None,
    derandomize=True,  # the same examples on every run: a failure in CI is a failure here
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_api_keeps_its_document(case, app, user, workspace, books):
    mine, theirs, token = books
    # a third of the cases name the user's own objects, a third the other workspace's, the rest stay random
    foreign = []
    for name, value in list((case.path_parameters or {}).items()):
        pick = zlib.crc32(f"{case.operation.label}{name}{value}".encode()) % 3
        if name in mine and pick == 0:
            case.path_parameters[name] = mine[name]
        elif name in theirs and pick == 1:
            case.path_parameters[name] = theirs[name]
            foreign.append(name)
    response = case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, app=app, checks=CHECKS)
    # never a hint that it exists: the answer a missing id gets, or a refusal before the lookup (a
    # malformed body, a missing If-Match); schemathesis also probes undocumented methods (OPTIONS)
    if foreign and response.request.method == case.operation.method.upper():
        assert response.status_code in (400, 401, 404, 405, 422, 428, 429), (
            f"{case.operation.label} with another workspace's {foreign} answered {response.status_code} "
            f"({response.request.method} {response.request.url}, theirs: {theirs})"
        )

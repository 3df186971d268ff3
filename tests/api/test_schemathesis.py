"""Schemathesis against the OpenAPI document: a bounded number of generated requests per operation
(with a write token of `user`) must find no server error, no response that breaks its documented
schema, status code or content type."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import make_contact, make_partner

EXAMPLES_PER_OPERATION = 15
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]


@pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::ResourceWarning")
def test_schemathesis_finds_nothing(app, api, workspace):
    partner = make_partner(workspace, name="Fuzzed")
    referrer = make_partner(workspace, name="Fuzz Referrer")
    contact = make_contact(partner)
    # generated ids almost never exist (the 404s are walked in test_tenancy.py): aim at real ones
    real_ids = {"partner_id": partner.id, "contact_id": contact.id}
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = {"Authorization": f"Bearer {api.token}"}
    operations, examples = 0, 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(
            max_examples=EXAMPLES_PER_OPERATION,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case):
            nonlocal examples
            examples += 1
            if case.path_parameters:
                case.path_parameters = {k: real_ids.get(k, v) for k, v in case.path_parameters.items()}
            if isinstance(case.body, dict) and "referrer_id" in case.body:
                case.body["referrer_id"] = referrer.id
            case.call_and_validate(headers=headers, checks=CHECKS)  # raises on the first failure found

        run()
    assert operations >= 19
    print(f"schemathesis: {operations} operations, {examples} examples, no failure")

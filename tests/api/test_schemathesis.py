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
    make_contact(partner)
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    headers = {"Authorization": f"Bearer {api.token}"}
    operations, examples, failures = 0, 0, []
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
            try:
                case.call_and_validate(headers=headers, checks=CHECKS)
            except Exception as error:  # collect every operation's failures, then report them all
                failures.append(f"{case.operation.label}: {error}"[:2000])

        run()
    assert operations >= 19
    assert not failures, "\n\n".join(failures[:5])
    print(f"schemathesis: {operations} operations, {examples} examples, {len(failures)} failures")

"""The JSON API under /api/v1/: the same services as the pages, token auth, problem+json errors,
an OpenAPI 3.1 document generated from the code at /api/v1/openapi.json.

Why flask-smorest: it plugs into the existing app factory and blueprints (APIFlask would replace
the Flask class itself), it describes inputs and outputs with marshmallow schemas, which stay free
of Flask, so the webhook payloads (app/representations/) are the very shapes the API documents, and
it generates the OpenAPI 3.1 document through apispec.

Adding a resource (e.g. app/api/deals.py):

    from app.api.auth import ApiBlueprint              # auth, scope, rate limit, problem errors
    from app.api.pagination import ListArgs, keyset_page, page_schema
    from app.api.forms import validate_with            # the page's WTForms form on the JSON
    from app.api.writing import committing             # commit; ServiceError -> 422, race -> 409

    bp = ApiBlueprint("api_deals", __name__, url_prefix="/api/v1/deals", description="Deals")

    @bp.route("")
    class Deals(MethodView):
        @bp.arguments(DealListArgs, location="query")
        @bp.response(200, page_schema(DealSchema))
        def get(self, args): ...

then append `bp` to RESOURCES below. Look rows up with app.tenancy (`get_or_404_in_workspace`),
which answers 404 for another workspace's id; `g.workspace`, `g.membership`, `g.user` are the
token's. Output with the schemas of app/representations; input: a marshmallow schema per write
operation (types, for the docs), the rules from the form via validate_with.
"""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from app.api import commissions, contacts, dashboard, deals, interactions, partners, referrals, reminders, terms
from app.api.problems import PROBLEM_TYPE, ProblemSchema, route_misses_as_problems
from app.web import public

RESOURCES = [
    partners.bp,
    contacts.bp,
    referrals.bp,
    deals.bp,
    terms.bp,
    commissions.bp,
    interactions.bp,
    reminders.bp,
    dashboard.bp,
]


class OrchardApi(Api):
    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self):
        """Error responses are documented as what they are: problem details, application/problem+json."""
        content_type = self.DEFAULT_RESPONSE_CONTENT_TYPE
        self.DEFAULT_RESPONSE_CONTENT_TYPE = PROBLEM_TYPE
        try:
            super()._register_responses()
        finally:
            self.DEFAULT_RESPONSE_CONTENT_TYPE = content_type

    def _register_error_handlers(self):
        """The API blueprints answer their own errors (app/api/problems.py); the app's pages keep
        their HTML error pages."""


def init_api(app: Flask) -> Api:
    app.config.setdefault("API_TITLE", "Orchard API")
    app.config.setdefault("API_VERSION", "v1")
    app.config.setdefault("OPENAPI_VERSION", "3.1.0")
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    limit = app.config.get("API_RATE_LIMIT", "300 per minute")
    api = OrchardApi(
        app,
        spec_kwargs={
            "info": {
                "description": (
                    "Orchard's partner book for programs. Authenticate with a personal API token "
                    "(Settings → API tokens): `Authorization: Bearer orch_…`. A read token may only "
                    f"use GET. Rate limit per token: {limit} (then 429 with Retry-After). Errors are "
                    "RFC 9457 problem details (application/problem+json)."
                )
            },
            "security": [{"bearerAuth": []}],
        },
    )
    api.spec.components.security_scheme("bearerAuth", {"type": "http", "scheme": "bearer"})
    for blueprint in RESOURCES:
        api.register_blueprint(blueprint)
    document = app.view_functions["api-docs.openapi_json"]
    app.view_functions["api-docs.openapi_json"] = public(lambda: document())  # no token needed to read it
    route_misses_as_problems(app)
    from app.api.reference import bp as reference_bp

    app.register_blueprint(reference_bp)
    return api

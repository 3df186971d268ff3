"""Errors as RFC 9457 problem details (`application/problem+json`): `{type, title, status, detail,
errors?}`, `errors` being `{field: [messages]}` for a 422. Every error inside the API comes out this
way — aborts, webargs/marshmallow validation, ServiceError, Gone, a row deleted meanwhile — and an id
from another workspace is a 404 with the very body of a missing id."""

from __future__ import annotations

from typing import NoReturn

from flask import json, make_response, request
from flask_babel import gettext as _
from marshmallow import Schema, fields
from sqlalchemy.orm.exc import ObjectDeletedError
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from app.extensions import db
from app.services import Gone, ServiceError

PROBLEM_TYPE = "application/problem+json"


API_PREFIX = "/api/v1/"
# the codes an API blueprint answers itself (the app has HTML pages for some of them)
PAGE_ERROR_CODES = (400, 401, 403, 404, 405, 409, 412, 413, 415, 422, 428, 429, 500)


def _titles() -> dict[int, str]:
    return {
        400: _("Bad request"),
        401: _("Authentication required"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Method not allowed"),
        409: _("Conflict"),
        412: _("Precondition failed"),
        413: _("Too large"),
        415: _("Unsupported media type"),
        422: _("Invalid input"),
        428: _("Precondition required"),
        429: _("Too many requests"),
        500: _("Server error"),
    }


def _details() -> dict[int, str]:
    return {
        401: _("Send a valid API token: Authorization: Bearer <token>."),
        403: _("Only a workspace owner can do that."),
        404: _("There is nothing here. It may have been removed, or the id is wrong."),
        405: _("That method is not available on this resource."),
        422: _("Some fields are not valid."),
        429: _("Too many requests with this token. Wait and try again."),
        500: _("Something went wrong on our side."),
    }


def problem_response(status: int, title=None, detail=None, errors=None, headers=None):
    body = {
        "type": "about:blank",
        "title": str(title or _titles().get(status) or HTTP_STATUS_CODES.get(status, "Error")),
        "status": status,
        "detail": str(detail or _details().get(status) or title or HTTP_STATUS_CODES.get(status, "Error")),
    }
    if errors:
        body["errors"] = {field: [str(m) for m in messages] for field, messages in errors.items()}
    response = make_response(json.dumps(body), status)
    response.content_type = PROBLEM_TYPE
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


class Problem(HTTPException):
    """An HTTP error carrying its ready problem response (raised by `problem`)."""

    def __init__(self, response):
        super().__init__(response=response)
        self.code = response.status_code


def problem(status: int, title=None, detail=None, errors=None, headers=None) -> NoReturn:
    """Abort the request with a problem+json answer."""
    raise Problem(problem_response(status, title, detail, errors, headers))


def _flatten(messages) -> dict[str, list[str]]:
    """webargs' {location: {field: [..]}} (nested for nested fields) as {field: [messages]}."""
    flat: dict[str, list[str]] = {}

    def walk(prefix, value):
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list | tuple):
            flat.setdefault(prefix or "_schema", []).extend(str(v) for v in value)
        else:
            flat.setdefault(prefix or "_schema", []).append(str(value))

    for location_messages in messages.values():
        walk("", location_messages)
    return flat


def handle_http_exception(error: HTTPException):
    if error.code == 500:  # an unexpected error (Flask hands it over as InternalServerError)
        db.session.rollback()
    if isinstance(error, Problem):
        return error.response
    headers = {}
    if error.response is not None:  # e.g. Flask-Limiter's 429 with Retry-After
        headers = {k: v for k, v in error.response.headers.items() if k.lower() in ("retry-after", "www-authenticate")}
    if error.code == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    messages = getattr(error, "data", {}).get("messages") if isinstance(getattr(error, "data", None), dict) else None
    if error.code == 422 and messages:
        return problem_response(422, errors=_flatten(messages), headers=headers)
    return problem_response(error.code or 500, headers=headers)


def handle_service_error(error: ServiceError):
    db.session.rollback()
    if isinstance(error, Gone):
        return problem_response(404)
    if error.field:
        return problem_response(422, errors={error.field: [error.message]})
    return problem_response(422, detail=error.message)


def handle_deleted_meanwhile(error):
    db.session.rollback()
    return problem_response(404)


def register_handlers(blueprint) -> None:
    """The problem handlers of one API blueprint. Flask looks for a handler of the error's code
    first (the blueprint's, then the app's HTML page), then of its class: so each code the app
    answers with a page is registered here too."""
    blueprint.register_error_handler(HTTPException, handle_http_exception)
    for code in PAGE_ERROR_CODES:
        blueprint.register_error_handler(code, handle_http_exception)
    blueprint.register_error_handler(ServiceError, handle_service_error)
    blueprint.register_error_handler(ObjectDeletedError, handle_deleted_meanwhile)


def in_api() -> bool:
    return request.path.startswith(API_PREFIX)


def route_misses_as_problems(app) -> None:
    """A path under /api/v1/ that matches no route (404, 405) belongs to no blueprint: the app's
    HTML handler would answer; under the API prefix it is a problem instead."""
    for code in (404, 405):
        handlers = app.error_handler_spec[None][code]
        for cls, page_handler in list(handlers.items()):

            def either(error, page_handler=page_handler):
                return handle_http_exception(error) if in_api() else page_handler(error)

            handlers[cls] = either


class ProblemSchema(Schema):
    """An RFC 9457 problem, as every API error is answered."""

    type = fields.String(required=True, metadata={"description": 'A URI for the kind of problem ("about:blank").'})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "422: the messages of each invalid field."},
    )

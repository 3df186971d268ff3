"""Who calls the API: `Authorization: Bearer <token>` and nothing else.

Session cookies never authenticate here: the request's user (Flask-Login's `g._login_user`) is set
to the token's user, or to an anonymous user, before anything reads `current_user`. The scope is
enforced centrally: a read token may only use GET, HEAD and OPTIONS. Per-token rate limit:
`API_RATE_LIMIT` (default "300 per minute"), 429 with Retry-After.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from flask import current_app, g, request
from flask_babel import gettext as _
from flask_smorest import Blueprint

from app import database
from app.api.problems import problem, register_handlers
from app.extensions import csrf, db, limiter, login_manager
from app.services import audit
from app.web import now_utc

DEFAULT_RATE_LIMIT = "300 per minute"
TOUCH_EVERY = timedelta(minutes=1)
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="api"'}


def bearer_token() -> str | None:
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def rate_limit() -> str:
    return current_app.config.get("API_RATE_LIMIT", DEFAULT_RATE_LIMIT)


def rate_limit_key() -> str:
    """One bucket per token (its hash: the plaintext is never kept), per address without one."""
    token = bearer_token()
    if token is None:
        return f"api-ip:{request.remote_addr}"
    return "api-token:" + hashlib.sha256(token.encode()).hexdigest()


def authenticate_request():
    """before_request of every API blueprint: sets g.api_caller, g.user, g.workspace, g.membership."""
    from app.services.api_tokens import authenticate

    g._login_user = login_manager.anonymous_user()
    g.workspace = g.membership = None
    token = bearer_token()
    if token is None:
        problem(401, detail=_("Send an API token: Authorization: Bearer <token>."), headers=CHALLENGE)
    caller = authenticate(db.session, token, now_utc())
    if caller is None:
        problem(
            401,
            detail=_("This API token is unknown, revoked or expired."),
            headers={"WWW-Authenticate": 'Bearer realm="api", error="invalid_token"'},
        )
    g.api_caller = caller
    audit.set_actor(db.session, audit.Actor.of_token(caller.token, caller.user))  # cleared at teardown
    g._login_user = g.user = caller.user
    g.workspace, g.membership = caller.workspace, caller.membership
    if caller.workspace.require_two_factor and not caller.user.has_two_factor:  # as the pages send them to enrol
        problem(
            403,
            detail=_(
                "This workspace requires two-factor authentication: turn it on in Settings → Security, "
                "then this token works again."
            ),
        )
    if request.method not in database.SAFE_METHODS and caller.token.scope != "write":
        problem(403, detail=_("This token may only read. Create a token with the write scope to change data."))
    clean_json_body()
    if request.method in ("PUT", "PATCH") and not request.get_data(cache=True):
        # an empty body would otherwise read as "change nothing" and answer 200 to a mistake
        problem(422, detail=_("Send the changes as a JSON body."))
    return None


def record_use(response):
    """after_request: the token's last use, at most once a minute, in its own short write
    transaction (a GET's transaction is read-only on SQLite)."""
    from app.services.api_tokens import touch

    caller = g.get("api_caller")
    if caller is None:
        return response
    now = now_utc()
    last = caller.token.last_used_at
    if last is not None and now - last < TOUCH_EVERY:
        return response
    db.session.rollback()  # the route has committed what it wrote; end its transaction
    mode = database.begin_read_only_for("POST")
    try:
        touch(db.session, caller.token, now)
        db.session.commit()
    except Exception:  # a lost touch never fails the answer
        db.session.rollback()
        current_app.logger.exception("could not record the API token's use")
    finally:
        database.end_request(mode)
    return response


def _without_nul(value):
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [_without_nul(item) for item in value]
    if isinstance(value, dict):
        return {_without_nul(key): _without_nul(item) for key, item in value.items()}
    return value


def clean_json_body() -> None:
    """The JSON body as the pages' form fields are (app/input_cleaning.py): NUL characters dropped
    before any schema, form or service reads it. What cannot be read safely is a 400 here, not a 500
    later: nesting deeper than Python's parser goes, or text with lone surrogates (valid JSON, but not
    Unicode any database stores)."""
    if not request.is_json or not request.get_data(cache=True):
        return
    try:
        body = json.loads(request.get_data(cache=True))
        cleaned = json.dumps(_without_nul(body), ensure_ascii=False).encode("utf-8")
    except RecursionError:
        problem(400, detail=_("This JSON is nested too deeply to read."))
    except UnicodeEncodeError:
        problem(400, detail=_("Text in this JSON is not valid Unicode (a lone surrogate escape such as \\ud800)."))
    except ValueError:
        return  # malformed JSON: the argument parser answers it
    setattr(request, "_cached_data", cleaned)  # noqa: B010 (werkzeug's cache: what get_data() hands every later reader)


class ApiBlueprint(Blueprint):
    """A smorest Blueprint of the API (its name starts with `api_`): token auth and the scope
    before every view, the token's last use after it, the per-token rate limit, no CSRF (bearer
    tokens only) and problem+json errors."""

    def __init__(self, name: str, import_name: str, **kwargs):
        assert name.startswith("api_"), "API blueprint names start with api_ (the login hook skips them)"
        super().__init__(name, import_name, **kwargs)
        self.before_request(authenticate_request)
        self.after_request(record_use)
        register_handlers(self)
        csrf.exempt(self)
        # one bucket per token across every route of every API blueprint (a per-route limit would let a
        # token make the published number of requests on each route)
        limiter.shared_limit(rate_limit, scope="api", key_func=rate_limit_key)(self)

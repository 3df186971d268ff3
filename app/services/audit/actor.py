"""Who makes the changes a session flushes: kept in `session.info`, set per request (pages: the
logged-in user; API: the token), by the job runner (import and restore jobs) and by CLI commands.

`set_actor(session, actor)` takes an Actor or a function returning one (called only when a flush
has something to record, so a request that changes nothing pays nothing). Without one, the default
set once by the app (`set_default`) answers, else "system".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from app.messages import Text
from app.models.base import utcnow

KEY = "orchard_audit_actor"


@dataclass(frozen=True)
class Actor:
    kind: str  # "user" | "token" | "job" | "cli" | "system"
    label: str | Text  # a person's or a command's name as is; words (a token's, a job's) as a Text
    user_id: int | None = None
    token_id: int | None = None

    @classmethod
    def of_user(cls, user) -> Actor:
        return cls("user", user.name, user_id=user.id)

    @classmethod
    def of_token(cls, token, user) -> Actor:
        label = Text("API token “%(token)s” of %(user)s", token=token.name, user=user.name)
        return cls("token", label, user_id=user.id, token_id=token.id)

    @classmethod
    def of_job(cls, job) -> Actor:
        if job.kind.startswith("import."):
            label = Text("import job #%(id)s", id=str(job.id))
        elif "restore" in job.kind:
            label = Text("restore")
        else:
            label = Text("%(kind)s job #%(id)s", kind=job.kind, id=str(job.id))
        return cls("job", label, user_id=job.user_id)

    @classmethod
    def of_command(cls, command: str) -> Actor:
        return cls("cli", command)


SYSTEM = Actor("system", Text("system"))
ActorSource = Actor | Callable[[], Actor]
_defaults: dict[str, Callable] = {}


def set_actor(session, actor: ActorSource) -> None:
    session.info[KEY] = actor


def clear_actor(session) -> None:
    session.info.pop(KEY, None)


def set_default(actor: Callable[[], Actor | None], clock: Callable[[], datetime] | None = None) -> None:
    """The actor (and the clock) used when a session has none: the app's request or command."""
    _defaults["actor"] = actor
    if clock is not None:
        _defaults["clock"] = clock


def current_actor(session) -> Actor:
    source = session.info.get(KEY) or _defaults.get("actor")
    actor = source() if callable(source) else source
    return actor or SYSTEM


def now() -> datetime:
    clock = _defaults.get("clock")
    return clock() if clock is not None else utcnow()

"""Recording what the detection hands to the outbox (calls through to the real emit)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass
class Sent:
    type: str
    workspace_id: int
    data: dict
    occurred_at: datetime


class Recorder(list):
    def types(self) -> list[str]:
        return [s.type for s in self]

    def of(self, type_: str) -> list[Sent]:
        return [s for s in self if s.type == type_]

    def one(self, type_: str) -> Sent:
        found = self.of(type_)
        assert len(found) == 1, self.types()
        return found[0]


def record_emits(monkeypatch) -> Recorder:
    import app.services.webhooks as webhooks

    sent = Recorder()
    real = getattr(webhooks, "emit", None)

    def recording(session, *, workspace_id, type, data, occurred_at):
        sent.append(Sent(type, workspace_id, data, occurred_at))
        if real is not None:
            real(session, workspace_id=workspace_id, type=type, data=data, occurred_at=occurred_at)

    monkeypatch.setattr(webhooks, "emit", recording, raising=False)
    return sent

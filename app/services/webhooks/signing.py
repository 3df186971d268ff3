"""Standard Webhooks signing (webhook-id, webhook-timestamp, webhook-signature) with the
standardwebhooks package, and new endpoint secrets."""

from __future__ import annotations

import base64
import secrets
from datetime import datetime

from standardwebhooks import Webhook


def new_secret() -> str:
    return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()


def headers(secret: str, *, msg_id: str, payload: str, now: datetime) -> dict[str, str]:
    """The headers of one send: signed over `msg_id.timestamp.payload` at `now`."""
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(msg_id=msg_id, timestamp=now, data=payload),
        "Content-Type": "application/json",
        "User-Agent": "Orchard-Webhooks/1",
    }

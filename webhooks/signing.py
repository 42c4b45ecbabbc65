"""Standard Webhooks signatures (https://www.standardwebhooks.com/), with the
``standardwebhooks`` package: ``webhook-signature`` = ``v1,`` + base64(HMAC-SHA256(secret,
``{webhook-id}.{webhook-timestamp}.{body}``)), one per valid secret, space-separated."""

from __future__ import annotations

import base64
import datetime as dt
import json
import secrets

from standardwebhooks import Webhook

SECRET_PREFIX = "whsec_"
SECRET_BYTES = 32


def secret_generate() -> str:
    """A new signing secret: ``whsec_`` + base64 of 32 random bytes."""
    return SECRET_PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def headers_sign(*, msg_id: str, body: str, secrets_: list[str], at: dt.datetime) -> dict:
    """The three Standard Webhooks headers for ``body`` sent at ``at``, signed with each
    of ``secrets_`` (the current secret, and the previous one during a rotation)."""
    timestamp = int(at.timestamp())
    instant = dt.datetime.fromtimestamp(timestamp, dt.UTC)
    signatures = [
        Webhook(secret).sign(msg_id=msg_id, timestamp=instant, data=body) for secret in secrets_
    ]
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(timestamp),
        "webhook-signature": " ".join(signatures),
    }


def body_for(event) -> str:
    """The JSON body of an event's delivery (the same for every attempt and replay)."""
    return json.dumps(
        {
            "type": event.topic,
            "timestamp": event.occurred_at.astimezone(dt.UTC).isoformat().replace("+00:00", "Z"),
            "dealer": event.dealer.code if event.dealer_id else None,
            "data": event.payload,
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )

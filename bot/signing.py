"""HMAC-SHA256 signatures over a timestamp and a body, for outgoing webhooks and the generic
intake. Header: `X-Ticketbot-Signature: t=<unix seconds>,v1=<hex>`, where the hex digest is
HMAC-SHA256(secret, "<t>." + body). The timestamp lets a receiver refuse replays."""

import hashlib
import hmac

HEADER = "X-Ticketbot-Signature"
TOLERANCE = 300  # seconds a signature stays acceptable


def signature(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return f"t={timestamp},v1={mac.hexdigest()}"


def verify(secret: str, header: str | None, body: bytes, now: float,
           tolerance: int = TOLERANCE) -> bool:
    if not header:
        return False
    parts = dict(p.split("=", 1) for p in header.split(",") if "=" in p)
    stamp, given = parts.get("t", ""), parts.get("v1", "")
    if not stamp.isdigit() or abs(now - int(stamp)) > tolerance:
        return False
    expected = signature(secret, int(stamp), body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, given)

"""RFC 9457 problem documents for the intake (`application/problem+json`). The REST API has
its own; at merge both should be one module."""

from typing import Any

from starlette.responses import JSONResponse

TYPES = "https://ticketbot.invalid/problems/"


def problem(status: int, slug: str, title: str, detail: str,
            headers: dict[str, str] | None = None, **more: Any) -> JSONResponse:
    body = {"type": TYPES + slug, "title": title, "status": status, "detail": detail, **more}
    return JSONResponse(body, status_code=status, media_type="application/problem+json",
                        headers=headers)

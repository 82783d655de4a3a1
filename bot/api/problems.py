"""RFC 9457 problem documents: every error the API answers is one, as application/problem+json.

Raise `Problem` anywhere inside an endpoint wrapped by `bot.api.auth.protected`; it becomes
the response. `detail` is already in the reader's language (from the catalogs).
"""

from typing import Any

from starlette.responses import JSONResponse

MEDIA_TYPE = "application/problem+json"
TYPE_BASE = "/api/v1/problems/"  # a relative URI reference, as RFC 9457 allows


class Problem(Exception):
    def __init__(self, status: int, slug: str, title: str, detail: str | None = None,
                 headers: dict[str, str] | None = None, **extensions: Any) -> None:
        super().__init__(f"{status} {slug}: {detail or title}")
        self.status, self.slug, self.title, self.detail = status, slug, title, detail
        self.headers = headers or {}
        self.extensions = extensions

    def document(self) -> dict[str, Any]:
        body: dict[str, Any] = {"type": TYPE_BASE + self.slug, "title": self.title,
                                "status": self.status}
        if self.detail:
            body["detail"] = self.detail
        body.update(self.extensions)
        return body

    def response(self) -> JSONResponse:
        return problem_response(self.status, self.document(), self.headers)


def problem_response(status: int, document: dict[str, Any],
                     headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(document, status_code=status, headers=headers, media_type=MEDIA_TYPE)


# The problem document's schema, for the OpenAPI document.
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status"],
    "properties": {
        "type": {"type": "string"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "key": {"type": "string", "description": "the catalog key of a refusal"},
        "errors": {"type": "array", "items": {
            "type": "object", "required": ["field", "reason"],
            "properties": {"field": {"type": "string"}, "reason": {"type": "string"}}}},
    },
}

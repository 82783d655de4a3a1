"""The OpenAPI 3.1 document, built from the endpoint table and the very pydantic models the
handlers validate with (OpenAPI 3.1 schemas are JSON Schema 2020-12, which pydantic writes)."""

from functools import cache
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from bot.api.auth import SCOPES
from bot.api.endpoint import IDEMPOTENCY_KEY_MAX, Endpoint
from bot.api.problems import MEDIA_TYPE, PROBLEM_SCHEMA

_REF = "#/components/schemas/{model}"
_ALWAYS = {401: "no, wrong, expired or revoked token", 429: "too many requests for this token"}
_WHY = {400: "the body is not JSON", 403: "the token's scope or the person's permission",
        404: "no such ticket, person or team", 409: "a conflicting change, or a request with this "
        "Idempotency-Key still in flight", 413: "the body is too large",
        422: "a field or parameter is not valid, or chat would refuse it"}


def _problem(why: str) -> dict[str, Any]:
    return {"description": why,
            "content": {MEDIA_TYPE: {"schema": {"$ref": _REF.format(model="Problem")}}}}


def _models(table: list[Endpoint]) -> set[type[BaseModel]]:
    found: set[type[BaseModel]] = set()
    for e in table:
        if e.status != 204:
            found.add(e.response)
        if e.body is not None:
            found.add(e.body)
    return found


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema(ref_template=_REF)
    defs = schema.get("$defs", {})
    parameters = []
    for name, prop in schema["properties"].items():
        inline = _inline(prop, defs)
        parameters.append({"name": name, "in": "query", "required": False, "schema": inline,
                           **({"style": "form", "explode": True} if inline.get("type") == "array"
                              else {})})
    return parameters


def _inline(schema: Any, defs: dict[str, Any]) -> Any:
    """Query parameters carry their schemas inline: enums referenced from $defs are resolved."""
    if isinstance(schema, dict):
        ref = schema.get("$ref")
        if isinstance(ref, str):
            return _inline(defs[ref.rsplit("/", 1)[-1]], defs)
        return {k: _inline(v, defs) for k, v in schema.items()}
    if isinstance(schema, list):
        return [_inline(v, defs) for v in schema]
    return schema


def _operation(e: Endpoint) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string",
                                                                  "maxLength": 64}}
        for name in _path_names(e.path)]
    if e.query is not None:
        parameters += _query_parameters(e.query)
    responses: dict[str, Any] = {str(e.status): {
        "description": "done" if e.method == "POST" else "found",
        "content": {"application/json": {"schema": {"$ref": _REF.format(
            model=e.response.__name__)}}}}}
    if e.status == 204:
        responses = {"204": {"description": "done"}}
    for media in e.media:
        responses[str(e.status)]["content"][media] = {
            "schema": {"type": "string", **({"format": "binary"} if "sheet" in media else {})}}
    statuses = set(e.refusals) | set(_ALWAYS)
    if e.method == "POST":
        statuses |= {400, 413, 422}
        parameters.append({"name": "Idempotency-Key", "in": "header", "required": False,
                           "description": "a retry with the same key acts once and replays "
                                          "the first answer",
                           "schema": {"type": "string", "minLength": 1,
                                      "maxLength": IDEMPOTENCY_KEY_MAX}})
    for status in sorted(statuses):
        responses[str(status)] = _problem(_ALWAYS.get(status) or _WHY[status])
    operation: dict[str, Any] = {
        "operationId": e.operation, "summary": e.summary, "responses": responses,
        "security": [{"bearer": [e.scope]}], "x-scope": e.scope}
    if parameters:
        operation["parameters"] = parameters
    if e.body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": {"$ref": _REF.format(model=e.body.__name__)}}}}
    return operation


def _path_names(path: str) -> list[str]:
    return [part[1:-1] for part in path.split("/") if part.startswith("{")]


@cache
def _components(models: frozenset[type[BaseModel]]) -> dict[str, Any]:
    ordered = sorted(models, key=lambda model: model.__name__)
    _, schema = models_json_schema([(model, "validation") for model in ordered],
                                   ref_template=_REF)
    return {**schema.get("$defs", {}), "Problem": PROBLEM_SCHEMA}


def document(table: list[Endpoint]) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for e in table:
        paths.setdefault(e.path, {})[e.method.lower()] = _operation(e)
    return {
        "openapi": "3.1.0",
        "info": {"title": "ticketbot REST API", "version": "1",
                 "description": "Every endpoint runs the chat command of the same name as the "
                                "token's person, with chat's permissions. Errors are RFC 9457 "
                                "problem documents."},
        "servers": [{"url": "/api/v1"}],
        "paths": paths,
        "components": {
            "schemas": _components(frozenset(_models(table))),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "scopes: " + "; ".join(
                                               f"{k}: {v}" for k, v in SCOPES.items())}},
        },
    }

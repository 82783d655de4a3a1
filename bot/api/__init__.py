"""The REST API under /api/v1: token authentication, problem documents, the endpoints and their
OpenAPI document. Endpoints run chat's commands through the dispatcher, as the token's person."""

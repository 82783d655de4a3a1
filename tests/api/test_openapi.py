"""The OpenAPI 3.1 document: served without a token, built from the handlers' own models."""

from bot.api.routes import ACTIONS
from bot.api.schemas import TicketCreate
from tests.api.conftest import Api


async def test_the_document_lists_every_endpoint_with_its_models(api: Api) -> None:
    response = await api.client.get("/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["openapi"] == "3.1.0"
    for verb in ACTIONS:
        operation = doc["paths"][f"/tickets/{{key}}/{verb}"]["post"]
        assert operation["x-scope"] == "tickets:write"
        assert {"401", "403", "404", "413", "422", "429"} <= set(operation["responses"])
    create = doc["paths"]["/tickets"]["post"]["requestBody"]["content"]["application/json"]
    assert create["schema"]["$ref"] == "#/components/schemas/TicketCreate"
    schema = doc["components"]["schemas"]["TicketCreate"]
    assert schema["additionalProperties"] is False
    assert set(schema["properties"]) == set(TicketCreate.model_fields)
    names = {p["name"] for p in doc["paths"]["/tickets"]["get"]["parameters"]}
    assert {"status", "queue", "team", "assignee", "requester", "priority", "type",
            "category", "created_since", "updated_since", "text"} <= names

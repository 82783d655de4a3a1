"""The fake Stream gateway speaks the protocol the SDKs speak: credentials for a one-time ticket, frames
with string data, ACKs by messageId, redelivery of what was not ACKed."""

import json

import httpx
import pytest
import websockets

from tests.fakes.dingtalk_gateway import BOT_TOPIC, OPEN_PATH, FakeDingTalkGateway, robot_message


async def _open(fake: FakeDingTalkGateway, secret: str | None = None) -> httpx.Response:
    async with httpx.AsyncClient(base_url=fake.url) as client:
        return await client.post(OPEN_PATH, json={
            "clientId": fake.app_key, "clientSecret": secret or fake.app_secret,
            "subscriptions": [{"type": "CALLBACK", "topic": BOT_TOPIC}], "ua": "test", "localIp": ""})


async def test_a_ticket_for_the_right_credentials_opens_one_connection(
        fake_dingtalk_gateway: FakeDingTalkGateway) -> None:
    fake = fake_dingtalk_gateway
    assert (await _open(fake, secret="wrong")).status_code == 401
    opened = (await _open(fake)).json()
    assert set(opened) == {"endpoint", "ticket"}
    uri = f"{opened['endpoint']}?ticket={opened['ticket']}"
    async with websockets.connect(uri) as ws:
        connection = await fake.wait_connections(1)
        assert connection.subscriptions == [{"type": "CALLBACK", "topic": BOT_TOPIC}]
        data = robot_message(text="help", sender_staff_id="s1", sender_nick="n", conversation_id="cid1==")
        message_id = await fake.send_robot_message(data)
        frame = json.loads(await ws.recv())
        assert frame["type"] == "CALLBACK" and frame["headers"]["topic"] == BOT_TOPIC
        assert frame["headers"]["messageId"] == message_id
        assert json.loads(frame["data"]) == data  # data is JSON text, not an object
        assert fake.unacked() == [message_id]
    # Not ACKed: the next connection gets it again; the used ticket gets nothing.
    with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
        async with websockets.connect(uri):
            pass
    assert refused.value.response.status_code == 401
    opened = (await _open(fake)).json()
    async with websockets.connect(f"{opened['endpoint']}?ticket={opened['ticket']}") as ws:
        again = json.loads(await ws.recv())
        assert again["headers"]["messageId"] == message_id
        await ws.send(json.dumps({"code": 200, "headers": {"contentType": "application/json",
                                                          "messageId": message_id},
                                  "message": "OK", "data": json.dumps({"response": "OK"})}))
        ack = await fake.wait_ack(message_id)
    assert ack["code"] == 200 and fake.unacked() == []

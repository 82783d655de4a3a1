"""Files and images reach each platform as its API requires: Slack's external upload into a
channel, a thread or a DM; DingTalk's media upload then the robot's image or file message; the
console writes the file and shows its path."""

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.dingtalk.retrying import CallRetry
from bot.senders.console import ConsoleSender
from bot.senders.dingtalk import DingTalkSender
from bot.senders.slack import SlackSender
from notifications.senders import DeliveryError, OutgoingFile
from tests.fakes.dingtalk_openapi import GROUP_SEND_PATH, MEDIA_UPLOAD_PATH, FakeDingTalk
from tests.fakes.slack_web import FakeSlack
from tests.support.clock import FakeClock

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def chart(platform: str, address: str, thread: str | None = None) -> OutgoingFile:
    return OutgoingFile(platform, address, "trend.png", PNG, "每周工单", "IT 周报", thread=thread)


async def test_slack_uploads_into_the_thread_in_three_steps(fake_slack: FakeSlack) -> None:
    sender = SlackSender(AsyncWebClient(token=fake_slack.token, base_url=fake_slack.url))
    file_id = await sender.send_file(chart("slack", "C0LEADS", thread="1712345678.000100"))

    methods = [c.method for c in fake_slack.calls]
    assert methods == ["files.getUploadURLExternal", "upload", "files.completeUploadExternal"]
    asked = fake_slack.calls_to("files.getUploadURLExternal")[0].args
    assert (asked["filename"], int(asked["length"])) == ("trend.png", len(PNG))
    done = fake_slack.calls_to("files.completeUploadExternal")[0].args
    assert done["channel_id"] == "C0LEADS" and done["thread_ts"] == "1712345678.000100"
    assert done["initial_comment"] == "IT 周报"
    upload = fake_slack.uploads[file_id or ""]
    assert upload["data"] == PNG and upload["title"] == "每周工单"
    shared = fake_slack.messages("C0LEADS")[-1]
    assert shared["files"] == [file_id] and shared["thread_ts"] == "1712345678.000100"


async def test_slack_sends_a_file_to_a_person_in_their_dm(fake_slack: FakeSlack) -> None:
    sender = SlackSender(AsyncWebClient(token=fake_slack.token, base_url=fake_slack.url))
    export = OutgoingFile("slack", "U0BOB", "tickets-2026-11.csv", b"key\r\nIT-1\r\n", "2026-11")
    await sender.send_file(export)
    dm = fake_slack.im_channel("U0BOB")
    assert fake_slack.calls_to("files.completeUploadExternal")[0].args["channel_id"] == dm
    assert fake_slack.uploads[fake_slack.messages(dm)[-1]["files"][0]]["data"] == b"key\r\nIT-1\r\n"


async def test_slack_refusal_is_a_delivery_error(fake_slack: FakeSlack) -> None:
    sender = SlackSender(AsyncWebClient(token=fake_slack.token, base_url=fake_slack.url))
    fake_slack.outside("G0PRIVATE")
    with pytest.raises(DeliveryError):
        await sender.send_file(chart("slack", "G0PRIVATE"))
    assert not fake_slack.messages("G0PRIVATE")


@pytest.fixture
async def dingtalk(fake_dingtalk: FakeDingTalk) -> AsyncIterator[DingTalkSender]:
    async def no_wait(seconds: float) -> None:
        return None

    async with httpx.AsyncClient() as http:
        yield DingTalkSender(http, fake_dingtalk.url, fake_dingtalk.app_key,
                             fake_dingtalk.app_secret, fake_dingtalk.robot_code, FakeClock(),
                             retry=CallRetry(attempts=2), sleep=no_wait,
                             media_url=fake_dingtalk.url)


async def test_dingtalk_uploads_the_image_then_sends_it_as_an_image_message(
        dingtalk: DingTalkSender, fake_dingtalk: FakeDingTalk) -> None:
    media_id = await dingtalk.send_file(chart("dingtalk", "cidLEADS=="))

    upload = fake_dingtalk.calls_to(MEDIA_UPLOAD_PATH)[0]
    assert (upload.args["type"], upload.args["filename"]) == ("image", "trend.png")
    assert fake_dingtalk.media[media_id or ""]["data"] == PNG
    sent = fake_dingtalk.group_messages("cidLEADS==")
    assert [m["msgKey"] for m in sent] == ["sampleMarkdown", "sampleImageMsg"]
    assert sent[0]["msgParam"] == {"title": "每周工单", "text": "IT 周报"}
    assert sent[1]["msgParam"] == {"photoURL": media_id}


async def test_dingtalk_sends_a_spreadsheet_as_a_file_message_to_a_person(
        dingtalk: DingTalkSender, fake_dingtalk: FakeDingTalk) -> None:
    export = OutgoingFile("dingtalk", "staff-wang", "tickets-2026-11.xlsx", b"PK\x03\x04xlsx",
                          "2026-11")
    media_id = await dingtalk.send_file(export)
    assert fake_dingtalk.calls_to(MEDIA_UPLOAD_PATH)[0].args["type"] == "file"
    assert fake_dingtalk.user_messages("staff-wang")[0]["msgParam"] == {
        "mediaId": media_id, "fileName": "tickets-2026-11.xlsx", "fileType": "xlsx"}


async def test_dingtalk_refused_media_sends_no_message(
        dingtalk: DingTalkSender, fake_dingtalk: FakeDingTalk) -> None:
    bad = OutgoingFile("dingtalk", "cidLEADS==", "trend.exe", b"MZ", "x")
    with pytest.raises(DeliveryError):
        await dingtalk.send_file(bad)
    assert fake_dingtalk.calls_to(GROUP_SEND_PATH) == []


async def test_the_console_writes_the_file_and_shows_its_path(tmp_path: Path) -> None:
    lines: list[str] = []
    sender = ConsoleSender(lines.append, tmp_path)
    path = await sender.send_file(chart("console", "#leads"))
    assert _read(path) == PNG
    assert lines[-1] == f"  📎 每周工单: {tmp_path / 'trend.png'}"


def _read(path: str | None) -> bytes:
    return Path(path or "").read_bytes()

"""The signature recipe of docs/webhooks.md, and the organisation file's webhooks and intake."""

import hashlib
import hmac
from pathlib import Path

import pytest

from bot.orgfile import OrgFileError, load_org
from bot.signing import signature, verify
from tests.support.sla import FAST_ORG

BODY = b'{"id":"e1","type":"ticket.created"}'


def test_signature_is_hmac_sha256_over_timestamp_dot_body() -> None:
    header = signature("s3cret-s3cret-s3cret", 1_700_000_000, BODY)
    expected = hmac.new(b"s3cret-s3cret-s3cret", b"1700000000." + BODY, hashlib.sha256)
    assert header == f"t=1700000000,v1={expected.hexdigest()}"


@pytest.mark.parametrize(("body", "now", "ok"), [
    (BODY, 1_700_000_010, True),
    (BODY + b" ", 1_700_000_010, False),  # tampered
    (BODY, 1_700_000_301, False),  # too old: a replay
])
def test_verify(body: bytes, now: int, ok: bool) -> None:
    header = signature("s3cret-s3cret-s3cret", 1_700_000_000, BODY)
    assert verify("s3cret-s3cret-s3cret", header, body, now) is ok


@pytest.mark.parametrize("header", [None, "", "t=abc,v1=00", "v1=00", "t=1700000000"])
def test_verify_refuses_malformed_headers(header: str | None) -> None:
    assert not verify("s3cret-s3cret-s3cret", header, BODY, 1_700_000_000)


def _load(tmp_path: Path, extra: str) -> None:
    org = tmp_path / "org.yaml"
    org.write_text(FAST_ORG + extra, encoding="utf-8")
    load_org(org)


def test_unknown_events_and_unset_secrets_are_named(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NO_SUCH_SECRET", raising=False)
    with pytest.raises(OrgFileError) as unknown:
        _load(tmp_path, "webhooks:\n  - {name: crm, url: 'https://crm', secret: "
                        "0123456789abcdef, events: [ticket.exploded]}\n")
    assert "unknown events ['ticket.exploded']" in str(unknown.value)
    with pytest.raises(OrgFileError) as unset:
        _load(tmp_path, "webhooks:\n  - {name: crm, url: 'https://crm', "
                        "secret_env: NO_SUCH_SECRET, events: [ticket.created]}\n")
    assert "NO_SUCH_SECRET is not set" in str(unset.value)
    with pytest.raises(OrgFileError) as unsigned:
        _load(tmp_path, "webhooks:\n  - {name: crm, url: 'https://crm', "
                        "events: [ticket.created]}\n")
    assert "needs a secret" in str(unsigned.value)


def test_intake_section(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTAKE_SECRET", "from-the-environment")
    org = tmp_path / "org.yaml"
    org.write_text(FAST_ORG + "intake:\n  secret_env: INTAKE_SECRET\n  severities: {SEV1: P1}\n"
                   "  resolve: false\n", encoding="utf-8")
    loaded = load_org(org)
    assert loaded.intake.secret == "from-the-environment"
    assert loaded.intake.rules.severities["sev1"].value == "P1"
    assert loaded.intake.rules.resolve is False

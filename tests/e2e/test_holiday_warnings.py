"""Missing holiday data is loud: `config check` warns (exit code 0), `serve` logs it at start-up,
/readyz reports it beside its checks without failing them, and a gauge counts it."""

import logging
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.cli import config_check
from bot.holiday_check import readiness_details, warn_at_start
from bot.http import build_http
from bot.orgfile import load_org

DEC_2026 = datetime(2026, 12, 3, 12, 0, tzinfo=UTC)
SAMPLE = Path(__file__).resolve().parents[2] / "bot" / "sample_org.yaml"
MESSAGE = ("sla calendar 'shanghai': no holiday data for 2027 (holidays: china); its statutory "
           "holidays and make-up workdays would be ordinary days.")


def sample_with_2027(tmp_path: Path) -> Path:
    """The sample with its commented-out 2027 notice switched on, as an operator would."""
    text = SAMPLE.read_text(encoding="utf-8")
    commented = "      # official:\n      #   2027:\n      #     holidays"
    assert commented in text
    text = text.replace(commented, "      official:\n        2027:\n          holidays")
    text = text.replace("      #     workdays", "          workdays")
    path = tmp_path / "org.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_config_check_on_the_sample_warns_about_2027(capsys: pytest.CaptureFixture[str]) -> None:
    assert config_check(SAMPLE, DEC_2026) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].endswith(": OK — 10 people, 3 teams, 2 queues")
    assert len(lines) == 2 and lines[1].startswith("warning: " + MESSAGE)
    assert "official: {2027: {holidays: [...], workdays: [...]}}" in lines[1]


def test_the_samples_commented_notice_covers_2027(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert config_check(sample_with_2027(tmp_path), DEC_2026) == 0
    assert "warning" not in capsys.readouterr().out


def test_the_real_command_warns_and_exits_zero() -> None:
    # Whatever today is, chinese-calendar 1.11 knows no year after 2026: next year is missing.
    run = subprocess.run([sys.executable, "-m", "bot.cli", "config", "check", str(SAMPLE)],
                         capture_output=True, text=True, timeout=60, check=False)
    assert run.returncode == 0, run.stderr
    assert f"no holiday data for {datetime.now(UTC).year + 1}" in run.stdout


def test_serve_logs_each_gap_at_start(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="bot.holiday_check"):
        warn_at_start(load_org(SAMPLE).org.sla, DEC_2026)
    assert len(caplog.records) == 1 and caplog.records[0].getMessage().startswith(MESSAGE)


async def test_readyz_reports_missing_years_beside_its_checks_and_stays_ready() -> None:
    book = load_org(SAMPLE).org.sla

    async def ready() -> dict[str, bool]:
        return {"database": True, "schema": True}

    http = build_http(None, ready, details=lambda: readiness_details(book, DEC_2026))
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=http),
                                 base_url="http://ticketbot") as client:
        answer = await client.get("/readyz")
        metrics = (await client.get("/metrics")).text
    assert answer.status_code == 200
    body = answer.json()
    assert body["ready"] is True and body["checks"] == {"database": True, "schema": True}
    assert body["holidays"]["missing"] == [{"calendar": "shanghai", "source": "china",
                                            "year": 2027}]
    assert body["holidays"]["warnings"][0].startswith(MESSAGE)
    samples = [s for family in text_string_to_metric_families(metrics) for s in family.samples
               if s.name == "ticketbot_holiday_data_missing"]
    assert [(s.labels, s.value) for s in samples] == [({"calendar": "shanghai", "year": "2027"},
                                                       1.0)]


def test_a_covered_year_leaves_the_gauge(tmp_path: Path) -> None:
    from bot.metrics import HOLIDAY_DATA_MISSING

    warn_at_start(load_org(SAMPLE).org.sla, DEC_2026)
    assert readiness_details(load_org(sample_with_2027(tmp_path)).org.sla, DEC_2026) == {
        "holidays": {"missing": [], "warnings": []}}
    assert HOLIDAY_DATA_MISSING.collect()[0].samples == []

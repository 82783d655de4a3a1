"""The weekly digest job: per team with a `digest:` in the organisation file, the week's report
text and chart posted to the leads' channel, once per period across replicas and restarts.

Each tick, on every replica: for each team, the latest week due (workflows/digest.py); a claim
on (team, period) in `report_digests` (storage/digests.py) decides who posts it. The winner
composes the post and sends it through the platform senders' file capability; the platforms
already posted are recorded with the claim, so a retry after a partial failure posts only to
the others. A replica that dies after posting and before recording may post once more when
its lease runs out: the files API offers nothing to look an upload up by our key (see
docs/architecture.md, "Files and the outbox").
"""

import json
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from bot.bootstrap import App
from notifications.charts.kinds import Chart
from notifications.senders import OutgoingFile
from storage.digests import SqlDigestClaims
from storage.engine import session_factory
from workflows.digest import DigestWeek, latest_due
from workflows.organisation import Team
from workflows.reports.period import report_zone

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)  # longer than a post takes: three uploads, each bounded by timeouts
RETRY = timedelta(minutes=15)
MAX_ATTEMPTS = 5
INTERVAL_SECONDS = 300.0


@dataclass(frozen=True, slots=True)
class DigestPost:
    title: str  # DingTalk's message title; the first chart's caption
    text: str  # per platform: the report's words, escaped for it
    charts: tuple[Chart, ...]


Compose = Callable[[App, Team, DigestWeek, str, str], Awaitable[DigestPost]]


async def digest_tick(app: App, compose: Compose | None = None) -> list[str]:
    """Post every digest that is due and not yet posted; returns the teams posted now."""
    now = app.clock.now()
    claims = SqlDigestClaims(session_factory(app.engine))
    make = compose or _default_compose
    posted = []
    for team in app.loaded.org.teams.values():
        schedule = team.digest
        if schedule is None or not schedule.channels:
            continue
        week = latest_due(schedule, now, report_zone(app.loaded.org.tz, app.settings.tz))
        claim = await claims.claim(team.key, week.first.isoformat(), now, LEASE, MAX_ATTEMPTS)
        if claim is None:
            continue
        locale = schedule.locale or app.settings.locale
        done: dict[str, str] = dict(claim.refs)
        try:
            for platform, channel in schedule.channels.items():
                if platform in done:
                    continue  # posted by an earlier attempt of this claim
                sender = app.senders.get(platform)
                if sender is None or not hasattr(sender, "send_file"):
                    log.warning("digest of %s: no %s sender configured", team.key, platform)
                    done[platform] = "skipped: no sender"
                    continue
                post = await make(app, team, week, locale, platform)
                done[platform] = await _deliver(sender, platform, channel, post)
        except Exception as error:
            log.exception("digest of team %s for %s failed", team.key, week.first)
            await claims.failed(claim, now + RETRY, f"{type(error).__name__}: {error}",
                                json.dumps(done))
            continue
        if await claims.sent(claim, now, json.dumps(done)):
            posted.append(team.key)
    return posted


async def _deliver(sender: object, platform: str, channel: str, post: DigestPost) -> str:
    refs = []
    for index, chart in enumerate(post.charts):
        file = OutgoingFile(platform, channel, f"{chart.name}.png", chart.png, chart.title,
                            comment=post.text if index == 0 else None, comment_title=post.title)
        refs.append(str(await sender.send_file(file) or ""))  # type: ignore[attr-defined]
    return ",".join(refs)


async def _default_compose(app: App, team: Team, week: DigestWeek, locale: str,
                           platform: str) -> DigestPost:
    from bot.digest_compose import compose_digest

    return await compose_digest(app, team, week, locale, platform)

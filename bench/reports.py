"""The report's cost over many tickets, on PostgreSQL.

    python -m bench.reports [--tickets 1000000] [--months 60] [--runs 5] [--keep NAME]

Before measuring, the report facts job catches up (every ticket read once into
`report_facts` on the first run over a kept database, then only what changed); its time is
`facts_catch_up_s`. `--keep NAME` generates into database NAME and leaves it there; a later run with the same
`--keep NAME` (and the same `--tickets`/`--months`) reuses it instead of generating again
(441 s at 1M). Drop it by hand when done (`dropdb -h 127.0.0.1 -U postgres NAME`).

Generates `--tickets` tickets spread evenly over `--months` months up to November 2026 (ten
teams of five agents, 5,000 requesters), each with its audit lines as the use cases write them
(create, claim, sla_response, resolve, sla_stop, close; a rating on every third; the last 0.5%
still open), with set-based SQL (generate_series) in a scratch database (bench/_db.py, dropped
at exit). Then, for October 2026 (compared with September): a team's report and the whole
organisation's, through the real path (storage/reports.py loads the facts, build_report
computes every figure), median of `--runs` of the wall time and of the CPU time of this
process and of the database backend (on a shared machine the CPU times say more); the same
headline figures from one hand-written SQL aggregate; and the plans (EXPLAIN ANALYZE) of both.
Verdict: each report under 1 s.
"""

import argparse
import asyncio
import json
import os
import re
import resource
import statistics
import time
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import make_url

from bench._db import ADMIN_URL, _admin, fresh_database, migrate
from commands.ports import ReportQuery
from storage.engine import make_engine, session_factory
from storage.report_facts import catch_up
from storage.reports import CHUNK, candidates_statement, lines_statement, tickets_statement
from storage.unit_of_work import SqlUnitOfWorkFactory
from workflows.reports.metrics import Scope, build_report
from workflows.reports.period import Period

TZ = ZoneInfo("Asia/Shanghai")
PERIOD = Period("month", date(2026, 10, 1), TZ)
TEAMS, PER_TEAM, REQUESTERS = 10, 5, 5000
AGENTS = frozenset(f"agent{n}" for n in range(1, TEAMS * PER_TEAM + 1))

# Every ticket's times, from its number g: created evenly over the span, answered after
# (g % 90) minutes, resolved after (g % 40) hours, closed three days later.
_GENERATE = """
INSERT INTO people (id, handle, name, created_at)
SELECT g, CASE WHEN g <= {agents} THEN 'agent' || g ELSE 'user' || (g - {agents}) END,
       'Person ' || g, TIMESTAMPTZ '2020-01-01 00:00Z'
FROM generate_series(1, {agents} + {requesters}) g;
INSERT INTO queues (key, next_number) VALUES ('IT', {n});
CREATE TEMP TABLE gen AS
SELECT g, TIMESTAMPTZ '2026-12-01 00:00+08' - make_interval(secs => ({n} - g + 1) * {step}) AS created,
       (g % 90) AS answer_min, (g % 40) AS resolve_h, g > {n} - {n} / 200 AS open,
       1 + (g % {teams}) * {per_team} + (g / {teams}) % {per_team} AS agent
FROM generate_series(1, {n}) g;
INSERT INTO tickets (id, key, queue, number, title, description, type, category, priority,
                     status, requester_id, assignee_id, team, source, created_at, updated_at,
                     first_response_at, resolved_at, closed_at, sla_calendar, version,
                     sla_paused_business, sla_paused_total, sla_response_stage,
                     sla_resolution_stage, sla_fence)
SELECT g, 'IT-' || g, 'IT', g, 'Ticket ' || g, '', 'incident', 'cat' || (g % 5),
       CASE WHEN g % 3 = 0 THEN 'P2' ELSE 'P3' END,
       CASE WHEN open THEN 'in_progress' ELSE 'closed' END,
       {agents} + 1 + g % {requesters}, agent, 'team' || (g % {teams}), 'console', created,
       created, created + make_interval(mins => answer_min),
       CASE WHEN open THEN NULL ELSE created + make_interval(hours => resolve_h, mins => 95) END,
       CASE WHEN open THEN NULL ELSE created + make_interval(days => 3, hours => resolve_h) END,
       'shanghai', 0, 0, 0, 0, 0, 0
FROM gen;
SELECT setval(pg_get_serial_sequence('tickets', 'id'), {n});
INSERT INTO audit_events (ticket_id, at, actor_id, action, from_status, to_status, changes,
                          reason, source, internal)
SELECT g, created, {agents} + 1 + g % {requesters}, 'create', NULL, 'new',
       '{{}}'::json, NULL, 'console', false FROM gen
UNION ALL
SELECT g, created + make_interval(mins => answer_min), agent, 'claim', 'new', 'in_progress',
       json_build_object('assignee', json_build_array(NULL, 'agent' || agent)), NULL,
       'console', false FROM gen
UNION ALL
SELECT g, created + make_interval(mins => answer_min), agent, 'sla_response', NULL, NULL,
       json_build_object('used', json_build_array(NULL, answer_min * 60),
                         'met', json_build_array(NULL, answer_min <= 60)), NULL, 'console', true
FROM gen
UNION ALL
SELECT g, created + make_interval(hours => resolve_h, mins => 95), agent, 'resolve',
       'in_progress', 'resolved', '{{}}'::json, 'fixed', 'console', false FROM gen WHERE NOT open
UNION ALL
SELECT g, created + make_interval(hours => resolve_h, mins => 95), agent, 'sla_stop', NULL, NULL,
       json_build_object('used', json_build_array(NULL, resolve_h * 1800 + 5700),
                         'met', json_build_array(NULL, resolve_h < 24)), NULL, 'console', true
FROM gen WHERE NOT open
UNION ALL
SELECT g, created + make_interval(hours => resolve_h, mins => 125), {agents} + 1 + g % {requesters},
       'rate', NULL, NULL, json_build_object('csat', json_build_array(NULL, 1 + g % 5)),
       CASE WHEN g % 7 = 0 THEN 'thanks' END, 'console', false FROM gen WHERE NOT open AND g % 3 = 0
UNION ALL
SELECT g, created + make_interval(days => 3, hours => resolve_h), NULL, 'close', 'resolved',
       'closed', '{{}}'::json, NULL, 'system', false FROM gen WHERE NOT open;
ANALYZE;
"""

# The headline figures of one period, by hand: created, resolved, median and p90 business
# response and resolution, attainment of both clocks, CSAT average.
_AGGREGATE = """
WITH period AS (
  SELECT a.ticket_id, a.action, a.changes, t.team FROM audit_events a
  JOIN tickets t ON t.id = a.ticket_id
  WHERE a.at >= :start AND a.at < :end {team}
    AND a.action IN ('create', 'resolve', 'sla_response', 'sla_stop', 'rate'))
SELECT count(*) FILTER (WHERE action = 'create') AS created,
       count(DISTINCT ticket_id) FILTER (WHERE action = 'resolve') AS resolved,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY (changes->'used'->>1)::int)
         FILTER (WHERE action = 'sla_response') AS response_median,
       percentile_disc(0.9) WITHIN GROUP (ORDER BY (changes->'used'->>1)::int)
         FILTER (WHERE action = 'sla_response') AS response_p90,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY (changes->'used'->>1)::int)
         FILTER (WHERE action = 'sla_stop') AS resolution_median,
       avg(((changes->'met'->>1)::bool)::int) FILTER (WHERE action = 'sla_response')
         AS response_met,
       avg(((changes->'met'->>1)::bool)::int) FILTER (WHERE action = 'sla_stop')
         AS resolution_met,
       avg((changes->'csat'->>1)::int) FILTER (WHERE action = 'rate') AS csat
FROM period
"""


async def generate(url: str, n: int, months: int) -> float:
    engine = make_engine(url)
    step = months * 30.4 * 86400 / n
    began = time.perf_counter()
    async with engine.begin() as conn:
        await conn.execute(text("SET LOCAL statement_timeout = '30min'"))
        await conn.execute(text("ALTER TABLE audit_events DISABLE TRIGGER USER"))
        raw = await conn.get_raw_connection()
        await raw.driver_connection.execute(_GENERATE.format(  # type: ignore[union-attr]
            n=n, step=step, agents=TEAMS * PER_TEAM, requesters=REQUESTERS, teams=TEAMS,
            per_team=PER_TEAM))
        await conn.execute(text("ALTER TABLE audit_events ENABLE TRIGGER USER"))
    await engine.dispose()
    return time.perf_counter() - began


def _cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_SELF)
    return used.ru_utime + used.ru_stime


def _backend_cpu(pid: int) -> float:
    """CPU seconds of one PostgreSQL backend (loopback: the server is on this machine). Its
    parallel workers' are not included: only the candidates' scan has any (see the plans)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def one_report(uow: SqlUnitOfWorkFactory, teams: tuple[str, ...] | None,
                     summed: bool = True) -> tuple[tuple[float, float, float], Any]:
    """(wall, this process's CPU, the backend's CPU) of one report, and what it found."""
    async with uow() as work:
        pid = (await work.reports.session.execute(text("SELECT pg_backend_pid()"))).scalar()
        began, cpu, backend = time.perf_counter(), _cpu(), _backend_cpu(pid)
        facts = await work.reports.facts(ReportQuery(PERIOD.previous().start, PERIOD.end, teams),
                                         summed)
        report = build_report(facts, PERIOD, Scope(teams=frozenset(teams) if teams else None),
                              PERIOD.end, AGENTS)
        spent = (time.perf_counter() - began, _cpu() - cpu, _backend_cpu(pid) - backend)
    return spent, (len(facts), report)


async def explain(url: str, sql: str, params: dict[str, Any]) -> str:
    engine = make_engine(url)
    async with engine.connect() as conn:
        rows = await conn.execute(text("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql), params)
        plan = "\n".join(r[0] for r in rows)
    await engine.dispose()
    return plan


def _sql(statement: Any) -> str:
    return str(statement.compile(dialect=postgresql.dialect(),
                                 compile_kwargs={"literal_binds": True}))


async def plans(url: str, teams: tuple[str, ...] | None) -> str:
    """The plans of the report's three steps (the tickets and lines of the first chunk of
    CHUNK ids: the report reads them a chunk at a time)."""
    query = ReportQuery(PERIOD.previous().start, PERIOD.end, teams)
    engine = make_engine(url)
    async with engine.connect() as conn:
        found = sorted((await conn.execute(candidates_statement(query))).scalars())[:CHUNK]
        # The lines are read only for tickets without fresh plain facts (row[8]).
        kept = [row[0] for row in (await conn.execute(tickets_statement(query, found)))
                if not row[8]]
    await engine.dispose()
    steps = [("candidates", candidates_statement(query)),
             ("tickets with their report facts", tickets_statement(query, found))]
    if kept:
        steps.append(("lines (tickets without fresh plain facts)",
                      lines_statement(query, kept[:CHUNK])))
    text_ = "\n".join([f"-- {name}\n" + await explain(url, _sql(statement), {})
                       for name, statement in steps])
    # The id arrays, written out, are thousands of numbers long: say how many instead.
    return re.sub(r"'\{[0-9,]+\}'", lambda m: f"'{{{m[0].count(',') + 1} ids}}'", text_)


async def aggregate(url: str, team: str | None, runs: int) -> tuple[float, dict[str, Any], str]:
    sql = _AGGREGATE.format(team="AND t.team = :team" if team else "")
    params: dict[str, Any] = {"start": PERIOD.start, "end": PERIOD.end}
    if team:
        params["team"] = team
    engine = make_engine(url)
    times, row = [], None
    async with engine.connect() as conn:
        for _ in range(runs):
            began = time.perf_counter()
            row = (await conn.execute(text(sql), params)).mappings().one()
            times.append(time.perf_counter() - began)
    await engine.dispose()
    return statistics.median(times), dict(row or {}), await explain(url, sql, params)


async def _kept(name: str) -> tuple[str, bool]:
    """The URL of database `name`, and whether it holds a generated dataset already."""
    exists = await _admin(f"SELECT 1 FROM pg_database WHERE datname = '{name}'")
    if not exists:
        await _admin(f'CREATE DATABASE "{name}"')
    url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    if not exists:
        return url, False
    engine = make_engine(url)
    async with engine.connect() as conn:
        filled = (await conn.execute(text("SELECT count(*) FROM tickets"))).scalar()
    await engine.dispose()
    return url, bool(filled)


async def backfill(url: str) -> float:
    """The report facts job's catching up (the first reading of every ticket, then the lines
    after its mark), step after step as the scheduler runs it, until nothing is left."""
    engine = make_engine(url)
    began = time.perf_counter()
    while True:
        async with engine.begin() as conn:
            if not await catch_up(conn):
                break
    await engine.dispose()
    return time.perf_counter() - began


async def run(n: int, months: int, runs: int, keep: str | None = None, trail: bool = False
              ) -> dict[str, Any]:
    url, filled = await _kept(keep) if keep else (await fresh_database(), False)
    await asyncio.to_thread(migrate, url)  # a kept database gets any newer index too
    generated = 0.0 if filled else await generate(url, n, months)
    engine = make_engine(url)
    uow = SqlUnitOfWorkFactory(session_factory(engine))
    out: dict[str, Any] = {"tickets": n, "months": months, "generate_s": round(generated, 1),
                           "facts_catch_up_s": round(await backfill(url), 1)}
    for name, teams in (("team", ("team3",)), ("organisation", None)) if runs else ():
        await one_report(uow, teams, not trail)  # warm the cache once
        samples = [await one_report(uow, teams, not trail) for _ in range(runs)]
        seconds = statistics.median(s[0] for s, _ in samples)
        cpu = statistics.median(s[1] for s, _ in samples)
        backend = statistics.median(s[2] for s, _ in samples)
        loaded, report = samples[0][1]
        c = report.current
        by_hand, row, hand_plan = await aggregate(url, teams[0] if teams else None, runs)
        out[name] = {
            "median_s": round(seconds, 3), "client_cpu_s": round(cpu, 3),
            "backend_cpu_s": round(backend, 3), "tickets_loaded": loaded,
            "created": c.created, "resolved": c.resolved,
            "response_median": c.response.business.median,
            "response_p90": c.response.business.p90,
            "resolution_median": c.resolution.business.median,
            "response_met": c.response_sla.percent, "resolution_met": c.resolution_sla.percent,
            "csat": c.csat.average,
            "sql_aggregate_s": round(by_hand, 3), "sql_figures": {k: float(v) if v is not None
                                                                  else None
                                                                  for k, v in row.items()},
            "ratio": round(seconds / by_hand, 1),
            "under_1s": seconds < 1.0,
        }
        out[name + "_plan"] = await plans(url, teams)
        out[name + "_sql_plan"] = hand_plan
    await engine.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=60)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", metavar="NAME", help="generate into NAME once, then reuse it")
    parser.add_argument("--generate-only", action="store_true", help="with --keep: stop there")
    parser.add_argument("--from-trail", action="store_true",
                        help="read every ticket from its audit lines, not its report facts")
    args = parser.parse_args()
    result = asyncio.run(run(args.tickets, args.months, 0 if args.generate_only else args.runs,
                             args.keep, args.from_trail))
    plans = {k: result.pop(k) for k in list(result) if k.endswith("plan")}
    print(json.dumps(result, indent=2, default=str))
    for name, plan in plans.items():
        print(f"\n--- {name}\n{plan}")


if __name__ == "__main__":
    main()

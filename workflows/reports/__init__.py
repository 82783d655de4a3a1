"""Service reports: figures for a period computed from the audit trail and the SLA records.

Public surface (stable; other parts build charts, files and digests on it):

- `facts.TicketFacts`, `facts.Event`: what storage loads for one ticket (its audit lines).
- `period.Period`, `period.parse_period(words, now, tz)`: a calendar period and its predecessor.
- `metrics.build_report(facts, period, scope, now) -> Report`: a pure function; `Report` holds
  `current` and `previous` `Figures`, per-agent rows, breakdowns by priority and category, a
  weekly created-vs-resolved series and the resolution times for a distribution.
"""

"""Storage never reads the wall clock: times come from the caller's injected clock, or from the
database's own `now()` where replicas must agree (claims). A guard over storage/*.py."""

import ast
from pathlib import Path

import storage

WALL_CLOCK = {("datetime", "now"), ("datetime", "utcnow"), ("datetime", "today"),
              ("date", "today"), ("time", "time"), ("time", "time_ns")}


def wall_clock_reads(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            if (node.value.id, node.attr) in WALL_CLOCK:
                found.append(f"line {node.lineno}: {node.value.id}.{node.attr}")
        elif isinstance(node, ast.ImportFrom) and node.module == "time":
            found += [f"line {node.lineno}: from time import {a.name}" for a in node.names
                      if ("time", a.name) in WALL_CLOCK]
    return found


def test_no_storage_module_reads_the_wall_clock() -> None:
    root = Path(storage.__file__).parent
    offenders = {str(path.relative_to(root)): reads for path in sorted(root.rglob("*.py"))
                 if "migrations" not in path.parts
                 and (reads := wall_clock_reads(path.read_text(encoding="utf-8")))}
    assert offenders == {}


def test_the_guard_sees_the_usual_spellings() -> None:
    assert wall_clock_reads("from datetime import datetime, UTC\nx = datetime.now(UTC)\n")
    assert wall_clock_reads("import time\nx = time.time()\n")
    assert wall_clock_reads("x = datetime.utcnow()\n")
    assert not wall_clock_reads("import time\nx = time.monotonic()\n")  # intervals, not instants

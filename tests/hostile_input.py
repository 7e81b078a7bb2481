"""Hostile input (issue 7, part 3): helpers for the test_hostile_*.py files, which drive the public entry
points end to end with the inputs an attacker or a careless user sends; each case gets a clear message and changes
nothing.

Bad design files through ``validate`` and ``library import`` (exit 2, one line per problem, library untouched:
test_hostile_bad_files), oversized, huge and deeply nested files (test_hostile_sizes), hostile labels in every
output format (test_hostile_labels), hostile search strings (test_hostile_search), odd file names on import and
export (test_hostile_file_names), and property tests over the loader and the command line
(test_hostile_properties). The unit tests of each module (test_io, test_model, test_render*, test_report*,
test_store*, test_library_cli) check the functions one by one.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from mlsd.cli import main

ROOT = Path(__file__).resolve().parent.parent
# What must never reach a terminal or a viewer raw: C0/C1 controls (but newline), bidi embeddings, overrides and
# isolates, line/paragraph separators, lone surrogates.
RAW_CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def cli(*argv: str | Path) -> tuple[int, str, str]:
    """Run ``python -m mlsd`` in process: (exit code, stdout, stderr). Both streams must encode as UTF-8, as a
    real terminal or pipe demands (a StringIO would accept a lone surrogate that crashes the real CLI)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stderr(err):
        code = main([str(a) for a in argv], out=out)
    text, problems = out.getvalue(), err.getvalue()
    text.encode("utf-8")
    problems.encode("utf-8")
    return code, text, problems


def mlsd(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mlsd", *map(str, args)], capture_output=True, text=True, cwd=ROOT,
                          timeout=180, check=False, encoding="utf-8")


def fingerprint(db: Path) -> dict[str, str]:
    """sha256 of the database file and of its WAL / rollback journal, for those that exist."""
    files = (db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-journal"))
    return {f.name: hashlib.sha256(f.read_bytes()).hexdigest() for f in files if f.exists()}


def library_state(db: Path) -> tuple[dict[str, str], list[Any], list[Any]]:
    """Everything a write could change: the files' hashes, the designs listed, and the trash."""
    prints = fingerprint(db)
    code, listed, err = cli("library", "list", "--format", "json", "--db", db)
    assert code == 0, err
    code, trash, err = cli("library", "list", "--trash", "--format", "json", "--db", db)
    assert code == 0, err
    return prints, json.loads(listed), json.loads(trash)


def block(block_id: str, kind: str = "cache", **fields: Any) -> dict[str, Any]:
    return {"id": block_id, "kind": kind, **fields}


def design_dict(**fields: Any) -> dict[str, Any]:
    """A small valid design as plain data; ``fields`` replace top-level fields."""
    data: dict[str, Any] = {
        "format": "mlsd/1",
        "name": "Hostile input target",
        "tags": ["recsys"],
        "requirements": {"sla_p99_ms": 200, "peak_qps": 1000},
        "components": [
            block("gw", "api_gateway", label="Gateway", props={"replicas": 3}),
            block("inf", "online_inference", label="Ranker", props={"p99_ms": 40, "fallback": True},
                  position={"x": 260, "y": 0}),
            block("kv", "kv_store", label="Features"),
        ],
        "connections": [
            {"id": "c1", "source": "gw", "target": "inf", "flow": "request"},
            {"id": "c2", "source": "inf", "target": "kv", "flow": "request", "label": "lookup"},
        ],
        "waivers": [{"rule": "REL-1", "components": ["gw"], "reason": "single region by policy"}],
        "notes": "Some *notes*.",
    }
    data.update(fields)
    return data


def with_blocks(*blocks: dict[str, Any], connections: list[dict[str, Any]] | None = None, **fields: Any) -> str:
    return json.dumps(design_dict(components=list(blocks), connections=connections or [], waivers=[], **fields))

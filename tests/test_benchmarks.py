"""benchmarks/run.py: its JSON line carries every figure the proof asks for, and misses are reported as misses.

The timings themselves are never asserted; ``measure`` is replaced by fixed figures to test the reporting.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from benchmarks import run

REQUIRED = ["validate_ms", "ramp_ms", "what_if_ms", "simulation_ms", "render_dot_ms", "store_save_ms", "store_open_ms",
            "store_search_ms", "board_rerun_ms", "hello_rerun_ms", "size_ms", "cli", "cli_floor_ms",
            "cli_validate_ms", "cli_json_mb"]


def figures(**changes: Any) -> dict[str, Any]:
    out: dict[str, Any] = {
        "validate_ms": {"100": 9.0, "1000": 70.0, "10000": 1100.0},
        "analysis_ms": {"100": 5.0, "1000": 30.0, "10000": 250.0},
        "load_ms": {"100": 2.0, "1000": 20.0, "10000": 400.0},
        "ramp_ms": 150.0, "what_if_ms": 80.0, "simulation_ms": 7000.0,
        "render_dot_ms": 9.5,
        "size_ms": {"40": 400.0, "1000": 9000.0}, "size_evaluations": {"40": 30, "1000": 200},
        "store_open_ms": 0.4, "store_search_ms": 0.5, "store_list_ms": 0.7, "store_save_ms": 4.5,
        "store_facts": {"designs": 10_000},
        "board_rerun_ms": 40.0, "board_script_ms": 33.0, "hello_rerun_ms": 2.0,
        **run.cli_figures(cli_table()),
    }
    out.update(changes)
    return out


def cli_table(ms: float = 200.0, json_bytes: int = 2_500_000) -> dict[str, Any]:
    """What ``cli_bench.measure`` returns: every size and format under its targets unless told otherwise."""
    row = {"median_ms": ms, "min_ms": ms, "cpu_ms": ms, "bytes": 1_000}
    validate = {n: {fmt: dict(row) for fmt in ("text", "json", "sarif", "junit")} for n in ("10", "1000", "10000")}
    validate["10000"]["json"]["bytes"] = json_bytes
    return {"floor_ms": 10.0, "version_ms": 40.0, "validate": validate}


def run_main(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], results: dict[str, Any],
             *args: str) -> tuple[str, dict[str, Any]]:
    monkeypatch.setattr(run, "measure", lambda designs, quick: results)
    assert run.main(["--json", *args]) == 0
    out = capsys.readouterr().out
    return out, json.loads(out.strip().splitlines()[-1])


def test_the_json_line_has_every_required_figure(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    out, data = run_main(monkeypatch, capsys, figures())
    assert all(key in data for key in REQUIRED)
    assert set(data["validate_ms"]) == {"100", "1000", "10000"}
    assert data["missed"] == []
    assert set(data["size_ms"]) == {"40", "1000"}
    assert "15 of 15 targets met" in out
    assert data["cli_validate_ms"] == {"10": 200.0, "1000": 200.0, "10000": 200.0}
    assert data["machine"]["cpus"] and data["machine"]["python"]


def test_a_missed_target_is_named_in_the_table_and_the_json(monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    slow = figures(validate_ms={"100": 9.0, "1000": 101.0, "10000": 1100.0}, board_rerun_ms=151.0,
                   size_ms={"40": 2500.0, "1000": 9000.0})
    out, data = run_main(monkeypatch, capsys, slow, "--markdown")
    assert data["missed"] == ["validate_ms.1000", "size_ms.40", "board_rerun_ms"]
    assert "12 of 15 targets met; MISSED: validate_ms.1000, size_ms.40, board_rerun_ms" in out
    assert "| size (cheapest that holds), 40 blocks | 2500.0 ms | ≤ 2000 ms ✗ missed |" in out
    assert "| rules + analysis, 1,000 blocks | 101.0 ms | ≤ 100 ms ✗ missed |" in out
    assert "| board page rerun, 100 blocks | 151.0 ms | ≤ 150 ms ✗ missed |" in out
    assert "| full-text search | 0.5 ms | ≤ 50 ms ✓ |" in out


def test_the_slowest_format_and_the_json_size_decide_the_cli_targets(monkeypatch: pytest.MonkeyPatch,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    cli = cli_table(json_bytes=12_100_000)
    cli["validate"]["10"]["sarif"]["median_ms"] = 260.0  # one format over: the size misses
    out, data = run_main(monkeypatch, capsys, figures(**run.cli_figures(cli)), "--markdown")
    assert data["missed"] == ["cli_validate_ms.10", "cli_json_mb.10000"]
    assert data["cli"]["validate"]["10"]["sarif"]["median_ms"] == 260.0  # the full table is in the JSON line
    assert "| mlsd validate, 10 blocks (slowest format) | 260.0 ms | ≤ 250 ms ✗ missed |" in out
    assert "| mlsd validate JSON report, 10,000 blocks | 12.1 MB | ≤ 3 MB ✗ missed |" in out


def test_the_ratio_of_the_board_to_a_bare_page_is_shown(monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    out, _ = run_main(monkeypatch, capsys, figures(board_rerun_ms=50.0, hello_rerun_ms=2.5))
    assert "board rerun / bare page rerun: 20.0x" in out

"""What the fixes cost on a large design: the Board's first script run after importing it, and ``validate --fix``.

Run from the repository root: ``python -m benchmarks.fixes_bench [--blocks 1000] [--json]``. Printed, in ms:
- ``board_import_run_ms``: the AppTest run of the board (through ``app.py``) in which a synthetic design
  (``benchmarks.synthetic``) is imported from "Import / export" (the findings panel and the Fixes box drawn, box
  closed; its CPU time as ``board_import_cpu_ms``), then ``board_next_run_ms`` and ``board_box_open_ms`` (the
  run that opens the Fixes box, which makes the edits of the offers it lists);
- ``cli_fix_ms`` and ``cli_unsafe_fix_ms``: ``python -m mlsd validate --fix [--unsafe-fixes]`` on a copy of the
  same design, wall clock of the process.
Nothing is asserted; on a shared machine the figures are noisy.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import streamlit.runtime.scriptrunner.script_runner as script_runner
from streamlit.testing.v1 import AppTest

from benchmarks.synthetic import synthetic_design
from mlsd.io import dumps, load_design

ROOT = Path(__file__).resolve().parent.parent
_RUNS: list[tuple[float, float]] = []  # (wall, CPU) of each script run, ms
_original_exec = script_runner.exec_func_with_error_handling


def _timed_exec(func: object, ctx: object) -> object:
    start, cpu = time.perf_counter(), time.thread_time()
    try:
        return _original_exec(func, ctx)  # type: ignore[arg-type]
    finally:
        _RUNS.append(((time.perf_counter() - start) * 1e3, (time.thread_time() - cpu) * 1e3))


def board(text: str) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["MLSD_DB"] = str(Path(tmp) / "library.db")
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=300)
        at.run()
        at.switch_page("pages/board.py").run()
        at.session_state["board.bottom"] = "Import / export"
        at.run()
        script_runner.exec_func_with_error_handling = _timed_exec
        try:
            _RUNS.clear()
            at.file_uploader(key="board.import.file").set_value(("d.json", text.encode(), "application/json")).run()
            imported = _RUNS[-1]
            at.run()
            nxt = _RUNS[-1]
            at.session_state["board.fix.box"] = True
            at.run()
            box = _RUNS[-1]
        finally:
            script_runner.exec_func_with_error_handling = _original_exec
        if at.exception:
            raise RuntimeError(f"the page raised: {[e.value for e in at.exception]}")
    return {"board_import_run_ms": imported[0], "board_import_cpu_ms": imported[1], "board_next_run_ms": nxt[0],
            "board_box_open_ms": box[0]}


def cli(text: str, *flags: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "design.json"
        path.write_text(text, encoding="utf-8")
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "mlsd", "validate", "--fix", *flags, str(path)], cwd=ROOT,
                       capture_output=True, check=False)
        return (time.perf_counter() - start) * 1e3


def main(argv: list[str] | None = None) -> dict[str, float]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=1000)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    text = dumps(load_design(synthetic_design(args.blocks), source="synthetic"))
    figures = {**board(text), "cli_fix_ms": cli(text), "cli_unsafe_fix_ms": cli(text, "--unsafe-fixes")}
    for name, value in figures.items():
        print(f"{name:24} {value:9.0f}")
    if args.json:
        print(json.dumps({k: round(v, 1) for k, v in figures.items()}))
    return figures


if __name__ == "__main__":
    main()

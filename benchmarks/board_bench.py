"""How long a rerun of the board page takes with a 100-block design, beside a bare one-line Streamlit page.

Run from the repository root: ``python -m benchmarks.board_bench [--blocks 100] [--repeat 30] [--json]``.

The board is driven by Streamlit's AppTest through ``app.py`` (as the tests do) with a synthetic layered design
(``benchmarks.synthetic``) imported on the board, its findings panel and numbers tab open (the default view).
Printed, in milliseconds (medians of ``--repeat`` reruns):
- ``board_rerun_ms``: one AppTest rerun of the board (what the target, <= 150 ms, is about);
- ``board_script_ms``: the part of it spent running the page script (AppTest's own work excluded);
- ``board_all_open_rerun_ms``: the same with every findings category opened;
- ``board_load_rerun_ms``: one rerun with the "Load & failures" tab open instead of the numbers (its ramp and
  what-ifs are computed on the first run, then kept with the design's review);
- ``hello_rerun_ms``: one AppTest rerun of ``st.write("hello")``, the floor of any page;
- ``board_script_cpu_ms``: the page script's CPU time (its thread), which other load on the machine moves less;
- ``ratio``: ``board_rerun_ms`` / ``hello_rerun_ms`` (issue 13's target: <= 10x), and ``best_ratio``, the same of
  the fastest reruns (``board_best_rerun_ms``, ``hello_best_rerun_ms``): on a loaded machine the medians of the
  longer board rerun suffer more from other processes than the bare page's 2 ms do.
AppTest compiles the page scripts afresh on every run (a server compiles them once): about 3 ms of the board's
rerun here is that.
With ``--browser`` (needs Debian's /usr/bin/chromium) the canvas is also timed in headless Chromium with
``--canvas-blocks`` blocks (300 by default): ``canvas_open_ms`` from choosing the design file to every block drawn,
and ``canvas_drag_ms``, the median over a few drags from releasing the mouse to the page showing that Python
took the move (the status line turns to "unsaved changes").
Targets are reported, never asserted. With ``--json`` the last line is one JSON object of these figures.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import streamlit.runtime.scriptrunner.script_runner as script_runner
from streamlit.testing.v1 import AppTest

from benchmarks.synthetic import synthetic_design
from mlsd.io import dumps, load_design
from mlsd.rules import CATEGORIES

ROOT = Path(__file__).resolve().parent.parent
TARGET_MS = 150.0
TARGET_RATIO = 10.0  # issue 13: a board rerun at 100 blocks <= 10x a bare one-line page, in the same run
# AppTest touches session state between runs, where Streamlit warns about a missing run context; noise here
logging.getLogger("streamlit.runtime.scriptrunner_utils.script_run_context").addFilter(
    lambda record: "missing ScriptRunContext" not in record.getMessage())
_SCRIPT_TIMES: list[float] = []
_SCRIPT_CPU: list[float] = []  # the script thread's CPU time: what the page costs, less sensitive to other load
_original_exec = script_runner.exec_func_with_error_handling


def _timed_exec(func: Any, ctx: Any) -> Any:
    start, cpu = time.perf_counter(), time.thread_time()
    try:
        return _original_exec(func, ctx)
    finally:
        _SCRIPT_TIMES.append((time.perf_counter() - start) * 1e3)
        _SCRIPT_CPU.append((time.thread_time() - cpu) * 1e3)


_BEST: dict[int, float] = {}  # id(AppTest) -> its fastest rerun: what it costs when nothing else runs


def _median_rerun_ms(at: AppTest, repeat: int) -> tuple[float, float]:
    at.run()  # warm: caches filled, widgets registered
    wall: list[float] = []
    _SCRIPT_TIMES.clear()
    _SCRIPT_CPU.clear()
    for _ in range(repeat):
        start = time.perf_counter()
        at.run()
        wall.append((time.perf_counter() - start) * 1e3)
        if at.exception:
            raise RuntimeError(f"the page raised: {[e.value for e in at.exception]}")
    _BEST[id(at)] = min(wall)
    return statistics.median(wall), statistics.median(_SCRIPT_TIMES) if _SCRIPT_TIMES else float("nan")


@contextlib.contextmanager
def _board_app(blocks: int) -> Iterator[AppTest]:
    """The board page (AppTest through app.py) holding a synthetic design of ``blocks`` blocks, numbers tab open."""
    design = load_design(synthetic_design(blocks), source="synthetic")
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["MLSD_DB"] = str(Path(tmp) / "library.db")
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.run()
        at.switch_page("pages/board.py").run()
        at.session_state["board.bottom"] = "Import / export"
        at.run()
        at.file_uploader(key="board.import.file").set_value(
            ("synthetic.json", dumps(design).encode(), "application/json")).run()
        shown = at.session_state["board.design"]
        if len(shown.components) != blocks:
            raise RuntimeError(f"the board holds {len(shown.components)} blocks, expected {blocks}")
        at.session_state["board.bottom"] = "Numbers"
        yield at


def board(blocks: int, repeat: int) -> dict[str, float]:
    with _board_app(blocks) as at:
        script_runner.exec_func_with_error_handling = _timed_exec
        try:
            rerun, script = _median_rerun_ms(at, repeat)
            cpu = statistics.median(_SCRIPT_CPU) if _SCRIPT_CPU else float("nan")
            best = _BEST[id(at)]
            for category in CATEGORIES:
                at.session_state[f"board.find.cat.{category}"] = True
            all_open, _ = _median_rerun_ms(at, repeat)
            for category in CATEGORIES:
                at.session_state[f"board.find.cat.{category}"] = False
            at.session_state["board.bottom"] = "Load & failures"
            load, _ = _median_rerun_ms(at, repeat)
        finally:
            script_runner.exec_func_with_error_handling = _original_exec
    return {"board_rerun_ms": rerun, "board_best_rerun_ms": best, "board_script_ms": script,
            "board_script_cpu_ms": cpu,
            "board_all_open_rerun_ms": all_open, "board_load_rerun_ms": load}


def _hello_app() -> AppTest:
    at = AppTest.from_string('import streamlit as st\nst.write("hello")\n', default_timeout=60)
    at.run()
    return at


def hello(repeat: int) -> float:
    return _median_rerun_ms(_hello_app(), repeat)[0]


def hello_figures(repeat: int) -> dict[str, float]:
    """The bare page's median and fastest rerun."""
    at = _hello_app()
    median = _median_rerun_ms(at, repeat)[0]
    return {"hello_rerun_ms": median, "hello_best_rerun_ms": _BEST[id(at)]}


def _inside_node(page: Any, frame: Any, i: int) -> tuple[float, float]:
    """The centre of a block well inside the canvas (the i-th such block, cycling), in page coordinates."""
    area = page.locator("iframe[title='components.whiteboard.mlsd_whiteboard']").bounding_box()
    boxes = [b for b in (n.bounding_box() for n in frame.locator(".react-flow__node").all()) if b]
    inside = [(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2) for b in boxes
              if area["x"] + 60 < b["x"] and b["x"] + b["width"] < area["x"] + area["width"] - 60
              and area["y"] + 40 < b["y"] and b["y"] + b["height"] < area["y"] + area["height"] - 40]
    if not inside:
        raise RuntimeError("no block lies inside the canvas to drag")
    return inside[(i * 7) % len(inside)]


CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def canvas(blocks: int, drags: int = 3) -> dict[str, float]:
    """Open a design of ``blocks`` blocks on the board in headless Chromium; time the canvas."""
    import socket
    import subprocess
    import urllib.request

    from playwright.sync_api import sync_playwright

    design = load_design(synthetic_design(blocks), source="synthetic")
    with tempfile.TemporaryDirectory() as tmp, socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        sock.close()
        path = Path(tmp) / f"synthetic-{blocks}.json"
        path.write_text(dumps(design), encoding="utf-8")
        env = {**os.environ, "MLSD_DB": str(Path(tmp) / "library.db")}
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
             "--server.port", str(port), "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
             "--browser.gatherUsageStats", "false"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL)
        try:
            url = f"http://127.0.0.1:{port}"
            for _ in range(300):
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1):
                        break
                except OSError:
                    time.sleep(0.1)
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
                page = browser.new_page(viewport={"width": 1440, "height": 1000})
                page.set_default_timeout(120_000)
                page.goto(url)
                page.get_by_role("link", name="Board").click()
                page.get_by_role("tab", name="Import / export").click()
                frame = page.frame_locator("iframe[title='components.whiteboard.mlsd_whiteboard']")
                start = time.perf_counter()
                page.locator("input[type=file]").set_input_files(str(path))
                frame.locator(".react-flow__node").nth(blocks - 1).wait_for(state="attached")
                opened = (time.perf_counter() - start) * 1e3
                page.wait_for_timeout(2000)
                times = []
                for i in range(drags):
                    page.get_by_role("button", name="Save", exact=True).click()
                    page.get_by_text(f"Saved · revision {i + 1}").wait_for()
                    page.wait_for_timeout(1500)  # let the canvas settle after the save
                    x, y = _inside_node(page, frame, i)
                    page.mouse.move(x, y)
                    page.mouse.down()
                    page.mouse.move(x + 30, y + 20, steps=5)
                    start = time.perf_counter()
                    page.mouse.up()
                    page.get_by_text("Unsaved changes").wait_for()
                    times.append((time.perf_counter() - start) * 1e3)
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    return {"canvas_open_ms": opened, "canvas_drag_ms": statistics.median(times)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--blocks", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON on the last line")
    parser.add_argument("--browser", action="store_true", help="also time the canvas in headless Chromium")
    parser.add_argument("--canvas-blocks", type=int, default=300)
    args = parser.parse_args(argv)
    figures = board(args.blocks, args.repeat)
    figures.update(hello_figures(args.repeat))
    if args.browser:
        figures.update(canvas(args.canvas_blocks))
    figures = {k: round(v, 1) for k, v in figures.items()}
    verdict = "within" if figures["board_rerun_ms"] <= TARGET_MS else "OVER"
    print(f"board rerun, {args.blocks} blocks (AppTest, median of {args.repeat}): {figures['board_rerun_ms']} ms "
          f"({verdict} the {TARGET_MS:.0f} ms target); page script alone {figures['board_script_ms']} ms")
    print(f"board rerun with every findings category open: {figures['board_all_open_rerun_ms']} ms")
    print(f"board rerun with the Load & failures tab open: {figures['board_load_rerun_ms']} ms")
    print(f"bare page rerun (st.write('hello')): {figures['hello_rerun_ms']} ms")
    print(f"page script CPU time (its thread, median): {figures['board_script_cpu_ms']} ms")
    figures["ratio"] = round(figures["board_rerun_ms"] / figures["hello_rerun_ms"], 1)
    figures["best_ratio"] = round(figures["board_best_rerun_ms"] / figures["hello_best_rerun_ms"], 1)
    verdict = "within" if figures["ratio"] <= TARGET_RATIO else "OVER"
    print(f"board rerun / bare page rerun: medians {figures['ratio']}x ({verdict} the {TARGET_RATIO:g}x target); "
          f"fastest {figures['board_best_rerun_ms']} / {figures['hello_best_rerun_ms']} ms = {figures['best_ratio']}x")
    if args.browser:
        print(f"canvas, {args.canvas_blocks} blocks in headless Chromium: file chosen -> all blocks drawn "
              f"{figures['canvas_open_ms']} ms; drag released -> Python has the move {figures['canvas_drag_ms']} ms")
    if args.json:
        print(json.dumps({"board_rerun_ms": figures["board_rerun_ms"], "hello_rerun_ms": figures["hello_rerun_ms"],
                          **figures}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

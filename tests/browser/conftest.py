"""Fixtures for the browser journeys: the app served by ``streamlit run``, and headless Chromium via Playwright.

Chromium is Debian's ``/usr/bin/chromium`` (``apt-get install chromium``); Playwright's own browser download is
never used. Without it the journeys are skipped on a developer's machine, and FAIL when ``CI`` is set, so that
a CI run cannot pass without having run them. Screenshots go to ``test-artifacts/``: the journeys save some
at key steps, and a failing journey's page is saved as ``test-artifacts/FAILED-<test>.png``.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
import warnings
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCRIPT = Path(__file__).resolve().parent / "whiteboard_app.py"  # the canvas alone (``wb_url``)
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
STARTUP_TIMEOUT_S = 60
FIRST_RENDER_TIMEOUT_MS = 120_000
"""How long the first page of a freshly started server may take: its first script run imports and compiles the
whole app (numpy, plotly, the analysis) and, on a loaded CI machine, that alone has outlasted the default 30 s."""


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_healthy(url: str, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode}:\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200 and resp.read().strip() == b"ok":
                    return
        except OSError:  # not listening yet: try again until the deadline, which reports the log
            pass
        time.sleep(0.2)
    raise RuntimeError(f"streamlit did not answer /_stcore/health within {STARTUP_TIMEOUT_S} s:\n"
                       f"{log.read_text(errors='replace')}")


@contextlib.contextmanager
def serve_app(tmp: Path, env: dict[str, str] | None = None, args: list[str] | None = None) -> Iterator[str]:
    """Run ``streamlit run app.py`` on a free port with the library at ``tmp/library.db``; yield its URL.

    ``args`` are more ``streamlit run`` options (e.g. ``--secrets.files PATH`` for sign-in)."""
    with serve_app_process(tmp, env, args) as (url, _):
        yield url


@contextlib.contextmanager
def serve_app_process(tmp: Path, env: dict[str, str] | None = None, args: list[str] | None = None
                      ) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """``serve_app``, yielding the server process too (for a test that kills it)."""
    port = _free_port()
    log = tmp / f"streamlit-{port}.log"
    full_env = {**os.environ, "MLSD_DB": str(tmp / "library.db"), **(env or {})}
    cmd = [
        sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"),
        "--server.headless", "true",
        "--server.port", str(port),
        "--server.address", "127.0.0.1",
        "--server.fileWatcherType", "none",
        "--browser.gatherUsageStats", "false",
        *(args or []),
    ]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, log)
        yield url, proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)


@pytest.fixture(scope="session", autouse=True)
def _no_stale_failure_shots() -> None:
    """Remove failure screenshots of earlier runs, so that every FAILED-*.png left is from this run."""
    for old in ARTIFACTS.glob("FAILED-*.png"):
        old.unlink()


@pytest.fixture(scope="session")
def start_app() -> Callable[..., contextlib.AbstractContextManager[str]]:
    """``serve_app`` itself, for a test that needs the app with its own environment (e.g. MLSD_DESIGNS_DIR)."""
    return serve_app


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The app with the repository's example designs."""
    with serve_app(tmp_path_factory.mktemp("app")) as url:
        yield url


@pytest.fixture(scope="module")
def wb_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """tests/browser/whiteboard_app.py (the whiteboard canvas alone) served on a free port, once per journey
    module (test_whiteboard_*.py)."""
    tmp = tmp_path_factory.mktemp("whiteboard")
    port = _free_port()
    log = tmp / "streamlit.log"
    cmd = [sys.executable, "-m", "streamlit", "run", str(SCRIPT), "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1", "--server.fileWatcherType", "none",
           "--browser.gatherUsageStats", "false"]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "MLSD_DB": str(tmp / "library.db")},
                                stdout=out, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, log)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    message = f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) to run browser tests"
    if os.environ.get("CI"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser(chromium_path: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser: Any, request: pytest.FixtureRequest) -> Iterator[Any]:
    """A fresh page (own context, 1440x1000); its screenshot is saved when the test fails."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    pg = context.new_page()
    pg.set_default_timeout(30_000)
    try:
        yield pg
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            try:
                pg.screenshot(path=str(ARTIFACTS / f"FAILED-{request.node.name}.png"), full_page=True)
            except Exception as exc:  # the test's own failure is the one to report; say why there is no picture
                warnings.warn(f"could not save a screenshot of the failed page: {exc}", stacklevel=1)
        context.close()


_PAGE_HEIGHT_JS = """() => Math.max(document.documentElement.scrollHeight,
    ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stAppViewContainer"]')]
        .map(e => e.scrollHeight))"""


@pytest.fixture
def shot(page: Any) -> Callable[..., Path]:
    """``shot(name, full=False, height=None)``: save ``test-artifacts/<name>.png`` and return its path.

    Streamlit scrolls inside its own container, so Playwright's ``full_page`` sees one screen only: ``full=True``
    stretches the viewport to the app's whole height for the picture, ``height`` to that many pixels; the
    viewport is restored afterwards.
    """

    def save(name: str, full: bool = False, height: int | None = None) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        size = page.viewport_size
        if full:
            height = min(int(page.evaluate(_PAGE_HEIGHT_JS)), 12_000)
        if height and size:
            page.set_viewport_size({"width": size["width"], "height": height})
            page.wait_for_timeout(500)  # let the layout settle at the new height
        try:
            page.screenshot(path=str(path))
        finally:
            if height and size:
                page.set_viewport_size(size)
        return path

    return save


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the test item, so that the ``page`` fixture knows when a test failed."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


def open_board(page: Any, url: str) -> None:
    """Open the app at ``url``, wait for the Home page to be drawn, go to the Board and wait for its empty state.

    The first render of a freshly started server gets ``FIRST_RENDER_TIMEOUT_MS``; the steps after it keep the
    page's default timeout."""
    page.goto(url)
    link = page.get_by_role("link", name="Board")
    link.wait_for(timeout=FIRST_RENDER_TIMEOUT_MS)
    link.click()
    page.get_by_text("An empty board").wait_for(timeout=FIRST_RENDER_TIMEOUT_MS)

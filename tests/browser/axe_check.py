"""axe-core in the browser journeys: its critical and serious violations on a page as it is now.

axe-core comes from tests/browser/axe (``npm ci`` in scripts/test.sh, from its lockfile); ``require_axe`` skips a
journey's axe steps locally when it is missing and fails them when ``CI`` is set.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("critical", "serious")


def require_axe() -> None:
    """Skip (locally) or fail (CI) when axe-core is not installed."""
    if not AXE.is_file():
        if os.environ.get("CI"):
            pytest.fail(f"{AXE} is missing: scripts/test.sh installs it with npm ci")
        pytest.skip("axe-core is not installed (npm ci --prefix tests/browser/axe)")


def violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's critical and serious violations on the page as it is now, once the script run is over, leaving
    out Streamlit's toasts: ``st.toast`` renders a role=alertdialog without an accessible name (Streamlit's own
    element, not ours to fix), and a toast may appear between any wait for it to leave and axe's run (CI saw one
    arrive with a rerun just after the wait), so they are excluded from axe's context rather than waited out."""
    page.locator("[data-testid='stStatusWidget']").wait_for(state="hidden", timeout=60_000)  # the run is over
    for frame in page.frames[1:]:  # the canvas' frames: axe.run checks inside a frame where axe is loaded
        frame.add_script_tag(path=str(AXE))
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run({exclude: [\"[data-testid='stToast']\"]}, {resultTypes: ['violations']}))"
        ".violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.html.slice(0, 120))}))")
    return [v for v in found if v["impact"] in BLOCKING]

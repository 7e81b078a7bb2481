"""Journey: a visitor opens the app, picks an example design and sees it drawn on the Board's canvas (read-only),
starts a new blank design from the call to action; hostile text stays text."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mlsd.io import load_file
from mlsd.model import Design

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = "<script>alert(1)</script>"
CANVAS = "iframe[title='components.whiteboard.mlsd_whiteboard']"


def examples() -> list[Design]:
    designs = [load_file(p) for p in sorted((ROOT / "designs").glob("*.json"))]
    return sorted(designs, key=lambda d: d.name.casefold())


def choose_example(page: Any, name: str) -> None:
    page.get_by_test_id("stSelectbox").click()
    page.get_by_role("option", name=name, exact=True).click()


def test_open_the_app_and_see_an_example_drawn(page: Any, app_url: str, shot: Callable[..., Path]) -> None:
    designs = examples()
    assert len(designs) >= 2, "the journey picks an example other than the first; designs/ holds fewer"
    page.goto(app_url)
    page.get_by_role("heading", name="MLSD Whiteboard", level=1).wait_for()
    canvas = page.frame_locator(CANVAS)
    first = designs[0].components[0].id
    canvas.locator(f".react-flow__node[data-id='{first}']").wait_for()  # the first example, drawn without a click
    assert page.get_by_role("button", name="New blank design").is_visible()  # the call to action, above the fold
    shot("home-open")

    target = min(designs[1:], key=lambda d: len(d.components))  # the smallest other one reads best
    choose_example(page, target.name)
    page.get_by_role("heading", name=target.name, exact=True).wait_for()
    label = next(c for c in target.components if len(c.title) < 30)
    node = canvas.locator(f".react-flow__node[data-id='{label.id}']")
    node.wait_for()
    # the Board's canvas, read-only: every block, where its author put it, no palette and no handles to draw with
    assert canvas.locator(".react-flow__node").count() == len(target.components)
    edges = canvas.locator(".react-flow__edge path.mlsd-edge")
    edges.first.wait_for()  # drawn between the blocks' handles, which read-only hides but keeps
    assert edges.count() == len(target.connections)
    assert canvas.locator(".mlsd-root.read-only").count() == 1 and canvas.locator(".mlsd-palette").count() == 0
    assert node.locator(".mlsd-block-label").inner_text() == label.title
    font_px = node.locator(".mlsd-block-label").evaluate("e => e.getBoundingClientRect().height")
    assert font_px >= 10, f"block labels are {font_px:.1f} px high when the design is fitted"
    page.evaluate("document.activeElement.blur()")
    shot("home-full", full=True)

    # a blank design from the call to action: the Board, empty, ready to draw on
    page.get_by_role("heading", name="MLSD Whiteboard", level=1).scroll_into_view_if_needed()
    page.evaluate("document.activeElement.blur()")
    shot("home", height=1400)  # the picture in the README: what the product is, an example and its numbers
    page.get_by_role("button", name="New blank design").click()
    page.get_by_text("An empty board").first.wait_for()
    page.wait_for_url(re.compile(r"/board/?$"))  # the address follows the page a moment later on a loaded machine
    assert canvas.locator(".react-flow__node").count() == 0


@pytest.fixture
def hostile_url(tmp_path: Path, start_app: Callable[..., Any]) -> Iterator[str]:
    designs = tmp_path / "designs"
    designs.mkdir()
    (designs / "evil.json").write_text(json.dumps({
        "name": f"Evil {HOSTILE}",
        "components": [{"id": "evil", "kind": "online_inference", "label": HOSTILE}],
        "notes": f"Notes with {HOSTILE} and <img src=x onerror=alert(2)>",
    }), encoding="utf-8")
    with start_app(tmp_path, {"MLSD_DESIGNS_DIR": str(designs)}) as url:
        yield url


def test_hostile_text_shows_as_text(page: Any, hostile_url: str, shot: Callable[..., Path]) -> None:
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:  # an alert() would mean the hostile text ran as script
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(hostile_url)
    label = page.frame_locator(CANVAS).locator(".react-flow__node[data-id='evil'] .mlsd-block-label")
    label.wait_for()
    page.get_by_role("heading", name=f"Evil {HOSTILE}").wait_for()  # the name reads exactly as typed
    assert label.inner_text() == HOSTILE  # the label on the canvas, as text
    page.get_by_text("Notes with").wait_for()
    shot("hostile")
    assert page.evaluate("[...document.scripts].filter(s => s.text.includes('alert(')).length") == 0
    assert page.locator('img[src="x"]').count() == 0
    assert dialogs == []


@pytest.mark.parametrize(("path", "heading"), [("board", "An empty board"), ("rules", "Checklist rules")])
def test_a_deep_link_as_a_fresh_servers_first_request_shows_the_apps_navigation(
    tmp_path: Path, start_app: Callable[..., Any], page: Any, path: str, heading: str
) -> None:
    # Streamlit runs a pages/ file on its own (with a sidebar of file names) until st.navigation has run once
    # in the process; every page reruns through app.py then (components/common/entry.py)
    with start_app(tmp_path) as url:
        page.goto(f"{url}/{path}")
        page.get_by_text(heading).first.wait_for()
        nav = page.get_by_test_id("stTopNav")
        links = [link.inner_text().split("\n")[-1].strip() for link in nav.get_by_role("link").all()]
        assert links == ["Home", "Board", "Library", "Practice", "Progress", "Rules"]  # History: on the Board
        assert page.url.rstrip("/").endswith(f"/{path}")

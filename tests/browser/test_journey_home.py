"""Journey: a visitor opens the app, picks an example design and sees it drawn; hostile text stays text."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from mlsd.io import load_file
from mlsd.model import Design

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
HOSTILE = "<script>alert(1)</script>"
SVG = '[data-testid="stGraphVizChart"] svg'


def examples() -> list[Design]:
    designs = [load_file(p) for p in sorted((ROOT / "designs").glob("*.json"))]
    return sorted(designs, key=lambda d: d.name.casefold())


def choose_example(page: Any, name: str) -> None:
    page.get_by_test_id("stSelectbox").click()
    page.get_by_role("option", name=name, exact=True).click()


def zoom(page: Any, choice: str) -> None:
    page.get_by_test_id("stButtonGroup").get_by_text(choice, exact=True).click()


def test_open_the_app_and_see_an_example_drawn(page: Any, app_url: str, shot: Callable[..., Path]) -> None:
    designs = examples()
    assert len(designs) >= 2, "the journey picks an example other than the first; designs/ holds fewer"
    page.goto(app_url)
    page.get_by_role("heading", name="MLSD Whiteboard", level=1).wait_for()
    page.locator(SVG).wait_for()  # the first example is drawn without any click
    shot("home-open")

    target = min(designs[1:], key=lambda d: len(d.components))  # the smallest other one reads best
    choose_example(page, target.name)
    page.get_by_role("heading", name=target.name, exact=True).wait_for()
    label = next(c.title for c in target.components if len(c.title) < 30)
    node_text = page.locator(f"{SVG} text", has_text=label).first
    node_text.wait_for(state="visible")
    page.evaluate("document.activeElement.blur()")
    shot("home-full", full=True)

    # at 100% the diagram keeps its natural size: readable text, scrolling sideways when wider than the page
    zoom(page, "100%")
    page.wait_for_function(
        f"document.querySelector('{SVG}').getBoundingClientRect().width > "
        "document.querySelector('[data-testid=\"stMainBlockContainer\"]').clientWidth"
    )
    node_text.scroll_into_view_if_needed()
    assert node_text.is_visible()
    font_px = page.evaluate(f"document.querySelector('{SVG} text').getBoundingClientRect().height")
    assert font_px >= 10, f"block labels are {font_px:.1f} px high at 100%"
    shot("home-zoom")

    zoom(page, "50%")
    page.get_by_role("heading", name="MLSD Whiteboard", level=1).scroll_into_view_if_needed()
    page.evaluate("document.activeElement.blur()")
    shot("home", height=1400)  # the picture in the README: what the product is, an example and its numbers


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
    page.locator(SVG).wait_for()
    page.get_by_role("heading", name=f"Evil {HOSTILE}").wait_for()  # the name reads exactly as typed
    assert page.locator(f"{SVG} text", has_text=HOSTILE).first.is_visible()
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
        nav = page.get_by_test_id("stSidebarNav")
        links = [link.inner_text().split("\n")[-1].strip() for link in nav.get_by_role("link").all()]
        assert links == ["Home", "Board", "Library", "History", "Practice", "Progress", "Rules"]
        assert page.url.rstrip("/").endswith(f"/{path}")

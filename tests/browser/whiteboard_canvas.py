"""The whiteboard canvas alone in headless Chromium: helpers for the test_whiteboard_*.py journeys.

``open_canvas`` opens the page of tests/browser/whiteboard_app.py (served by the ``wb_url`` fixture of
tests/browser/conftest.py) and waits for the drawing; ``Events`` reads the events Python received, ``shown`` and
``settle`` what the page shows of the design; ``centre`` and ``to_canvas`` turn page boxes into points and page
pixels into canvas units. Each journey acts on the canvas and reads the events Python received
(whiteboard_app.py lists them, with the design's blocks and connections); screenshots go to test-artifacts/."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

IFRAME = "iframe[title='components.whiteboard.mlsd_whiteboard']"
NODE_W, NODE_H, GRID = 180, 56, 20


def open_canvas(page: Any, url: str, query: str = "") -> Any:
    page.goto(url + "/" + query)
    frame = page.frame_locator(IFRAME)
    frame.locator(".react-flow__node[data-id='features']").wait_for()
    frame.locator(".react-flow__viewport").wait_for()
    page.wait_for_timeout(300)  # fit view settles after the first measurement
    return frame


def shown(page: Any, what: str) -> Any:
    text = page.get_by_text(f"{what}: ", exact=False).first.inner_text()
    return json.loads(text.split(": ", 1)[1])


class Events:
    """The events Python received (the test script lists them); ``next(kind)`` waits for the next one of a kind."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.used: dict[str, int] = {}

    def all(self) -> list[dict[str, Any]]:
        return list(shown(self.page, "events"))

    def next(self, kind: str, where: Callable[[dict[str, Any]], bool] = lambda e: True) -> dict[str, Any]:
        """The next unread event of ``kind`` (skipping those of that kind that do not satisfy ``where``)."""
        for _ in range(100):
            found = [e for e in self.all() if e.get("type") == kind]
            while len(found) > self.used.get(kind, 0):
                self.used[kind] = self.used.get(kind, 0) + 1
                if where(found[self.used[kind] - 1]):
                    return dict(found[self.used[kind] - 1])
            self.page.wait_for_timeout(100)
        raise AssertionError(f"no new {kind} event reached Python; received: {self.all()}")


def settle(page: Any, what: str, check: Callable[[Any], bool]) -> Any:
    """What the page shows under ``what`` once ``check`` holds (the script's texts arrive one after another)."""
    for _ in range(50):
        value = shown(page, what)
        if check(value):
            return value
        page.wait_for_timeout(100)
    raise AssertionError(f"{what}: {shown(page, what)}")


def centre(box: dict[str, float]) -> tuple[float, float]:
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def to_canvas(frame: Any, page_x: float, page_y: float) -> tuple[float, float]:
    """Page pixels to canvas units, from React Flow's viewport transform."""
    flow_box = frame.locator(".react-flow").bounding_box()
    transform = frame.locator(".react-flow__viewport").evaluate("e => getComputedStyle(e).transform")
    a, _, _, _, tx, ty = (float(v) for v in transform[len("matrix("):-1].split(","))
    return (page_x - flow_box["x"] - tx) / a, (page_y - flow_box["y"] - ty) / a

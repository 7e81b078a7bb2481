"""The board page driven by Streamlit's AppTest through app.py, the canvas simulated: helpers for the
test_app_board_*.py files.

The canvas (the whiteboard component) is an UnknownElement in AppTest. What Python sent it is in the element's
JSON args (``graph``, ``badges``, ``palette``, ``ack``); what the browser sends back is simulated by setting
``session_state[CANVAS_KEY]`` to the whiteboard's value, ``{"events": [...]}`` (each user action one event with
an id, see ``components.whiteboard.protocol``), and running the script, as the frontend does.
"""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any

import pytest
from streamlit.testing.v1 import AppTest

from components.board.canvas import CANVAS_KEY
from components.board.state import BoardKey
from components.common.examples import ENV_DESIGNS_DIR
from mlsd.model import Design
from mlsd.rules import CATEGORIES
from tests.apptest_common import ok, unescape

ROOT = Path(__file__).resolve().parent.parent
DESIGNS = ROOT / "designs"
HOSTILE = '<script>alert("x")</script> {braces} $x$'
LOAD_TAB = "Load & failures"
_IDS = itertools.count(1)


def open_board(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, designs: Path | None = None) -> AppTest:
    monkeypatch.setenv("MLSD_DB", str(tmp_path / "library.db"))
    if designs is None:
        monkeypatch.delenv(ENV_DESIGNS_DIR, raising=False)
    else:
        monkeypatch.setenv(ENV_DESIGNS_DIR, str(designs))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("pages/board.py").run()
    ok(at)
    return at


def design_of(at: AppTest) -> Design:
    d = at.session_state[BoardKey.DESIGN.value]
    assert isinstance(d, Design)
    return d


def name_key(at: AppTest) -> str:
    return f"board.lib.name@{at.session_state[BoardKey.REV.value]}"


def canvas_args(at: AppTest) -> dict[str, Any]:
    """What Python last sent the canvas."""
    elements = at.get("component_instance")
    assert len(elements) == 1
    args: dict[str, Any] = json.loads(elements[0].proto.json_args)
    return args


def nodes(at: AppTest) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = canvas_args(at)["graph"]["nodes"]
    return found


def edges(at: AppTest) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = canvas_args(at)["graph"]["edges"]
    return found


def send(at: AppTest, *events: dict[str, Any]) -> list[dict[str, Any]]:
    """The canvas sending user actions (each a new event with a fresh id), then the rerun it triggers."""
    batch = [{"id": f"t{next(_IDS)}", **e} for e in events]
    at.session_state[CANVAS_KEY] = {"events": batch}
    at.run()
    ok(at)
    return batch


def add(at: AppTest, kind: str, x: float = 200.0, y: float = 100.0) -> None:
    """A palette tile dropped on the canvas at (x, y)."""
    send(at, {"type": "add", "kind": kind, "x": x, "y": y})


def click(at: AppTest, key: str) -> None:
    at.button(key=key).click().run()
    ok(at)


def button_with(at: AppTest, prefix: str, label_part: str = "") -> Any:
    found = [b for b in at.button if (b.key or "").startswith(prefix) and label_part in unescape(b.label)]
    assert found, f"no button {prefix}* with {label_part!r}: {[b.key for b in at.button]}"
    return found[0]


def start_from(at: AppTest, stem: str) -> Design:
    button_with(at, f"board.empty.tpl.{stem}").click().run()
    ok(at)
    return design_of(at)


def panel(at: AppTest, name: str) -> None:
    at.session_state[BoardKey.PANEL.value] = name
    at.run()
    ok(at)


def bottom(at: AppTest, name: str) -> None:
    at.session_state["board.bottom"] = name
    at.run()
    ok(at)


def select(at: AppTest, block: str) -> None:
    """Click a block on the canvas."""
    send(at, {"type": "select", "blocks": [block], "connections": []})


def shown_texts(at: AppTest) -> list[str]:
    return [el.value for el in [*at.markdown, *at.caption, *at.info, *at.error, *at.warning, *at.success,
                                *at.toast]]


def open_rules(at: AppTest) -> set[str]:
    """Rule ids of the findings drawn in the findings panel (every category opened)."""
    for category in CATEGORIES:
        at.session_state[f"board.find.cat.{category}"] = True
    at.run()
    ok(at)
    return {m for t in at.markdown for m in re.findall(r"`([A-Z]+-\d+)`", t.value) if "~~" not in t.value}


def upload(at: AppTest, name: str, data: bytes) -> None:
    at.session_state["board.bottom"] = "Import / export"
    at.run()
    at.file_uploader(key="board.import.file").set_value((name, data, "application/octet-stream")).run()
    ok(at)


def open_load_tab(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, designs: Path | None = None,
                  stem: str = "video_recommendations") -> AppTest:
    at = open_board(monkeypatch, tmp_path, designs)
    start_from(at, stem)
    bottom(at, LOAD_TAB)
    return at


def specs(at: AppTest) -> list[dict[str, Any]]:
    return [json.loads(c.proto.spec) for c in at.get("plotly_chart")]


def title_of(spec: dict[str, Any]) -> str:
    return str(spec["layout"]["title"]["text"])


def chart(at: AppTest, title_part: str) -> dict[str, Any]:
    found = [s for s in specs(at) if title_part in title_of(s)]
    assert found, [title_of(s) for s in specs(at)]
    return found[0]


def shapes(spec: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [s for s in spec["layout"].get("shapes", []) if s.get("name") == name]

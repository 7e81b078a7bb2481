"""Selection both ways between the Board's canvas and Python (AppTest through app.py, the canvas simulated).

A block clicked on the canvas is selected in Python; a block selected in Python (a finding's Select button, the
inspector's Clear selection) is passed down to the canvas as ``selected``, which selects it there and brings it
into view (that part is the browser journey tests/browser/test_whiteboard_sync.py). The canvas args and the simulated
events are those of tests/board_apptest.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from components.board.state import BoardKey
from tests.board_apptest import canvas_args, ok, open_board, panel, send


def test_a_click_on_the_canvas_and_a_finding_s_select_button_reach_the_canvas(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    assert canvas_args(at)["selected"] is None
    send(at, {"type": "add", "kind": "online_inference", "x": 0, "y": 0},
         {"type": "add", "kind": "cache", "x": 300, "y": 0})
    blocks = [c["id"] for c in canvas_args(at)["graph"]["nodes"]]
    assert len(blocks) == 2
    send(at, {"type": "select", "blocks": [blocks[0]], "connections": []})
    assert at.session_state[BoardKey.SELECTED.value] == blocks[0]
    assert canvas_args(at)["selected"] == blocks[0]

    # connected, the design has started: its error checklists open with their findings (mlsd.start)
    send(at, {"type": "connect", "source": blocks[0], "target": blocks[1], "flow": "request"})
    panel(at, "Findings")
    buttons = [b for b in at.button if (b.key or "").startswith("board.find.sel.")]
    on_other = [b for b in buttons if blocks[1] in (b.help or "") + b.label + (b.key or "")]
    assert buttons, "the two connected blocks have findings with a Select button"
    (on_other or buttons)[0].click().run()
    ok(at)
    chosen = at.session_state[BoardKey.SELECTED.value]
    assert chosen in blocks
    assert canvas_args(at)["selected"] == chosen  # the canvas is told, and selects and shows it

    panel(at, "Inspector")
    at.button(key="board.insp.clear").click().run()
    ok(at)
    assert canvas_args(at)["selected"] is None

"""Canvas events applied to a design through mlsd.edit: each edit does what the event says, a refused edit leaves
the design as it was, and requests (undo, findings...) change nothing."""

from __future__ import annotations

import pytest

from components.whiteboard.apply import apply
from components.whiteboard.protocol import parse_event
from mlsd import edit
from mlsd.io import DesignError
from mlsd.model import Design


def design() -> Design:
    d = edit.new_design("t")
    d, _ = edit.add_block(d, "api_gateway", "Gateway", (0, 0), block_id="gw")
    d, _ = edit.add_block(d, "online_inference", "", (300, 0), block_id="ranker")
    d = edit.set_prop(d, "ranker", "replicas", 7)
    d, _ = edit.connect(d, "gw", "ranker", "request", conn_id="c1")
    return d


def run(d: Design, **raw: object):
    return apply(d, parse_event({"id": "e-1", **raw}))


def test_move_add_connect_and_flow() -> None:
    d = run(design(), type="move", positions={"gw": [20, 40]}).design
    assert (d.components[0].position.x, d.components[0].position.y) == (20, 40)
    out = run(d, type="add", kind="cache", x=100, y=200)
    block = next(c for c in out.design.components if c.id == out.created[0])
    assert (block.kind, block.position.x, block.position.y) == ("cache", 100, 200)
    out = run(out.design, type="connect", source="ranker", target=out.created[0], flow="batch")
    assert out.design.connections[-1].flow == "batch"
    d = run(out.design, type="set_flow", connection="c1", flow="feedback").design
    d = run(d, type="set_fallback", connection="c1", fallback=True).design
    assert (d.connections[0].flow, d.connections[0].fallback) == ("feedback", True)
    assert run(d, type="set_label", block="gw", label="Edge").design.components[0].label == "Edge"


def test_remove_takes_blocks_with_their_connections() -> None:
    d = run(design(), type="remove", blocks=["ranker"], connections=["c1"]).design
    assert [c.id for c in d.components] == ["gw"] and d.connections == []
    d = run(design(), type="remove", connections=["c1"]).design
    assert len(d.components) == 2 and d.connections == []


def test_duplicate_copies_props_and_inner_connections() -> None:
    out = run(design(), type="duplicate", blocks=["gw", "ranker"], dx=40, dy=40)
    assert len(out.created) == 3
    copy = next(c for c in out.design.components if c.id == out.created[1])
    assert copy.props == design().components[1].props and (copy.position.x, copy.position.y) == (300, 90)
    assert out.design.connections[-1].source == out.created[0]


@pytest.mark.parametrize("raw", [
    {"type": "move", "positions": {"ghost": [0, 0]}},
    {"type": "add", "kind": "warp_drive", "x": 0, "y": 0},
    {"type": "connect", "source": "gw", "target": "ranker"},
    {"type": "set_flow", "connection": "nope", "flow": "batch"},
    {"type": "remove", "blocks": ["gw", "ghost"]},
    {"type": "duplicate", "blocks": ["ghost"]},
])
def test_refused_edits_raise_and_leave_the_design_unchanged(raw: dict[str, object]) -> None:
    before = design()
    snapshot = before.model_dump()
    with pytest.raises(DesignError):
        run(before, **raw)
    assert before.model_dump() == snapshot


@pytest.mark.parametrize(("raw", "wanted"), [
    ({"type": "undo"}, "undo"), ({"type": "redo"}, "redo"), ({"type": "auto_layout"}, "auto_layout"),
    ({"type": "findings", "block": "gw"}, "findings"), ({"type": "select", "blocks": ["gw"]}, "select"),
])
def test_requests_change_nothing(raw: dict[str, object], wanted: str) -> None:
    d = design()
    out = run(d, **raw)
    assert out.design is d and out.request == wanted and not out.edited

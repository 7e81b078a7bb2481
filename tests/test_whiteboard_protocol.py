"""The whiteboard canvas protocol: events from the browser are validated (hostile input gets one clear line and
changes nothing), and the props going down are a pure function of the design and its findings."""

from __future__ import annotations

import json

import pytest

from components.whiteboard.protocol import (
    Add,
    Move,
    ProtocolError,
    Remove,
    SetFlow,
    badges,
    build_props,
    parse_event,
    read_batch,
)
from mlsd import edit
from mlsd.rules import check


def design():
    d = edit.new_design("t")
    d, _ = edit.add_block(d, "api_gateway", "Gateway", (0, 0), block_id="gw")
    d, _ = edit.add_block(d, "online_inference", "", (300, 0), block_id="ranker")
    d, _ = edit.connect(d, "gw", "ranker", "stream", conn_id="c1")
    return d


def test_well_formed_events_parse_to_their_types() -> None:
    assert parse_event({"id": "a-1", "type": "move", "positions": {"gw": [10, 20.5]}}) == Move(
        id="a-1", type="move", positions={"gw": (10.0, 20.5)})
    assert isinstance(parse_event({"id": "a-2", "type": "add", "kind": "cache", "x": 1, "y": 2}), Add)
    assert isinstance(parse_event({"id": "a-3", "type": "remove", "blocks": ["gw"]}), Remove)
    assert parse_event({"id": "a-4", "type": "connect", "source": "gw", "target": "ranker"}).flow == "request"
    assert isinstance(parse_event({"id": "a-5", "type": "set_flow", "connection": "c1", "flow": "batch"}), SetFlow)
    for kind in ("undo", "redo"):
        assert parse_event({"id": "a-6", "type": kind}).type == kind


@pytest.mark.parametrize(("raw", "words"), [
    ([1, 2], "must be an object"),
    ({"id": "x", "type": "explode"}, "unknown event type 'explode'"),
    ({"id": "x"}, "unknown event type None"),
    ({"id": "x", "type": "move", "positions": {"gw": [float("nan"), 0]}}, "positions.gw.0"),
    ({"id": "x", "type": "move", "positions": {"gw": [1e9, 0]}}, "positions.gw.0"),
    ({"id": "x", "type": "move", "positions": {}}, "positions"),
    ({"id": "x", "type": "move", "positions": {"../etc": [0, 0]}}, "positions"),
    ({"id": "x", "type": "connect", "source": "gw", "target": "r", "flow": "telepathy"}, "flow"),
    ({"id": "x", "type": "add", "kind": "cache", "x": "1; drop", "y": 0}, "add event: x"),
    ({"id": "x", "type": "undo", "extra": 1}, "extra"),
    ({"id": "", "type": "undo"}, "id"),
    ({"id": "x" * 65, "type": "undo"}, "id"),
    ({"id": "x", "type": "remove", "blocks": ["b"] * 20_001}, "blocks"),
    ({"id": "x", "type": "set_label", "block": "gw", "label": "x" * 201}, "label"),
])
def test_hostile_events_get_one_clear_line(raw: object, words: str) -> None:
    with pytest.raises(ProtocolError) as info:
        parse_event(raw)
    message = str(info.value)
    assert words in message
    assert "\n" not in message


def test_props_are_a_pure_function_of_the_design_and_findings() -> None:
    d = design()
    findings = check(d).findings
    first = build_props(d, findings, ack="a-1")
    assert json.dumps(first, sort_keys=True) == json.dumps(build_props(d, check(d).findings, ack="a-1"),
                                                           sort_keys=True)
    nodes = {n["id"]: n for n in first["graph"]["nodes"]}
    assert nodes["gw"]["label"] == "Gateway" and nodes["gw"]["caption"] == "API gateway"
    assert nodes["ranker"]["label"] == nodes["ranker"]["caption"] == "Online inference"
    assert first["graph"]["edges"] == [
        {"id": "c1", "source": "gw", "target": "ranker", "flow": "stream", "fallback": False, "label": ""}]
    assert {t["kind"] for t in first["palette"]} >= {"api_gateway", "cache"}
    assert build_props(d, read_only=True)["palette"] == []


class F:
    def __init__(self, severity: str, components: tuple[str, ...], waived: bool = False) -> None:
        self.severity, self.components, self.waived = severity, components, waived


def test_badges_count_unwaived_findings_and_keep_the_worst_severity() -> None:
    found = badges([F("info", ("a",)), F("error", ("a", "b")), F("warning", ("a",)), F("error", ("c",), True)])
    assert found == {"a": {"count": 3, "severity": "error"}, "b": {"count": 1, "severity": "error"}}


def ev(n: int, kind: str = "undo") -> dict[str, object]:
    return {"id": f"s-{n}", "type": kind}


def test_a_batch_yields_only_the_events_after_the_acknowledged_one_in_order() -> None:
    first = read_batch({"events": [ev(1), ev(2, "redo")]}, "")
    assert [e.id for e in first.events] == ["s-1", "s-2"] and first.ack == "s-2" and first.errors == ()
    # the canvas has not seen the ack yet and sends s-1..s-3 again: only s-3 is new
    again = read_batch({"events": [ev(1), ev(2), ev(3)]}, first.ack)
    assert [e.id for e in again.events] == ["s-3"] and again.ack == "s-3"
    # the canvas dropped the acknowledged ones (or the page was reloaded): everything is new
    assert [e.id for e in read_batch({"events": [ev(4)]}, "s-3").events] == ["s-4"]
    # the same value read twice (a rerun for another reason) yields nothing the second time
    assert read_batch({"events": [ev(1), ev(2)]}, "s-2").events == ()


def test_a_refused_event_in_a_batch_changes_nothing_and_is_acknowledged() -> None:
    batch = read_batch({"events": [ev(1), {"id": "s-2", "type": "move", "positions": {"gw": ["x", 0]}}, ev(3)]}, "")
    assert [e.id for e in batch.events] == ["s-1", "s-3"] and batch.ack == "s-3"
    assert len(batch.errors) == 1 and batch.errors[0].startswith("move event: positions.gw.0")


@pytest.mark.parametrize("raw", [None, "events", {"events": "x"}, {"events": [], "more": 1}, {"events": [ev(1)] * 501}])
def test_a_malformed_value_yields_no_event_and_keeps_the_ack(raw: object) -> None:
    batch = read_batch(raw, "s-9")
    assert batch.events == () and batch.ack == "s-9" and len(batch.errors) == 1


def test_a_comments_badge_click_is_an_event_and_comment_counts_ride_on_the_badges() -> None:
    from components.whiteboard.protocol import Comments, badges, parse_event

    assert parse_event({"type": "comments", "block": "c2", "id": "e1"}) == Comments(type="comments", block="c2",
                                                                                      id="e1")
    with pytest.raises(ProtocolError):
        parse_event({"type": "comments", "block": "<b>"})

    class F:
        components = ("gw",)
        severity = "warning"
        waived = False

    assert badges([F()], {"gw": 2, "c2": 1, "gone": 0}) == {
        "gw": {"count": 1, "severity": "warning", "comments": 2}, "c2": {"count": 0, "severity": "info", "comments": 1}}

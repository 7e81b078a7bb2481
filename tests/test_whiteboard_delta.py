"""Only what changed goes down to the canvas (components.whiteboard.delta): the whole graph until the canvas says it
applies changes, then the version alone when nothing changed, or the changed records and removed ids since the
version last sent; applying those changes to what was sent gives exactly the new graph."""

from __future__ import annotations

from typing import Any

from components.whiteboard.delta import Sent, graph_props
from components.whiteboard.protocol import Resync, badges, graph, parse_event, props_and_sent, read_batch
from mlsd import edit
from mlsd.model import Design
from mlsd.rules import check


def design() -> Design:
    d = edit.new_design("t")
    d, _ = edit.add_block(d, "api_gateway", "Gateway", (0, 0), block_id="gw")
    d, _ = edit.add_block(d, "online_inference", "", (300, 0), block_id="ranker")
    d, _ = edit.add_block(d, "cache", "", (300, 200), block_id="cache")
    d, _ = edit.connect(d, "gw", "ranker", "request", conn_id="c1")
    return d


def send(d: Design, sent: Sent | None, deltas: bool = True) -> tuple[dict[str, Any], Sent]:
    return graph_props(graph(d), badges(check(d).findings), sent, deltas)


def applied(old: Sent, props: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """What the canvas holds after applying ``props`` to ``old`` (frontend/src/sync.ts, modelOf)."""
    if "graph" in props:
        return ({n["id"]: n for n in props["graph"]["nodes"]}, {e["id"]: e for e in props["graph"]["edges"]},
                props["badges"])
    if "changes" not in props:
        return old.nodes, old.edges, old.badges
    assert props["base"] == old.version
    c = props["changes"]
    nodes = {i: n for i, n in old.nodes.items() if i not in c["removed_nodes"]} | {n["id"]: n for n in c["nodes"]}
    edges = {i: e for i, e in old.edges.items() if i not in c["removed_edges"]} | {e["id"]: e for e in c["edges"]}
    marks = {i: b for i, b in old.badges.items() if i not in c["removed_badges"]} | c["badges"]
    return nodes, edges, marks


def test_the_whole_graph_goes_down_until_the_canvas_applies_changes() -> None:
    d = design()
    props, sent = send(d, None, deltas=False)
    assert props["version"] == 1 and [n["id"] for n in props["graph"]["nodes"]] == ["gw", "ranker", "cache"]
    moved = edit.move_blocks(d, {"gw": (40.0, 0.0)})
    props, sent = send(moved, sent, deltas=False)
    assert props["version"] == 2 and "graph" in props and "changes" not in props  # AppTest's canvas: always whole


def test_a_move_sends_one_block_and_nothing_changed_sends_the_version_alone() -> None:
    d = design()
    _, sent = send(d, None, deltas=False)
    props, after = send(edit.move_blocks(d, {"gw": (40.0, 0.0)}), sent)
    assert props["base"] == 1 and props["version"] == 2 and "graph" not in props
    assert [(n["id"], n["x"]) for n in props["changes"]["nodes"]] == [("gw", 40.0)]
    assert props["changes"]["edges"] == [] and props["changes"]["removed_nodes"] == []
    again, same = send(edit.move_blocks(d, {"gw": (40.0, 0.0)}), after)
    assert again == {"version": 2} and same.version == 2


def test_changes_applied_to_what_was_sent_give_the_new_graph_through_a_series_of_edits() -> None:
    d = design()
    _, sent = send(d, None, deltas=False)
    steps = [
        lambda x: edit.move_blocks(x, {"ranker": (320.0, 20.0), "cache": (0.0, 300.0)}),
        lambda x: edit.connect(x, "ranker", "cache", "stream", conn_id="c2")[0],
        lambda x: edit.set_label(x, "cache", "Hot cache"),
        lambda x: edit.delete_block(x, "gw"),
        lambda x: edit.set_connection(x, "c2", flow="batch"),
        lambda x: edit.add_block(x, "api_gateway", "Gateway", (0, 0), block_id="gw")[0],
    ]
    for step in steps:
        d = step(d)
        props, now = send(d, sent)
        nodes, edges, marks = applied(sent, props)
        assert (nodes, edges, marks) == (now.nodes, now.edges, now.badges)
        assert now.version == sent.version + 1
        sent = now
    removed = send(edit.delete_block(d, "ranker"), sent)[0]["changes"]
    assert removed["removed_nodes"] == ["ranker"] and removed["removed_edges"] == ["c2"]


def test_the_canvas_says_which_version_it_holds_and_can_ask_for_the_whole_graph() -> None:
    batch = read_batch({"events": [{"id": "s-1", "type": "resync", "have": 3}], "have": 3}, "")
    assert batch.have == 3 and batch.events == (Resync(id="s-1", type="resync", have=3),)
    assert read_batch({"events": []}, "").have is None
    for bad in (-1, "3", True, 2.5):
        refused = read_batch({"events": [], "have": bad}, "s-0")
        assert refused.events == () and refused.ack == "s-0" and "have" in refused.errors[0]
    assert isinstance(parse_event({"id": "x", "type": "resync"}), Resync)


def test_the_palette_goes_down_with_the_whole_graph_only() -> None:
    d = design()
    first, sent = props_and_sent(d)
    assert first["palette"] and "graph" in first
    later, _ = props_and_sent(edit.move_blocks(d, {"gw": (40.0, 0.0)}), sent=sent, deltas=True)
    assert "palette" not in later and "changes" in later

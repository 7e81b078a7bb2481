"""diff_designs: blocks, connections, props, requirements, waivers and findings between two designs."""

from __future__ import annotations

import json

from mlsd.diff import diff_designs
from mlsd.model import Design
from mlsd.rules import check
from mlsd.rules.context import Context
from mlsd.rules.engine import Hit, Rule
from tests.conftest import design_of


def base(**fields: object) -> dict:
    data: dict = {
        "name": "Ranking",
        "components": [
            {"id": "client", "kind": "client", "label": "App"},
            {"id": "gw", "kind": "api_gateway", "label": "Gateway", "props": {"p99_ms": 5, "replicas": 3}},
            {"id": "inf", "kind": "online_inference", "label": "Ranker", "props": {"p99_ms": 40}},
        ],
        "connections": [
            {"id": "c1", "source": "client", "target": "gw", "flow": "request"},
            {"id": "c2", "source": "gw", "target": "inf", "flow": "request"},
        ],
        "requirements": {"sla_p99_ms": 200},
    }
    data.update(fields)
    return data


def build(data: dict) -> Design:
    return design_of(**data)


def test_identical_designs_have_an_empty_diff() -> None:
    d = build(base())
    diff = diff_designs(d, build(base()))
    assert diff.empty and diff.lines() == []


def test_blocks_added_removed_and_props_changed_with_old_and_new_values() -> None:
    old = base()
    new = json.loads(json.dumps(old))
    new["components"][1]["props"] = {"p99_ms": 8, "autoscaling": True}  # replicas removed, p99 changed, added
    new["components"][2]["label"] = "Two-stage ranker"
    new["components"].append({"id": "cache", "kind": "cache", "label": "Feature cache"})
    new["components"] = [c for c in new["components"] if c["id"] != "client"]
    new["connections"] = [c for c in new["connections"] if c["id"] != "c1"]
    diff = diff_designs(build(old), build(new))
    assert [c.id for c in diff.blocks_added] == ["cache"]
    assert [c.id for c in diff.blocks_removed] == ["client"]
    changes = {item.id: {c.field: (c.old, c.new, c.change) for c in item.changes} for item in diff.blocks_changed}
    assert changes["gw"] == {
        "props.p99_ms": (5, 8, "changed"),
        "props.replicas": (3, None, "removed"),
        "props.autoscaling": (None, True, "added"),
    }
    assert changes["inf"] == {"label": ("Ranker", "Two-stage ranker", "changed")}
    assert [e.id for e in diff.connections_removed] == ["c1"]
    assert not diff.empty
    text = "\n".join(diff.lines())
    assert "+ block cache" in text and "- block client" in text and "props.p99_ms: 5 -> 8" in text


def test_moving_a_block_is_reported_apart_from_real_changes() -> None:
    old = base()
    new = json.loads(json.dumps(old))
    new["components"][0]["position"] = {"x": 300, "y": 40}
    diff = diff_designs(build(old), build(new))
    assert diff.blocks_moved == ("client",) and diff.blocks_changed == ()
    assert not diff.empty


def test_connections_requirements_fields_and_waivers() -> None:
    old = base()
    new = json.loads(json.dumps(old))
    new["connections"][1]["flow"] = "stream"
    new["connections"].append({"id": "c3", "source": "client", "target": "inf", "flow": "feedback"})
    new["requirements"] = {"sla_p99_ms": 150, "peak_qps": 5000}
    new["name"] = "Ranking v2"
    new["tags"] = ["recsys"]
    new["waivers"] = [{"rule": "REL-1", "components": ["gw"], "reason": "managed gateway"}]
    diff = diff_designs(build(old), build(new))
    assert [(i.id, [(c.field, c.old, c.new) for c in i.changes]) for i in diff.connections_changed] == [
        ("c2", [("flow", "request", "stream")])
    ]
    assert [e.id for e in diff.connections_added] == ["c3"]
    req = {c.field: (c.old, c.new) for c in diff.requirements}
    assert req == {"sla_p99_ms": (200, 150), "peak_qps": (None, 5000)}
    fields = {c.field: (c.old, c.new) for c in diff.fields}
    assert fields == {"name": ("Ranking", "Ranking v2"), "tags": (None, ["recsys"])}
    assert [w.rule for w in diff.waivers_added] == ["REL-1"] and diff.waivers_removed == ()
    back = diff_designs(build(new), build(old))
    assert [w.rule for w in back.waivers_removed] == ["REL-1"]
    assert json.loads(json.dumps(diff.to_dict()))["requirements"][0]["field"] == "sla_p99_ms"


def _slow_blocks(ctx: Context) -> list[Hit]:
    """Test rule: a block slower than 30 ms (the message carries the latency, which may change)."""
    return [Hit(f"{c.id} takes {c.num('p99_ms')} ms", (c.id,)) for c in ctx.design.components
            if c.num("p99_ms") > 30]


SLOW = Rule("TST-1", "sla", "warning", "Slow block", "make it faster", _slow_blocks)


def test_findings_introduced_and_resolved_are_matched_by_rule_and_blocks() -> None:
    old = base()
    new = json.loads(json.dumps(old))
    new["components"][1]["props"]["p99_ms"] = 50  # gw becomes slow: introduced
    new["components"][2]["props"]["p99_ms"] = 45  # inf stays slow with another message: same finding
    a, b = build(old), build(new)
    diff = diff_designs(a, b, report_a=check(a, [SLOW]), report_b=check(b, [SLOW]))
    assert [(f.rule, f.components) for f in diff.findings_introduced] == [("TST-1", ("gw",))]
    assert diff.findings_resolved == ()
    back = diff_designs(b, a, report_a=check(b, [SLOW]), report_b=check(a, [SLOW]))
    assert [(f.rule, f.components) for f in back.findings_resolved] == [("TST-1", ("gw",))]
    assert back.findings_introduced == ()
    assert "- finding TST-1" in "\n".join(back.lines())


def test_findings_use_the_registered_checklists_by_default() -> None:
    empty = Design(name="Empty")
    full = build(base())
    diff = diff_designs(empty, full)
    expected = {(f.rule, f.components, f.connections) for f in check(full).findings} - {
        (f.rule, f.components, f.connections) for f in check(empty).findings}
    assert {(f.rule, f.components, f.connections) for f in diff.findings_introduced} == expected
    assert diff_designs(full, full).findings_introduced == ()

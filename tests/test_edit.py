"""mlsd.edit: the board's edits as pure functions Design -> Design, with errors that name what is wrong."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mlsd import edit
from mlsd.catalog import KINDS
from mlsd.io import DesignError, dumps, loads
from mlsd.model import Design
from mlsd.placing import BLOCK_H, BLOCK_W
from tests.conftest import design_of

HOSTILE = '<script>alert("x")</script> {{braces}} $math$'


def small() -> Design:
    return design_of(
        [
            {"id": "client", "kind": "client", "label": "App", "position": {"x": 0, "y": 0}},
            {"id": "gw", "kind": "api_gateway", "label": "Gateway", "position": {"x": 240, "y": 0}},
            {"id": "inf", "kind": "online_inference", "label": "Ranker", "position": {"x": 480, "y": 0}},
        ],
        [
            {"id": "c1", "source": "client", "target": "gw"},
            {"id": "c2", "source": "gw", "target": "inf"},
        ],
        waivers=[
            {"rule": "REL-1", "components": ["gw"], "reason": "managed gateway"},
            {"rule": "CAP-2", "components": ["gw", "inf"], "reason": "load test passed"},
        ],
    )


def problems(exc: pytest.ExceptionInfo[DesignError]) -> str:
    return "\n".join(exc.value.problems)


def overlaps(d: Design) -> list[tuple[str, str]]:
    out = []
    blocks = d.components
    for i, a in enumerate(blocks):
        for b in blocks[i + 1:]:
            if abs(a.position.x - b.position.x) < BLOCK_W and abs(a.position.y - b.position.y) < BLOCK_H:
                out.append((a.id, b.id))
    return out


def test_edits_leave_their_input_untouched() -> None:
    d = small()
    before = dumps(d)
    edit.add_block(d, "cache")
    edit.delete_block(d, "gw")
    edit.set_prop(d, "gw", "replicas", 5)
    edit.set_label(d, "gw", "Edge")
    edit.connect(d, "client", "inf")
    edit.add_waiver(d, "SEC-8", ["inf"], "internal only")
    edit.set_requirements(d, sla_p99_ms=150)
    edit.move_blocks(d, {"gw": (1, 2)})
    assert dumps(d) == before


def test_new_design_and_rename() -> None:
    d = edit.new_design("Fraud scoring")
    assert d.name == "Fraud scoring" and not d.components
    assert edit.rename(d, "Other").name == "Other"
    with pytest.raises(DesignError, match=re.escape("blank")):
        edit.rename(d, "   ")
    with pytest.raises(DesignError, match=re.escape("at most 200 characters, got 201")):
        edit.rename(d, "x" * 201)


def test_fresh_id_counts_up_and_cleans_the_base() -> None:
    assert edit.fresh_id("gbdt", []) == "gbdt"
    assert edit.fresh_id("gbdt", ["gbdt"]) == "gbdt_2"
    assert edit.fresh_id("gbdt", ["gbdt", "gbdt_2"]) == "gbdt_3"
    assert edit.fresh_id("my block!", []) == "my_block_"
    assert edit.fresh_id("", []) == "block"


def test_next_connection_id_is_above_every_numbered_id() -> None:
    d = small()
    assert edit.next_connection_id(d) == "c3"
    assert edit.next_connection_id(d, taken=["c9"]) == "c10"


def test_add_block_copies_the_kind_defaults_at_a_free_spot() -> None:
    d, new_id = edit.add_block(small(), "cache")
    block = d.by_id()[new_id]
    assert new_id == "cache"
    assert block.props == KINDS["cache"].props
    assert block.props is not KINDS["cache"].props
    assert overlaps(d) == []
    d2, second = edit.add_block(d, "cache", label="Hot items")
    assert second == "cache_2" and d2.by_id()[second].label == "Hot items"
    assert loads(dumps(d2)) == d2  # still a valid design


def test_add_block_refuses_an_unknown_kind() -> None:
    with pytest.raises(DesignError, match=re.escape("unknown kind 'teleporter'")):
        edit.add_block(small(), "teleporter")


def test_add_block_refuses_a_taken_id() -> None:
    with pytest.raises(DesignError, match=re.escape("'gw' is used more than once")):
        edit.add_block(small(), "cache", block_id="gw")


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(st.integers(-3, 8), st.integers(-3, 8)), max_size=30))
def test_free_spot_never_overlaps_a_block(cells: list[tuple[int, int]]) -> None:
    d = edit.new_design()
    for i, (cx, cy) in enumerate(dict.fromkeys(cells)):
        d, _ = edit.add_block(d, "cache", position=(cx * 200.0, cy * 90.0), block_id=f"b{i}")
    x, y = edit.free_spot(d)
    for c in d.components:
        assert abs(c.position.x - x) >= BLOCK_W or abs(c.position.y - y) >= BLOCK_H


def test_many_added_blocks_do_not_overlap() -> None:
    d = edit.new_design()
    for _ in range(40):
        d, _ = edit.add_block(d, "gbdt")
    assert len(d.components) == 40
    assert overlaps(d) == []


def test_free_spot_near_a_block_starts_beside_it() -> None:
    x, y = edit.free_spot(small(), near=(240.0, 300.0))
    assert (x, y) == (240.0, 300.0)


def test_delete_block_removes_its_connections_and_trims_waivers() -> None:
    d = edit.delete_block(small(), "gw")
    assert [c.id for c in d.components] == ["client", "inf"]
    assert d.connections == []
    assert [(w.rule, w.components) for w in d.waivers] == [("CAP-2", ["inf"])]
    with pytest.raises(DesignError, match=re.escape("'nope' is not a block")):
        edit.delete_block(small(), "nope")


def test_move_blocks() -> None:
    d = edit.move_blocks(small(), {"gw": (10.04, -20.0)})
    assert (d.by_id()["gw"].position.x, d.by_id()["gw"].position.y) == (10.0, -20.0)
    with pytest.raises(DesignError, match=re.escape("'ghost' is not a block")):
        edit.move_blocks(small(), {"ghost": (0, 0)})
    with pytest.raises(DesignError, match=re.escape("block 'gw': position")):
        edit.move_blocks(small(), {"gw": (1e9, 0)})


def test_has_layout() -> None:
    assert edit.has_layout(small())
    stacked = design_of([{"id": "a", "kind": "cache"}, {"id": "b", "kind": "cache"}])
    assert not edit.has_layout(stacked)


def test_set_label_keeps_hostile_text_verbatim_and_refuses_long_labels() -> None:
    d = edit.set_label(small(), "gw", HOSTILE)
    assert d.by_id()["gw"].label == HOSTILE
    with pytest.raises(DesignError) as exc:
        edit.set_label(small(), "gw", "x" * 10_240)
    assert problems(exc) == "block 'gw': label must be at most 200 characters, got 10240"
    with pytest.raises(DesignError, match=re.escape("null bytes")):
        edit.set_label(small(), "gw", "a\x00b")


def test_set_prop_types_and_bounds() -> None:
    d = edit.set_prop(small(), "gw", "replicas", 4.0)
    assert d.by_id()["gw"].props["replicas"] == 4 and isinstance(d.by_id()["gw"].props["replicas"], int)
    d = edit.set_prop(d, "gw", "p99_ms", 7)
    assert d.by_id()["gw"].props["p99_ms"] == 7.0
    d = edit.set_prop(d, "gw", "regions", "eu-west-1a, eu-west-1b ,")
    assert d.by_id()["gw"].props["regions"] == ["eu-west-1a", "eu-west-1b"]
    d = edit.set_prop(d, "inf", "rollout", "canary")
    assert d.by_id()["inf"].props["rollout"] == "canary"
    with pytest.raises(DesignError) as exc:
        edit.set_prop(small(), "gw", "replicas", 0)
    assert problems(exc) == "block 'gw': props.replicas must be ≥ 1, got 0"
    with pytest.raises(DesignError, match=re.escape("block 'gw': props.replicas must be a whole number")):
        edit.set_prop(small(), "gw", "replicas", 2.5)
    with pytest.raises(DesignError, match=re.escape("block 'inf': props.rollout must be one of")):
        edit.set_prop(small(), "inf", "rollout", "yolo")
    with pytest.raises(DesignError, match=re.escape("block 'gw': props.warp_drive is not a known prop")):
        edit.set_prop(small(), "gw", "warp_drive", 1)
    with pytest.raises(DesignError, match=re.escape("block 'gw': props.pii must be true or false")):
        edit.set_prop(small(), "gw", "pii", "yes")
    with pytest.raises(DesignError, match=re.escape("props.offline_metric must be at most 200 characters")):
        edit.set_prop(small(), "inf", "offline_metric", "m" * 300)


def test_add_and_remove_prop() -> None:
    d = edit.add_prop(small(), "gw", "fallback")
    assert d.by_id()["gw"].props["fallback"] is False
    d = edit.add_prop(d, "gw", "max_replicas")
    assert d.by_id()["gw"].props["max_replicas"] == 1  # the prop's minimum: a valid start
    with pytest.raises(DesignError, match=re.escape("already has prop 'fallback'")):
        edit.add_prop(d, "gw", "fallback")
    d = edit.remove_prop(d, "gw", "fallback")
    assert "fallback" not in d.by_id()["gw"].props
    with pytest.raises(DesignError, match=re.escape("has no prop 'fallback' of its own")):
        edit.remove_prop(d, "gw", "fallback")


def test_connect_and_its_refusals() -> None:
    d, cid = edit.connect(small(), "client", "inf", flow="stream", label="events")
    conn = d.connections[-1]
    assert (cid, conn.source, conn.target, conn.flow, conn.label) == ("c3", "client", "inf", "stream", "events")
    with pytest.raises(DesignError, match=re.escape("'c1' already connects 'client' to 'gw'")):
        edit.connect(small(), "client", "gw")
    with pytest.raises(DesignError, match=re.escape("two different blocks")):
        edit.connect(small(), "gw", "gw")
    with pytest.raises(DesignError, match=re.escape("flow must be one of request, stream, batch, feedback")):
        edit.connect(small(), "client", "inf", flow="carrier-pigeon")
    with pytest.raises(DesignError, match=re.escape("'ghost' is not a block")):
        edit.connect(small(), "ghost", "inf")


def test_set_and_delete_connection() -> None:
    d = edit.set_connection(small(), "c2", flow="batch", label=HOSTILE[:100])
    assert d.connections[1].flow == "batch" and d.connections[1].label == HOSTILE[:100]
    assert edit.set_connection(d, "c2", label="").connections[1].label is None
    with pytest.raises(DesignError, match=re.escape("connection 'c2': label must be at most 200 characters, got 500")):
        edit.set_connection(small(), "c2", label="y" * 500)
    with pytest.raises(DesignError, match=re.escape("connection 'c2': flow must be one of")):
        edit.set_connection(small(), "c2", flow="telepathy")
    marked = edit.set_connection(small(), "c2", fallback=True)
    assert marked.connections[1].fallback and not marked.connections[0].fallback
    assert not edit.set_connection(marked, "c2", fallback=False).connections[1].fallback
    assert edit.set_connection(marked, "c2", label="x").connections[1].fallback  # other edits keep the mark
    assert [e.id for e in edit.delete_connection(small(), "c1").connections] == ["c2"]
    with pytest.raises(DesignError, match=re.escape("'c9' is not a connection")):
        edit.delete_connection(small(), "c9")


def test_set_requirements() -> None:
    d = edit.set_requirements(small(), sla_p99_ms=150, peak_qps=2000, regions=["eu-west-1"])
    assert (d.requirements.sla_p99_ms, d.requirements.peak_qps, d.requirements.regions) == (150, 2000, ["eu-west-1"])
    assert edit.set_requirements(d, sla_p99_ms=None).requirements.sla_p99_ms is None
    assert edit.set_requirements(d, headroom=None).requirements.headroom == 0.3
    with pytest.raises(DesignError, match=re.escape("requirements: positive_rate")):
        edit.set_requirements(small(), positive_rate=2)
    with pytest.raises(DesignError, match=re.escape("requirements.latency is not a known requirement")):
        edit.set_requirements(small(), latency=3)


def test_waivers_add_replace_and_withdraw() -> None:
    d = edit.add_waiver(small(), "SEC-8", ["inf"], "internal network only")
    assert (d.waivers[-1].rule, d.waivers[-1].components, d.waivers[-1].reason) == (
        "SEC-8", ["inf"], "internal network only")
    d = edit.add_waiver(d, "SEC-8", ["inf"], "new reason")
    assert [w.reason for w in d.waivers if w.rule == "SEC-8"] == ["new reason"]
    with pytest.raises(DesignError, match=re.escape("reason")):
        edit.add_waiver(small(), "SEC-8", ["inf"], "   ")
    with pytest.raises(DesignError, match=re.escape("'ghost' is not a block")):
        edit.add_waiver(small(), "SEC-8", ["ghost"], "why")
    d = edit.remove_waiver(d, "SEC-8", ["inf"])
    assert all(w.rule != "SEC-8" for w in d.waivers)
    # a finding on 'gw' alone is covered by the broader CAP-2 waiver of gw+inf: withdrawing removes that one
    assert all(w.rule != "CAP-2" for w in edit.remove_waiver(small(), "CAP-2", ["gw"]).waivers)
    with pytest.raises(DesignError, match=re.escape("no waiver of LAT-1")):
        edit.remove_waiver(small(), "LAT-1", ["gw"])


def test_set_notes() -> None:
    assert edit.set_notes(small(), HOSTILE).notes == HOSTILE
    with pytest.raises(DesignError, match=re.escape("notes must be at most 100000 characters")):
        edit.set_notes(small(), "n" * 100_001)


def test_coerce_prop() -> None:
    assert edit.coerce_prop("replicas", 3.0) == 3
    assert edit.coerce_prop("regions", "a,b") == ["a", "b"]
    with pytest.raises(DesignError, match=re.escape("props.nope is not a known prop")):
        edit.coerce_prop("nope", 1)

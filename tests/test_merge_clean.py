"""Three-way merge (mlsd.merge): what merges by itself (different blocks, props, requirements, notes,
additions on both sides, waivers, deletions) and where moved blocks go.

Small cases, each one rule of the module docstring of mlsd.merge, on the design of tests/merge_helpers.py.
"""

from __future__ import annotations

from mlsd import edit
from mlsd.merge import three_way
from tests.merge_helpers import base, block, clean


def test_nothing_changed_gives_the_base_and_no_changes() -> None:
    b = base()
    m = three_way(b, b, b)
    assert clean(m) == b and m.from_mine == () and m.from_theirs == () and m.overridden == ()


def test_one_side_changed_gives_that_side() -> None:
    b = base()
    changed = edit.set_prop(edit.delete_block(b, "client"), "gw", "replicas", 6)
    assert clean(three_way(b, changed, b)) == changed
    assert clean(three_way(b, b, changed)) == changed


def test_different_blocks_merge() -> None:
    b = base()
    mine = edit.set_prop(b, "gw", "replicas", 6)
    theirs = edit.set_label(b, "inf", "Two-stage ranker")
    merged = clean(three_way(b, mine, theirs))
    assert block(merged, "gw").props["replicas"] == 6 and block(merged, "inf").label == "Two-stage ranker"


def test_different_props_and_label_of_one_block_merge() -> None:
    b = base()
    mine = edit.set_prop(edit.set_label(b, "gw", "Edge gateway"), "gw", "replicas", 6)
    theirs = edit.set_prop(b, "gw", "p99_ms", 8)
    m = three_way(b, mine, theirs)
    gw = block(clean(m), "gw")
    assert (gw.label, gw.props["replicas"], gw.props["p99_ms"]) == ("Edge gateway", 6, 8)
    assert [c.anchor for c in m.from_mine] == ["block 'gw' label", "block 'gw' props.replicas"]
    assert [c.anchor for c in m.from_theirs] == ["block 'gw' props.p99_ms"]


def test_a_prop_removed_by_one_side_and_another_set_by_the_other() -> None:
    b = base()
    mine = edit.remove_prop(b, "gw", "replicas")
    theirs = edit.set_prop(b, "gw", "p99_ms", 8)
    assert block(clean(three_way(b, mine, theirs)), "gw").props == {"p99_ms": 8}


def test_the_same_change_on_both_sides_is_taken_once() -> None:
    b = base()
    both = edit.set_prop(b, "gw", "replicas", 6)
    m = three_way(b, both, both)
    assert clean(m) == both
    assert len(m.from_mine) == len(m.from_theirs) == 1


def test_requirements_merge_field_by_field() -> None:
    b = base()
    mine = edit.set_requirements(b, sla_p99_ms=150)
    theirs = edit.set_requirements(b, peak_qps=5000, regions=["eu-west-1"])
    req = clean(three_way(b, mine, theirs)).requirements
    assert (req.sla_p99_ms, req.peak_qps, req.regions) == (150, 5000, ["eu-west-1"])


def test_notes_changed_on_one_side_and_name_on_the_other_merge() -> None:
    b = base()
    merged = clean(three_way(b, edit.set_notes(b, "mine"), edit.rename(b, "Theirs")))
    assert (merged.notes, merged.name) == ("mine", "Theirs")


def test_blocks_and_connections_added_on_both_sides_merge_in_order() -> None:
    b = base()
    mine, _ = edit.add_block(b, "cache", position=(0, 300), block_id="cache")
    mine, _ = edit.connect(mine, "gw", "cache", conn_id="c3")
    theirs, _ = edit.add_block(b, "drift_detector", position=(400, 300), block_id="drift")
    theirs, _ = edit.connect(theirs, "inf", "drift", flow="stream", conn_id="c9")
    merged = clean(three_way(b, mine, theirs))
    assert [c.id for c in merged.components] == ["client", "gw", "inf", "drift", "cache"]
    assert [e.id for e in merged.connections] == ["c1", "c2", "c9", "c3"]


def test_waivers_merge_as_a_set() -> None:
    b = edit.add_waiver(base(), "REL-3", ["gw"], "single region by policy")
    mine = edit.add_waiver(b, "SEC-1", ["client"], "internal app")
    theirs = edit.remove_waiver(b, "REL-3", ["gw"])
    merged = clean(three_way(b, mine, theirs))
    assert [(w.rule, w.components) for w in merged.waivers] == [("SEC-1", ["client"])]


def test_a_waiver_reason_changed_on_both_sides_keeps_both_reasons() -> None:
    b = edit.add_waiver(base(), "REL-3", ["gw"], "single region by policy")
    mine = edit.add_waiver(b, "REL-3", ["gw"], "mine")
    theirs = edit.add_waiver(b, "REL-3", ["gw"], "theirs")
    assert sorted(w.reason for w in clean(three_way(b, mine, theirs)).waivers) == ["mine", "theirs"]


def test_a_block_deleted_on_one_side_and_left_alone_on_the_other_goes_with_its_connections() -> None:
    b = base()
    merged = clean(three_way(b, edit.delete_block(b, "inf"), edit.set_prop(b, "gw", "replicas", 6)))
    assert "inf" not in merged.by_id() and [e.id for e in merged.connections] == ["c1"]


def test_a_block_moved_on_one_side_goes_there() -> None:
    b = base()
    mine = edit.move_blocks(b, {"gw": (210, 50)})
    theirs = edit.set_prop(b, "gw", "replicas", 6)
    gw = block(clean(three_way(b, mine, theirs)), "gw")
    assert (gw.position.x, gw.position.y, gw.props["replicas"]) == (210, 50, 6)


def test_a_block_moved_by_both_stays_where_theirs_put_it_and_says_so() -> None:
    b = base()
    m = three_way(b, edit.move_blocks(b, {"gw": (1, 1)}), edit.move_blocks(b, {"gw": (2, 2)}))
    assert block(clean(m), "gw").position.x == 2
    assert m.overridden == ("you both moved block 'gw': it stays where they put it",)


def test_a_block_moved_by_one_and_deleted_by_the_other_is_deleted_and_says_so() -> None:
    b = base()
    m = three_way(b, edit.move_blocks(b, {"inf": (9, 9)}), edit.delete_block(b, "inf"))
    assert "inf" not in clean(m).by_id()
    assert m.overridden == ("you moved block 'inf', which they deleted",)

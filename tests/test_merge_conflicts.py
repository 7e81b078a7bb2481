"""Three-way merge (mlsd.merge): what is a conflict (the same prop, notes or requirement changed
differently, a deletion against a change, half changes of a connection's ends, one block id added differently)
and what is not (the same block added by both).

Small cases, each one rule of the module docstring of mlsd.merge, on the design of tests/merge_helpers.py.
"""

from __future__ import annotations

from mlsd import edit
from mlsd.merge import resolve, three_way
from tests.merge_helpers import base, block, clean, only


def test_the_same_prop_set_to_different_values_is_a_conflict_naming_its_anchor_and_values() -> None:
    b = base()
    m = three_way(b, edit.set_prop(b, "gw", "replicas", 6), edit.set_prop(b, "gw", "replicas", 9))
    c = only(m)
    assert m.design is None
    assert (c.key, c.anchor, c.kind, c.base, c.mine, c.theirs) == (
        "blocks/gw/props/replicas", "block 'gw' props.replicas", "value", "3", "6", "9")
    assert c.options == ("mine", "theirs")
    assert block(resolve(m, {c.key: "mine"}), "gw").props["replicas"] == 6
    assert block(resolve(m, {c.key: "theirs"}), "gw").props["replicas"] == 9


def test_conflicts_and_clean_changes_together() -> None:
    b = base()
    mine = edit.set_label(edit.set_requirements(b, sla_p99_ms=150), "gw", "Mine")
    theirs = edit.set_label(edit.set_prop(b, "inf", "p99_ms", 30), "gw", "Theirs")
    m = three_way(b, mine, theirs)
    assert only(m).key == "blocks/gw/label"
    merged = resolve(m, {"blocks/gw/label": "mine"})
    assert (merged.requirements.sla_p99_ms, block(merged, "inf").props["p99_ms"], block(merged, "gw").label) == (
        150, 30, "Mine")


def test_notes_edited_on_both_sides_are_a_conflict_showing_both_texts() -> None:
    b = base()
    m = three_way(b, edit.set_notes(b, "mine\nline two"), edit.set_notes(b, "theirs"))
    c = only(m)
    assert (c.key, c.mine, c.theirs) == ("fields/notes", "mine\nline two", "theirs")


def test_a_requirement_set_differently_is_a_conflict() -> None:
    b = base()
    m = three_way(b, edit.set_requirements(b, sla_p99_ms=100), edit.set_requirements(b, sla_p99_ms=None))
    c = only(m)
    assert (c.key, c.base, c.mine, c.theirs) == ("requirements/sla_p99_ms", "200.0", "100.0", "(none)")
    assert resolve(m, {c.key: "theirs"}).requirements.sla_p99_ms is None


def test_a_block_deleted_by_one_and_changed_by_the_other_is_one_conflict() -> None:
    b = base()
    m = three_way(b, edit.delete_block(b, "inf"), edit.set_prop(b, "inf", "p99_ms", 30))
    c = only(m)
    assert (c.key, c.kind, c.mine, c.detail) == (
        "blocks/inf", "deleted", "(deleted)", "You deleted this block; they set props.p99_ms.")
    kept = resolve(m, {c.key: "theirs"})
    assert block(kept, "inf").props["p99_ms"] == 30 and [e.id for e in kept.connections] == ["c1", "c2"]
    gone = resolve(m, {c.key: "mine"})
    assert "inf" not in gone.by_id() and [e.id for e in gone.connections] == ["c1"]


def test_a_connection_added_to_a_block_the_other_deleted_is_a_conflict_on_the_block() -> None:
    b = base()
    mine, _ = edit.connect(b, "client", "inf", conn_id="c5")
    theirs = edit.add_waiver(edit.delete_block(b, "inf"), "REL-3", ["gw"], "one region")
    m = three_way(b, mine, theirs)
    c = only(m)
    assert (c.key, c.detail) == ("blocks/inf", "They deleted this block; you added connection 'c5' to it.")
    kept = resolve(m, {c.key: "mine"})  # the block comes back with its connections, theirs' waiver stays
    assert sorted(e.id for e in kept.connections) == ["c1", "c2", "c5"] and [w.rule for w in kept.waivers] == ["REL-3"]
    gone = resolve(m, {c.key: "theirs"})
    assert "inf" not in gone.by_id() and [e.id for e in gone.connections] == ["c1"]


def test_a_waiver_added_for_a_block_the_other_deleted_is_a_conflict() -> None:
    b = base()
    m = three_way(b, edit.add_waiver(b, "REL-3", ["inf", "gw"], "why"), edit.delete_block(b, "inf"))
    c = only(m)
    assert c.detail == "They deleted this block; you waived REL-3 for it."
    gone = resolve(m, {c.key: "theirs"})
    assert [(w.rule, w.components) for w in gone.waivers] == [("REL-3", ["gw"])]


def test_a_connection_deleted_by_one_and_changed_by_the_other_is_a_conflict() -> None:
    b = base()
    m = three_way(b, edit.set_connection(b, "c2", flow="stream"), edit.delete_connection(b, "c2"))
    c = only(m)
    assert (c.key, c.mine, c.theirs) == ("connections/c2", "gw -> inf, stream", "(deleted)")
    assert [e.flow for e in resolve(m, {c.key: "mine"}).connections] == ["request", "stream"]
    assert [e.id for e in resolve(m, {c.key: "theirs"}).connections] == ["c1"]


def test_half_changes_of_a_connections_ends_are_one_conflict_so_no_loop_is_made() -> None:
    b = base()
    mine, _ = edit.connect(edit.delete_connection(b, "c2"), "gw", "client", conn_id="c2")  # gw -> client
    theirs, _ = edit.connect(edit.delete_connection(b, "c2"), "client", "inf", conn_id="c2")  # client -> inf
    m = three_way(b, mine, theirs)
    assert only(m).key == "connections/c2/ends"


def test_both_adding_one_block_id_differently_is_a_conflict_with_keep_both() -> None:
    b = base()
    mine, _ = edit.add_block(b, "cache", position=(0, 300), block_id="cache")
    mine, _ = edit.connect(mine, "gw", "cache", conn_id="c3")
    theirs, _ = edit.add_block(b, "cache", position=(500, 300), block_id="cache")
    theirs, _ = edit.connect(theirs, "inf", "cache", conn_id="c3")
    m = three_way(b, mine, theirs)
    keys = {c.key: c for c in m.conflicts}
    assert set(keys) == {"blocks/cache", "connections/c3"}
    assert keys["blocks/cache"].options == ("mine", "theirs", "both")
    both = resolve(m, {"blocks/cache": "both", "connections/c3": "theirs"})
    assert [c.id for c in both.components][-2:] == ["cache", "cache_2"]
    assert {(e.source, e.target) for e in both.connections} >= {("inf", "cache"), ("gw", "cache_2")}
    assert len(resolve(m, {"blocks/cache": "mine", "connections/c3": "mine"}).components) == 4


def test_both_adding_the_same_block_is_one_block() -> None:
    b = base()
    mine, _ = edit.add_block(b, "cache", position=(0, 300), block_id="cache")
    assert clean(three_way(b, mine, mine)) == mine

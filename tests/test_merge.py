"""Three-way merge (mlsd.merge): what merges by itself, what is a conflict, resolving picks, and nothing dropped.

Small cases first, each one rule of the module docstring; then a seeded random property test over the example
designs in designs/: both sides make random edits through ``mlsd.edit``, and every change each side made (as
``mlsd.diff`` enumerates it) must be in the merged design, or, when it is not, a conflict must cover it.
"""

from __future__ import annotations

import contextlib
import random
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from mlsd import edit
from mlsd.diff import diff_designs
from mlsd.io import DesignError, load_file
from mlsd.merge import Conflict, Merge, MergeError, resolve, three_way
from mlsd.model import Component, Design
from tests.conftest import design_of

DESIGNS = sorted((Path(__file__).resolve().parent.parent / "designs").glob("*.json"))


def base() -> Design:
    return design_of(
        [
            {"id": "client", "kind": "client", "label": "App", "position": {"x": 0, "y": 0}},
            {"id": "gw", "kind": "api_gateway", "label": "Gateway", "props": {"p99_ms": 5, "replicas": 3},
             "position": {"x": 200, "y": 0}},
            {"id": "inf", "kind": "online_inference", "label": "Ranker", "props": {"p99_ms": 40},
             "position": {"x": 400, "y": 0}},
        ],
        [
            {"id": "c1", "source": "client", "target": "gw", "flow": "request"},
            {"id": "c2", "source": "gw", "target": "inf", "flow": "request"},
        ],
        name="Ranking", requirements={"sla_p99_ms": 200, "peak_qps": 1000}, notes="first notes",
    )


def block(d: Design, bid: str) -> Component:
    return d.by_id()[bid]


def clean(merge: Merge) -> Design:
    assert merge.clean, [(c.key, c.detail) for c in merge.conflicts]
    assert merge.design is not None
    return merge.design


def only(merge: Merge) -> Conflict:
    assert len(merge.conflicts) == 1, [c.key for c in merge.conflicts]
    return merge.conflicts[0]


def picks(merge: Merge, pick: str) -> dict[str, str]:
    return {c.key: pick for c in merge.conflicts}


# -- clean merges -------------------------------------------------------------------------------------------


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


# -- positions ----------------------------------------------------------------------------------------------


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


# -- conflicts ----------------------------------------------------------------------------------------------


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


# -- resolve ------------------------------------------------------------------------------------------------


def test_resolve_names_every_conflict_without_a_pick_and_changes_nothing() -> None:
    b = base()
    m = three_way(b, edit.set_label(b, "gw", "A"), edit.set_label(b, "gw", "B"))
    with pytest.raises(MergeError) as err:
        resolve(m, {})
    assert err.value.problems == ["block 'gw' label: pick mine or theirs"]
    with pytest.raises(MergeError):
        resolve(m, {"blocks/gw/label": "both"})
    assert isinstance(err.value, DesignError)


def test_resolve_refuses_picks_that_leave_a_connection_without_its_block() -> None:
    b = design_of([{"id": i, "kind": "cache"} for i in ("a", "b", "y")],
                  [{"id": "c1", "source": "a", "target": "b"}], name="n")
    mine, _ = edit.connect(edit.delete_connection(b, "c1"), "a", "y", conn_id="c1")  # a -> y
    theirs, _ = edit.connect(edit.delete_connection(edit.delete_block(b, "y"), "c1"), "b", "a", conn_id="c1")
    m = three_way(b, mine, theirs)
    assert {c.key for c in m.conflicts} == {"blocks/y", "connections/c1/ends"}
    with pytest.raises(MergeError) as err:
        resolve(m, {"blocks/y": "theirs", "connections/c1/ends": "mine"})
    assert err.value.problems == [
        "connection 'c1' (a -> y): the version picked needs block 'y', which the pick for that block deletes; "
        "pick the other version of one of them"]
    assert [(e.source, e.target) for e in resolve(m, picks(m, "mine")).connections] == [("a", "y")]
    assert [(e.source, e.target) for e in resolve(m, picks(m, "theirs")).connections] == [("b", "a")]


def test_summary_says_what_came_from_which_revision() -> None:
    b = base()
    m = three_way(b, edit.set_label(b, "gw", "A"), edit.set_prop(edit.rename(b, "X"), "inf", "p99_ms", 9))
    assert m.summary(7, "ana") == "merged 2 changes from revision 7 by ana with 1 change of yours"
    m = three_way(b, edit.move_blocks(b, {"gw": (1, 1)}), edit.move_blocks(b, {"gw": (2, 2)}))
    assert m.summary(3) == ("merged 1 change from revision 3 with 0 changes of yours; you both moved block 'gw': "
                            "it stays where they put it")


# -- nothing is dropped: a seeded random property test over the example designs ----------------------------

NO_FINDINGS = cast(Any, SimpleNamespace(findings=[]))


def random_edit(d: Design, rng: random.Random) -> Design:
    """One random edit through mlsd.edit, on the first few blocks so that both sides often meet."""
    ids = [c.id for c in d.components][:5]
    conns = [e.id for e in d.connections][:6]
    if not ids:
        return edit.add_block(d, "cache", position=(rng.randint(0, 3) * 100, 500))[0]
    bid = rng.choice(ids)
    props = [k for k, v in d.by_id()[bid].props.items() if isinstance(v, int) and not isinstance(v, bool)]
    pick = rng.randrange(13)
    if pick == 0:
        return edit.set_label(d, bid, rng.choice(["A", "B", ""]))
    if pick == 1 and props:
        name = rng.choice(props)
        return edit.set_prop(d, bid, name, rng.choice([1, 2, 7]))
    if pick == 2 and props:
        return edit.remove_prop(d, bid, rng.choice(props))
    if pick == 3:
        return edit.move_blocks(d, {bid: (rng.choice([0, 100]), rng.choice([0, 50]))})
    if pick == 4:
        return edit.delete_block(d, bid)
    if pick == 5:
        return edit.add_block(d, rng.choice(["cache", "drift_detector"]),
                              position=(rng.randint(0, 3) * 100, 900))[0]
    if pick == 6:
        return edit.connect(d, bid, rng.choice(ids), flow=rng.choice(["request", "stream"]))[0]
    if pick == 7 and conns:
        return edit.delete_connection(d, rng.choice(conns))
    if pick == 8 and conns:
        return edit.set_connection(d, rng.choice(conns), flow=rng.choice(["batch", "stream"]),
                                   label=rng.choice(["x", ""]))
    if pick == 9:
        return edit.set_requirements(d, **{rng.choice(["sla_p99_ms", "peak_qps"]): rng.choice([50, 80, None])})
    if pick == 10:
        return edit.add_waiver(d, rng.choice(["REL-3", "SEC-1"]), [bid], rng.choice(["ok", "fine"]))
    if pick == 11:
        return edit.set_notes(d, rng.choice(["n1", "n2"]))
    return edit.rename(d, rng.choice(["R1", "R2"]))


def edited(d: Design, rng: random.Random) -> Design:
    for _ in range(rng.randint(1, 6)):
        with contextlib.suppress(DesignError):  # an edit that does not apply here (a self-loop, a duplicate...)
            d = random_edit(d, rng)
    return d


def missing_changes(base_design: Design, side: Design, result: Design) -> list[tuple[str, str]]:
    """Every change ``side`` made from the base (as mlsd.diff enumerates it, plus moves of changed blocks) that
    ``result`` does not hold, as (anchor kind, id)."""
    d = diff_designs(base_design, side, report_a=NO_FINDINGS, report_b=NO_FINDINGS)
    blocks, conns = result.by_id(), {e.id: e for e in result.connections}
    waivers = {(w.rule, tuple(sorted(w.components)), w.reason) for w in result.waivers}
    out = [("fields", c.field) for c in d.fields if (getattr(result, c.field) or None) != c.new]
    req = result.requirements.model_dump()
    out += [("requirements", c.field) for c in d.requirements if req[c.field] != c.new]
    out += [("blocks", c.id) for c in d.blocks_added if blocks.get(c.id) != c]
    out += [("blocks", c.id) for c in d.blocks_removed if c.id in blocks]
    for item in d.blocks_changed:
        now = blocks.get(item.id)
        for c in item.changes:
            value = None if now is None else (now.props.get(c.field[6:]) if c.field.startswith("props.")
                                              else getattr(now, c.field) or None)
            if now is None or value != c.new:
                out.append(("blocks", item.id))
    old = base_design.by_id()
    out += [("position", c.id) for c in side.components
            if c.id in old and c.position != old[c.id].position and (c.id not in blocks
                                                                      or blocks[c.id].position != c.position)]
    out += [("connections", e.id) for e in d.connections_added if conns.get(e.id) != e]
    out += [("connections", e.id) for e in d.connections_removed if e.id in conns]
    out += [("connections", item.id) for item in d.connections_changed
            if item.id not in conns or any(getattr(conns[item.id], c.field) != c.new for c in item.changes)]
    out += [("waivers", w.rule) for w in d.waivers_added if (w.rule, tuple(sorted(w.components)), w.reason)
            not in waivers]
    out += [("waivers", w.rule) for w in d.waivers_removed if (w.rule, tuple(sorted(w.components)), w.reason)
            in waivers]
    return out


def covered(merge: Merge, base_design: Design, side: Design, anchor: tuple[str, str]) -> bool:
    """A change that is not in the result is explained: a conflict on it (or on a block it touches), or a
    position named in ``overridden``."""
    kind, item = anchor
    if kind == "position":
        return any(f"block {item!r}" in note for note in merge.overridden) or any(
            c.path[:2] == ("blocks", item) for c in merge.conflicts)
    touched = {item}
    if kind == "connections":
        for d in (side, base_design):
            touched |= {end for e in d.connections if e.id == item for end in (e.source, e.target)}
    if kind == "waivers":
        touched |= {b for d in (side, base_design) for w in d.waivers if w.rule == item for b in w.components}
    return any(c.path[:2] == (kind, item) or (c.path[0] == "blocks" and c.path[1] in touched)
               or (c.path[0] == "connections" and kind == "connections" and c.path[1] == item)
               for c in merge.conflicts)


def normal(d: Design) -> dict[str, Any]:
    data = d.model_dump(mode="json")
    data["waivers"] = sorted((w["rule"], sorted(w["components"]), w["reason"]) for w in data["waivers"])
    return data


@pytest.mark.parametrize("path", DESIGNS, ids=lambda p: p.stem)
def test_random_edits_on_both_sides_lose_nothing(path: Path) -> None:
    rng = random.Random(f"merge-{path.stem}")
    start = load_file(path)
    conflicted = 0
    for _ in range(40):
        mine, theirs = edited(start, rng), edited(start, rng)
        m = three_way(start, mine, theirs)
        assert normal(clean(three_way(start, mine, start))) == normal(mine)
        assert normal(clean(three_way(start, start, theirs))) == normal(theirs)
        assert normal(clean(three_way(start, mine, mine))) == normal(mine)
        for side, name, other in ((mine, "mine", "theirs"), (theirs, "theirs", "mine")):
            if m.clean:
                assert m.design is not None
                lost = missing_changes(start, side, m.design)
                assert all(a[0] == "position" and covered(m, start, side, a) for a in lost), (name, lost)
                continue
            own = resolve(m, picks(m, name))  # every pick our way: all of this side's changes are there
            assert [a for a in missing_changes(start, side, own) if a[0] != "position"] == [], name
            lost = missing_changes(start, side, resolve(m, picks(m, other)))
            assert all(covered(m, start, side, a) for a in lost), (name, lost, [c.key for c in m.conflicts])
        conflicted += not m.clean
        assert all(c.mine != c.theirs for c in m.conflicts)
    assert 0 < conflicted < 40  # the edits meet sometimes, not always

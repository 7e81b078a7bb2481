"""Three-way merge (mlsd.merge): nothing is dropped. A seeded random property test over the example
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
from mlsd.merge import Merge, resolve, three_way
from mlsd.model import Design
from tests.merge_helpers import clean, picks

DESIGNS = sorted((Path(__file__).resolve().parent.parent / "designs").glob("*.json"))
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

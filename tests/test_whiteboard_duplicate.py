"""Duplicate and paste on the canvas: the copies keep their layout and land on no block (mlsd.placing.copy_offset)."""

from __future__ import annotations

from components.whiteboard.apply import apply
from components.whiteboard.protocol import parse_event
from mlsd import edit
from mlsd.model import Design
from mlsd.placing import BLOCK_H, BLOCK_W, copy_offset


def overlaps(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return abs(a[0] - b[0]) < BLOCK_W + 20 and abs(a[1] - b[1]) < BLOCK_H + 20


def test_a_free_preferred_offset_is_kept() -> None:
    assert copy_offset([(0, 0)], [(0, 0)], (400, 0)) == (400, 0)


def test_a_copy_goes_below_then_right_when_the_offset_is_taken() -> None:
    assert copy_offset([(0, 0)], [(0, 0)], (40, 40)) == (0, BLOCK_H + 20)
    below_taken = [(0, 0), (0, 100)]
    assert copy_offset([(0, 0)], below_taken, (40, 40)) == (BLOCK_W + 20, 0)


def test_a_group_moves_as_one_and_lands_on_nothing() -> None:
    group = [(0, 0), (240, 0), (0, 120)]
    others = [*group, (0, 300), (500, 40)]
    dx, dy = copy_offset(group, others, (40, 40))
    copies = [(x + dx, y + dy) for x, y in group]
    assert not any(overlaps(c, o) for c in copies for o in others)
    assert copy_offset([], others, (40, 40)) == (40, 40)


def design() -> Design:
    d = edit.new_design("t")
    d, _ = edit.add_block(d, "api_gateway", "Gateway", (0, 0), block_id="gw")
    d, _ = edit.add_block(d, "online_inference", "", (0, 100), block_id="ranker")  # right below the gateway
    return d


def test_ctrl_d_twice_makes_two_copies_apart() -> None:
    d = design()
    first = apply(d, parse_event({"id": "e-1", "type": "duplicate", "blocks": ["gw"], "dx": 40, "dy": 40}))
    twice = apply(first.design, parse_event({"id": "e-2", "type": "duplicate", "blocks": [first.created[0]],
                                             "dx": 40, "dy": 40}))
    spots = [(c.position.x, c.position.y) for c in twice.design.components]
    assert len(spots) == 4
    assert not any(overlaps(a, b) for i, a in enumerate(spots) for b in spots[i + 1:])

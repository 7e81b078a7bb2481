"""Auto-layout (mlsd.formats.layout): layers increase along the edges of a DAG, by the longest path,
ordered by their predecessors; cycles are broken and feedback ignored; ten thousand blocks are laid out fast."""

from __future__ import annotations

import time

from mlsd.formats.layout import auto_layout
from mlsd.model import Design
from tests.conftest import design_of
from tests.render_samples import big_design, chain


def _x_increases(design: Design) -> None:
    pos = auto_layout(design)
    assert set(pos) == {c.id for c in design.components}
    for e in design.connections:
        assert pos[e.target][0] > pos[e.source][0], e


def test_auto_layout_layers_increase_along_edges_of_a_dag():
    _x_increases(big_design(200))
    _x_increases(chain(50))
    pos = auto_layout(big_design(200))
    assert len(set(pos.values())) == 200  # no two blocks on the same spot


def test_auto_layout_uses_the_longest_path():
    design = design_of([{"id": i, "kind": "cache"} for i in "abcd"],
                       [{"id": "1", "source": "a", "target": "b"}, {"id": "2", "source": "b", "target": "c"},
                        {"id": "3", "source": "a", "target": "c"}, {"id": "4", "source": "d", "target": "c"}])
    pos = auto_layout(design)
    assert pos["a"][0] == pos["d"][0] < pos["b"][0] < pos["c"][0]


def test_auto_layout_orders_a_layer_by_its_predecessors():
    # b2 is listed before b1, but a1 -> b1 and a2 -> b2: the barycentre keeps the edges parallel
    design = design_of([{"id": i, "kind": "cache"} for i in ("a1", "a2", "b2", "b1")],
                       [{"id": "1", "source": "a1", "target": "b1"}, {"id": "2", "source": "a2", "target": "b2"}])
    pos = auto_layout(design)
    assert (pos["a1"][1] < pos["a2"][1]) == (pos["b1"][1] < pos["b2"][1])


def test_auto_layout_breaks_cycles_and_ignores_feedback():
    design = design_of([{"id": i, "kind": "cache"} for i in "abc"],
                       [{"id": "1", "source": "a", "target": "b"}, {"id": "2", "source": "b", "target": "c"},
                        {"id": "3", "source": "c", "target": "a"}])
    pos = auto_layout(design)
    assert pos["a"][0] < pos["b"][0] < pos["c"][0]
    looped = design_of([{"id": i, "kind": "cache"} for i in "ab"],
                       [{"id": "1", "source": "a", "target": "b"},
                        {"id": "2", "source": "b", "target": "a", "flow": "feedback"}])
    pos = auto_layout(looped)
    assert pos["a"][0] < pos["b"][0]
    assert auto_layout(design_of([])) == {}


def test_auto_layout_of_ten_thousand_blocks_is_fast():
    design = big_design(10_000)
    start = time.perf_counter()
    pos = auto_layout(design)
    assert time.perf_counter() - start < 3.0
    assert len(pos) == 10_000
    deep = chain(10_000, "batch")  # 10,000 layers: no recursion limit
    assert auto_layout(deep)["s9999"][0] > auto_layout(deep)["s9998"][0]

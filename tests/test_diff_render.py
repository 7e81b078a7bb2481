"""diff_dot: a design's DOT with added, removed and changed blocks and connections coloured (tested on text)."""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import pytest

from mlsd.diff import diff_designs
from mlsd.formats.diff_dot import (
    ADDED_COLOR,
    CHANGED_COLOR,
    DIM_FILL,
    FILLS,
    REMOVED_COLOR,
    blocks_concerned,
    diff_dots,
    neighbourhood,
    to_dot_highlighted,
)
from mlsd.formats.dot import to_dot
from mlsd.model import Design
from tests.conftest import design_of

HOSTILE = 'x"];\n  n0 [id="block-inf", color="#2e7d32"]; <b>'


def base() -> dict:
    return {
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


def build(data: dict) -> Design:
    return design_of(**json.loads(json.dumps(data)))


def line_of(dot: str, marker: str) -> str:
    found = [line for line in dot.splitlines() if f'[id="{marker}"' in line]
    assert len(found) == 1, (marker, dot)
    return found[0]


def test_nothing_marked_and_nothing_dimmed_is_exactly_to_dot() -> None:
    d = build(base())
    assert to_dot_highlighted(d, dim_unchanged=False) == to_dot(d)


def test_marked_blocks_get_their_colour_and_the_rest_is_dimmed() -> None:
    d = build(base())
    dot = to_dot_highlighted(d, added=["gw"], changed=["inf"])
    gw, inf, client = line_of(dot, "block-gw"), line_of(dot, "block-inf"), line_of(dot, "block-client")
    assert gw.endswith(f'color="{ADDED_COLOR}", penwidth=3, fillcolor="{FILLS["added"]}", style="filled"];')
    assert f'color="{CHANGED_COLOR}"' in inf and f'fillcolor="{FILLS["changed"]}"' in inf
    assert f'fillcolor="{DIM_FILL}"' in client and ADDED_COLOR not in client
    # the same lines as to_dot, each with attributes appended at its end
    plain = to_dot(d).splitlines()
    assert len(dot.splitlines()) == len(plain)
    assert all(new.startswith(old[:-2]) for old, new in zip(plain, dot.splitlines(), strict=True) if old != "}")


def test_removed_block_is_red_and_dashed_keeping_its_own_style() -> None:
    d = build(base())
    for block in d.components:
        style = re.search(r', style="([^"]*)"', line_of(to_dot(d), f"block-{block.id}"))
        assert style
        line = line_of(to_dot_highlighted(d, removed=[block.id]), f"block-{block.id}")
        assert f'color="{REMOVED_COLOR}"' in line and line.endswith(f'style="{style.group(1)},dashed"];')


def test_connections_are_coloured_by_their_change() -> None:
    d = build(base())
    dot = to_dot_highlighted(d, connections={"c1": "removed", "c2": "added"}, dim_unchanged=False)
    c1, c2 = line_of(dot, "conn-c1"), line_of(dot, "conn-c2")
    assert f'color="{REMOVED_COLOR}"' in c1 and c1.endswith("style=dashed];")
    assert f'color="{ADDED_COLOR}"' in c2 and "dashed" not in c2.split('color="' + ADDED_COLOR)[1]
    assert all(ADDED_COLOR not in line and REMOVED_COLOR not in line for line in dot.splitlines()
               if "block-" in line)


def test_unknown_or_doubly_marked_ids_are_refused() -> None:
    d = build(base())
    with pytest.raises(ValueError, match="'nope' is not in the design"):
        to_dot_highlighted(d, added=["nope"])
    with pytest.raises(ValueError, match="marked both added and changed"):
        to_dot_highlighted(d, added=["gw"], changed=["gw"])
    with pytest.raises(ValueError, match="connection 'c9'"):
        to_dot_highlighted(d, connections={"c9": "added"})


def test_title_replaces_the_diagram_title_escaped() -> None:
    d = build(base())
    dot = to_dot_highlighted(d, title='Revision 2 "old"')
    assert dot.rstrip().splitlines()[-2] == '  graph [label="Revision 2 \\"old\\""];'


def test_hostile_labels_cannot_move_or_fake_a_highlight() -> None:
    data = base()
    data["components"][0]["label"] = HOSTILE
    data["connections"][0]["label"] = HOSTILE
    d = build(data)
    dot = to_dot_highlighted(d, added=["gw"], connections={"c2": "changed"})
    assert len(dot.splitlines()) == len(to_dot(d).splitlines())
    assert f'color="{ADDED_COLOR}"' in line_of(dot, "block-gw")
    assert f'color="{ADDED_COLOR}"' not in line_of(dot, "block-client")
    assert f'color="{ADDED_COLOR}"' not in line_of(dot, "block-inf")
    assert f'color="{CHANGED_COLOR}"' not in line_of(dot, "conn-c1")
    assert line_of(dot, "block-client").endswith('fontcolor="#78909c", penwidth=1];')


def test_diff_dots_marks_each_side_of_a_real_diff() -> None:
    old = base()
    new = json.loads(json.dumps(old))
    new["components"] = [c for c in new["components"] if c["id"] != "client"]
    new["connections"] = [c for c in new["connections"] if c["id"] != "c1"]
    new["components"][0]["props"]["p99_ms"] = 9
    new["components"].append({"id": "cache", "kind": "cache", "label": "Feature cache"})
    new["connections"].append({"id": "c3", "source": "inf", "target": "cache", "flow": "request"})
    a, b = build(old), build(new)
    left, right = diff_dots(a, b, diff_designs(a, b), title_a="Revision 1", title_b="Revision 2")
    assert f'color="{REMOVED_COLOR}"' in line_of(left, "block-client")
    assert f'color="{REMOVED_COLOR}"' in line_of(left, "conn-c1")
    assert f'color="{CHANGED_COLOR}"' in line_of(left, "block-gw")
    assert f'color="{CHANGED_COLOR}"' in line_of(right, "block-gw")
    assert f'color="{ADDED_COLOR}"' in line_of(right, "block-cache")
    assert f'color="{ADDED_COLOR}"' in line_of(right, "conn-c3")
    assert f'fillcolor="{DIM_FILL}"' in line_of(right, "block-inf")
    assert 'label="Revision 1"' in left and 'label="Revision 2"' in right
    assert "block-cache" not in left and "block-client" not in right


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz 'dot' is not installed")
def test_graphviz_draws_the_appended_colours() -> None:
    """The highlight works because a later attribute wins: check that Graphviz itself draws the new colours."""
    d = build(base())
    dot = to_dot_highlighted(d, added=["gw"], connections={"c2": "removed"})
    svg = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True, check=True, timeout=30).stdout
    node = re.search(r'<g id="block&#45;gw".*?</g>', svg, re.S)
    edge = re.search(r'<g id="conn&#45;c2".*?</g>', svg, re.S)
    assert node and f'fill="{FILLS["added"]}"' in node.group() and f'stroke="{ADDED_COLOR}"' in node.group()
    assert edge and f'stroke="{REMOVED_COLOR}"' in edge.group() and "stroke-dasharray" in edge.group()


def test_rankdir_turns_the_diagram_and_unknown_directions_are_refused() -> None:
    d = build(base())
    dot = to_dot_highlighted(d, rankdir="TB")
    assert dot.rstrip().splitlines()[-2] == "  graph [rankdir=TB];"
    assert "rankdir=TB" not in to_dot_highlighted(d)
    with pytest.raises(ValueError, match="rankdir"):
        to_dot_highlighted(d, rankdir="TB]; evil [")


def chain(n: int) -> dict:
    """A straight request chain of ``n`` caches b0 -> b1 -> ... (a design where 'neighbours' are easy to name)."""
    return {
        "name": "Chain",
        "components": [{"id": f"b{i}", "kind": "cache", "label": f"Block {i}"} for i in range(n)],
        "connections": [{"id": f"e{i}", "source": f"b{i}", "target": f"b{i + 1}", "flow": "request"}
                        for i in range(n - 1)],
    }


def test_neighbourhood_keeps_the_blocks_around_and_the_connections_among_them() -> None:
    d = build(chain(8))
    near = neighbourhood(d, ["b3", "nope"])
    assert [c.id for c in near.components] == ["b2", "b3", "b4"]
    assert [e.id for e in near.connections] == ["e2", "e3"]
    assert [c.id for c in neighbourhood(d, ["b0"], hops=2).components] == ["b0", "b1", "b2"]
    assert d.components[0].id == "b0" and len(d.components) == 8  # the design itself is unchanged


def test_focus_draws_only_the_changes_and_their_neighbours_on_both_sides() -> None:
    old = chain(10)
    new = json.loads(json.dumps(old))
    new["components"][5]["label"] = "Renamed"
    new["components"].append({"id": "x", "kind": "cache", "label": "Extra"})
    new["connections"].append({"id": "ex", "source": "b8", "target": "x", "flow": "stream"})
    a, b = build(old), build(new)
    diff = diff_designs(a, b)
    assert blocks_concerned(diff, a, b) == {"b5", "x", "b8"}
    left, right = diff_dots(a, b, diff, focus=True)
    blocks_left = set(re.findall(r'id="block-(\w+)"', left))
    blocks_right = set(re.findall(r'id="block-(\w+)"', right))
    assert blocks_left == {"b4", "b5", "b6", "b7", "b8", "b9"}
    assert blocks_right == blocks_left | {"x"}
    assert f'color="{ADDED_COLOR}"' in line_of(right, "conn-ex")
    full_left, _ = diff_dots(a, b, diff)
    assert len(set(re.findall(r'id="block-(\w+)"', full_left))) == 10


def test_focus_with_only_field_changes_draws_everything() -> None:
    old = chain(4)
    new = {**old, "notes": "now with notes"}
    a, b = build(old), build(new)
    left, right = diff_dots(a, b, diff_designs(a, b), focus=True)
    assert len(re.findall(r'id="block-', left)) == len(re.findall(r'id="block-', right)) == 4

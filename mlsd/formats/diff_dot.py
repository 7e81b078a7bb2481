"""Diagrams of a diff: a design's Graphviz DOT with the blocks and connections that changed highlighted.

Here "component" means a placed block of a design (``mlsd.model.Component``).

``to_dot_highlighted`` draws a design exactly as ``mlsd.formats.dot.to_dot`` does, then colours what changed: added
green, removed red (dashed), changed amber, and (by default) greys out everything else so that the changes stand
out. It works on ``to_dot``'s text: every node line carries ``id="block-<id>"`` and every edge line
``id="conn-<id>"``; a later value of the same attribute wins in Graphviz, so the highlight is appended to each
line's attribute list. ``diff_dots`` gives the two sides of a diff: the old design with what was removed or
changed, the new one with what was added or changed. Pure functions of their arguments: text in, text out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Literal

from mlsd.diff import DesignDiff
from mlsd.formats.dot import dot_string, to_dot
from mlsd.model import Design

ChangeKind = Literal["added", "removed", "changed"]

ADDED_COLOR = "#2e7d32"
REMOVED_COLOR = "#c62828"
CHANGED_COLOR = "#ef6c00"
DIM_COLOR = "#b0bec5"
DIM_FILL = "#f5f5f5"
DIM_TEXT = "#78909c"
FILLS: dict[str, str] = {"added": "#c8e6c9", "removed": "#ffcdd2", "changed": "#ffe0b2"}
RANKDIRS = ("TB", "LR", "BT", "RL")
BORDERS: dict[str, str] = {"added": ADDED_COLOR, "removed": REMOVED_COLOR, "changed": CHANGED_COLOR}

_EDGE = re.compile(r'^  n\d+ -> n\d+ \[id="conn-([^"\\]*)"')
_STYLE = re.compile(r', style="([^"\\]*)"')


def _node_style(line: str, dashed: bool) -> str:
    """The node's ``style`` as ``to_dot`` set it on ``line`` (e.g. rounded), with ``dashed`` added for removed
    blocks. The label before it is HTML-like text in which every quote is escaped, so the first match is it."""
    found = _STYLE.search(line)
    style = found.group(1) if found else "filled"
    return style + (",dashed" if dashed else "")


def _marks(design: Design, added: Iterable[str], removed: Iterable[str], changed: Iterable[str],
           connections: Mapping[str, ChangeKind] | None) -> tuple[dict[str, ChangeKind], dict[str, ChangeKind]]:
    blocks: dict[str, ChangeKind] = {}
    known_blocks = {c.id for c in design.components}
    groups: tuple[tuple[ChangeKind, Iterable[str]], ...] = (("added", added), ("removed", removed),
                                                             ("changed", changed))
    for change, ids in groups:
        for block_id in ids:
            if block_id not in known_blocks:
                raise ValueError(f"block {block_id!r} is not in the design {design.name!r}")
            if blocks.setdefault(block_id, change) != change:
                raise ValueError(f"block {block_id!r} is marked both {blocks[block_id]} and {change}")
    edges = dict(connections or {})
    known_edges = {e.id for e in design.connections}
    for conn_id, change in edges.items():
        if conn_id not in known_edges:
            raise ValueError(f"connection {conn_id!r} is not in the design {design.name!r}")
        if change not in BORDERS:
            raise ValueError(f"connection {conn_id!r}: unknown change {change!r}")
    return blocks, edges


def to_dot_highlighted(design: Design, added: Iterable[str] = (), removed: Iterable[str] = (),
                       changed: Iterable[str] = (), *, connections: Mapping[str, ChangeKind] | None = None,
                       dim_unchanged: bool = True, title: str | None = None, rankdir: str | None = None) -> str:
    """``to_dot(design)`` with blocks (by id) coloured: ``added`` green, ``removed`` red and dashed, ``changed``
    amber; ``connections`` maps connection ids to their change, coloured the same way. ``dim_unchanged`` greys the
    rest out; ``title`` replaces the diagram's title (the design name); ``rankdir`` (``TB``, ``LR``...) replaces
    its direction (top to bottom fits two diagrams side by side). An id that is not in the design, a block marked
    twice, or an unknown direction is a ``ValueError``."""
    if rankdir is not None and rankdir not in RANKDIRS:
        raise ValueError(f"rankdir must be one of {', '.join(RANKDIRS)}, got {rankdir!r}")
    blocks, edges = _marks(design, added, removed, changed, connections)
    lines = to_dot(design).rstrip("\n").split("\n")
    if lines[-1] != "}":
        raise ValueError("unexpected DOT text from to_dot: it does not end with '}'")
    nodes = {f"  n{i} [id={dot_string('block-' + c.id)},": c for i, c in enumerate(design.components)}
    out: list[str] = []
    for line in lines[:-1]:
        head = line[: line.find(",") + 1] if line.startswith("  n") else ""
        block = nodes.get(head)
        edge = _EDGE.match(line)
        if block is not None and line.endswith("];"):
            change = blocks.get(block.id)
            if change is not None:
                extra = (f'color="{BORDERS[change]}", penwidth=3, fillcolor="{FILLS[change]}", '
                         f'style="{_node_style(line, change == "removed")}"')
            elif dim_unchanged:
                extra = f'color="{DIM_COLOR}", fillcolor="{DIM_FILL}", fontcolor="{DIM_TEXT}", penwidth=1'
            else:
                extra = ""
            line = line[:-2] + (f", {extra}];" if extra else "];")
        elif edge is not None and line.endswith("];"):
            conn_change = edges.get(edge.group(1))
            if conn_change is not None:
                dash = ", style=dashed" if conn_change == "removed" else ""
                line = line[:-2] + (f', color="{BORDERS[conn_change]}", fontcolor="{BORDERS[conn_change]}", '
                                    f"penwidth=2.5{dash}];")
            elif dim_unchanged:
                line = line[:-2] + f', color="{DIM_COLOR}", fontcolor="{DIM_TEXT}", penwidth=1];'
        out.append(line)
    if title is not None:
        out.append(f"  graph [label={dot_string(title)}];")
    if rankdir is not None:
        out.append(f"  graph [rankdir={rankdir}];")
    out.append("}")
    return "\n".join(out) + "\n"


def neighbourhood(design: Design, ids: Iterable[str], hops: int = 1) -> Design:
    """The part of ``design`` around the blocks ``ids`` (those not in it are skipped): them, the blocks up to
    ``hops`` connections away, and the connections among the blocks kept (for drawing only: not re-validated)."""
    adjacent: dict[str, set[str]] = {c.id: set() for c in design.components}
    for e in design.connections:
        adjacent[e.source].add(e.target)
        adjacent[e.target].add(e.source)
    keep = {i for i in ids if i in adjacent}
    frontier = set(keep)
    for _ in range(hops):
        frontier = {n for i in frontier for n in adjacent[i]} - keep
        keep |= frontier
    return design.model_copy(update={
        "components": [c for c in design.components if c.id in keep],
        "connections": [e for e in design.connections if e.source in keep and e.target in keep],
        "waivers": [w for w in design.waivers if set(w.components) <= keep],
    })


def blocks_concerned(diff: DesignDiff, a: Design, b: Design) -> set[str]:
    """Every block a diff from ``a`` to ``b`` concerns: added, removed or changed, and both ends (in either
    design) of every connection that was."""
    ids = {c.id for c in (*diff.blocks_added, *diff.blocks_removed)} | {item.id for item in diff.blocks_changed}
    for e in (*diff.connections_added, *diff.connections_removed):
        ids |= {e.source, e.target}
    changed = {item.id for item in diff.connections_changed}
    for e in (*a.connections, *b.connections):
        if e.id in changed:
            ids |= {e.source, e.target}
    return ids


def diff_dots(a: Design, b: Design, diff: DesignDiff, *, title_a: str | None = None, title_b: str | None = None,
              dim_unchanged: bool = True, rankdir: str | None = None, focus: bool = False) -> tuple[str, str]:
    """The two diagrams of a diff from ``a`` (old) to ``b`` (new): the old one with the blocks and connections
    removed (red) or changed (amber), the new one with those added (green) or changed (amber). ``focus`` draws
    only the blocks the diff concerns and their neighbours (everything when only the design's fields changed)."""
    around = blocks_concerned(diff, a, b)
    if focus and around:
        a, b = neighbourhood(a, around), neighbourhood(b, around)
    changed_blocks = [item.id for item in diff.blocks_changed]
    changed_edges: dict[str, ChangeKind] = {item.id: "changed" for item in diff.connections_changed}
    old_edges: dict[str, ChangeKind] = {**changed_edges, **{e.id: "removed" for e in diff.connections_removed}}
    new_edges: dict[str, ChangeKind] = {**changed_edges, **{e.id: "added" for e in diff.connections_added}}
    old = to_dot_highlighted(a, removed=[c.id for c in diff.blocks_removed], changed=changed_blocks,
                             connections=old_edges, dim_unchanged=dim_unchanged, title=title_a, rankdir=rankdir)
    new = to_dot_highlighted(b, added=[c.id for c in diff.blocks_added], changed=changed_blocks,
                             connections=new_edges, dim_unchanged=dim_unchanged, title=title_b, rankdir=rankdir)
    return old, new

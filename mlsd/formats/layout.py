"""Automatic layout: left-to-right layers for designs without positions (the SVG, imports, the board's button).
"""

from __future__ import annotations

from collections.abc import Iterable

from mlsd.model import Design

LAYER_GAP = 260.0  # x distance between layers, canvas units
ROW_GAP = 110.0  # y distance between blocks of one layer
LAYOUT_SWEEPS = 4  # barycentre sweeps (down, up, down, up)


def _layers(n: int, adj: list[list[int]], roots: Iterable[int]) -> list[int]:
    """Longest-path layer of each node of a directed graph (index lists), back edges of a DFS dropped."""
    state = [0] * n  # 0 unseen, 1 on the stack, 2 done
    post: list[int] = []
    kept: list[list[int]] = [[] for _ in range(n)]
    for root in [*roots, *range(n)]:
        if state[root]:
            continue
        state[root] = 1
        stack = [(root, 0)]
        while stack:
            v, i = stack[-1]
            if i < len(adj[v]):
                stack[-1] = (v, i + 1)
                w = adj[v][i]
                if state[w] == 0:
                    kept[v].append(w)
                    state[w] = 1
                    stack.append((w, 0))
                elif state[w] == 2:
                    kept[v].append(w)
                # state 1: a back edge, which closes a cycle; dropped
            else:
                state[v] = 2
                post.append(v)
                stack.pop()
    layer = [0] * n
    for v in reversed(post):  # topological order of the kept DAG
        for w in kept[v]:
            if layer[w] <= layer[v]:
                layer[w] = layer[v] + 1
    return layer


def auto_layout(design: Design) -> dict[str, tuple[float, float]]:
    """Top-left canvas positions placing the blocks left to right in layers.

    Layers are longest-path layers over the connections (feedback connections are ignored: they point back by
    nature; other cycles are broken at the back edges of a depth-first walk). Within a layer blocks are ordered
    by the barycentre of their neighbours in alternating down and up sweeps, which reduces crossings. Iterative
    and O((V + E) log V); each layer is centred vertically on the tallest one.
    """
    comps = design.components
    n = len(comps)
    if n == 0:
        return {}
    index = {c.id: i for i, c in enumerate(comps)}
    adj: list[list[int]] = [[] for _ in range(n)]
    preds: list[list[int]] = [[] for _ in range(n)]
    has_in = [False] * n
    for e in design.connections:
        if e.flow == "feedback":
            continue
        s, t = index[e.source], index[e.target]
        adj[s].append(t)
        has_in[t] = True
    layer = _layers(n, adj, (i for i in range(n) if not has_in[i]))
    succs: list[list[int]] = [[] for _ in range(n)]
    for s in range(n):
        for t in adj[s]:
            if layer[t] > layer[s]:  # edges kept by the layering all point right
                succs[s].append(t)
                preds[t].append(s)
    depth = max(layer) + 1
    rows: list[list[int]] = [[] for _ in range(depth)]
    for v in range(n):
        rows[layer[v]].append(v)
    tallest = max(len(r) for r in rows)
    y = [0.0] * n

    def place(row: list[int]) -> None:
        offset = (tallest - len(row)) * ROW_GAP / 2.0
        for slot, v in enumerate(row):
            y[v] = offset + slot * ROW_GAP

    for row in rows:
        place(row)
    for sweep in range(LAYOUT_SWEEPS):
        down = sweep % 2 == 0
        neighbours = preds if down else succs
        order = range(1, depth) if down else range(depth - 2, -1, -1)
        for li in order:
            row = rows[li]
            key: dict[int, float] = {}
            for v in row:
                ns = neighbours[v]
                key[v] = sum(y[u] for u in ns) / len(ns) if ns else y[v]
            row.sort(key=lambda v: (key[v], v))
            place(row)
    return {comps[v].id: (layer[v] * LAYER_GAP, y[v]) for v in range(n)}


def positions_of(design: Design) -> dict[str, tuple[float, float]]:
    """The blocks' saved positions, or ``auto_layout`` when none has one (every block at 0,0)."""
    if len(design.components) > 1 and all(c.position.x == 0 and c.position.y == 0 for c in design.components):
        return auto_layout(design)
    return {c.id: (c.position.x, c.position.y) for c in design.components}

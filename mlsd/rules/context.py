"""What a rule sees: the design plus graph indices computed once per check.

Rules must treat the context as read-only. Indices are built in one pass so that running every rule on a
10,000-block design stays near-linear; anything costlier is computed lazily and cached here.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from functools import cached_property
from typing import TYPE_CHECKING

from mlsd.catalog import KINDS
from mlsd.model import Component, Connection, Design, Requirements

if TYPE_CHECKING:
    from mlsd.analysis import Analysis


class Context:
    """A design with the lookups rules need: blocks by id, kind and category; edges in and out."""

    def __init__(self, design: Design) -> None:
        self.design = design
        self.blocks: dict[str, Component] = {c.id: c for c in design.components}
        self.connections: dict[str, Connection] = {e.id: e for e in design.connections}
        self.out_edges: dict[str, list[Connection]] = defaultdict(list)
        self.in_edges: dict[str, list[Connection]] = defaultdict(list)
        for e in design.connections:
            self.out_edges[e.source].append(e)
            self.in_edges[e.target].append(e)
        self._by_kind: dict[str, list[Component]] = defaultdict(list)
        self._by_category: dict[str, list[Component]] = defaultdict(list)
        for c in design.components:
            self._by_kind[c.kind].append(c)
            self._by_category[KINDS[c.kind].category].append(c)

    @property
    def requirements(self) -> Requirements:
        return self.design.requirements

    def of_kind(self, *kinds: str) -> list[Component]:
        """Blocks of any of these kinds, in design order."""
        if len(kinds) == 1:
            return list(self._by_kind.get(kinds[0], ()))
        wanted = set(kinds)
        return [c for c in self.design.components if c.kind in wanted]

    def of_category(self, *categories: str) -> list[Component]:
        """Blocks whose kind belongs to any of these catalog categories, in design order."""
        if len(categories) == 1:
            return list(self._by_category.get(categories[0], ()))
        wanted = set(categories)
        return [c for c in self.design.components if KINDS[c.kind].category in wanted]

    def has_kind(self, *kinds: str) -> bool:
        return any(self._by_kind.get(k) for k in kinds)

    def category(self, block_id: str) -> str:
        return KINDS[self.blocks[block_id].kind].category

    def tier(self, block_id: str) -> str:
        return KINDS[self.blocks[block_id].kind].tier

    def successors(self, block_id: str, flows: Iterable[str] | None = None) -> list[Component]:
        wanted = set(flows) if flows is not None else None
        return [self.blocks[e.target] for e in self.out_edges.get(block_id, ()) if wanted is None or e.flow in wanted]

    def predecessors(self, block_id: str, flows: Iterable[str] | None = None) -> list[Component]:
        wanted = set(flows) if flows is not None else None
        return [self.blocks[e.source] for e in self.in_edges.get(block_id, ()) if wanted is None or e.flow in wanted]

    def downstream(self, start: str, flows: Iterable[str] | None = None, through: Iterable[str] | None = None,
                   ) -> set[str]:
        """Ids reachable from ``start`` (excluded) along connections of ``flows`` (all when None).

        ``through``: kinds the walk may pass *into* but not beyond (e.g. stop at an anonymizer).
        """
        return self._walk(start, self.out_edges, "target", flows, through)

    def upstream(self, start: str, flows: Iterable[str] | None = None, through: Iterable[str] | None = None,
                 ) -> set[str]:
        """Ids from which ``start`` is reachable (excluded), walking connections backwards."""
        return self._walk(start, self.in_edges, "source", flows, through)

    def _walk(self, start: str, edges: dict[str, list[Connection]], end: str, flows: Iterable[str] | None,
              stop_at: Iterable[str] | None) -> set[str]:
        wanted = set(flows) if flows is not None else None
        stop = set(stop_at or ())
        seen: set[str] = set()
        queue = deque([start])
        while queue:
            node = queue.popleft()
            for e in edges.get(node, ()):
                if wanted is not None and e.flow not in wanted:
                    continue
                nxt = getattr(e, end)
                if nxt in seen or nxt == start:
                    continue
                seen.add(nxt)
                if self.blocks[nxt].kind not in stop:
                    queue.append(nxt)
        return seen

    @cached_property
    def analysis(self) -> Analysis:
        """Request paths, latency, capacity and cost (computed once, on first use)."""
        from mlsd.analysis import analyze

        return analyze(self.design)

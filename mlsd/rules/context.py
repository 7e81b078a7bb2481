"""What a rule sees: the design plus graph indices computed once per check.

Rules must treat the context as read-only. Indices are built in one pass so that running every rule on a
10,000-block design stays near-linear; anything costlier is computed lazily and cached here.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from functools import cached_property
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from mlsd.catalog import KINDS
from mlsd.model import FLOWS, Component, Connection, Design, Requirements

if TYPE_CHECKING:
    from mlsd.analysis import Analysis
    from mlsd.analysis.lineage import Lineage
    from mlsd.settings import Settings


NUMPY_GROUPING_FROM = 2_000  # connections from which ``Context.neighbours`` groups with numpy


def _flow_set(flows: Iterable[str] | None) -> frozenset[str] | None:
    """The flows to follow as a frozenset (a key of ``Context.neighbours``); None for all."""
    if flows is None or isinstance(flows, frozenset):
        return flows
    return frozenset(flows)


class Context:
    """A design with the lookups rules need: blocks by id, kind and category; edges in and out."""

    def __init__(self, design: Design, settings: Settings | None = None) -> None:
        self.settings = settings  # None: the defaults (mlsd.settings, imported only when a config gives some)
        headroom = settings.headroom if settings is not None else None
        if headroom is not None and "headroom" not in design.requirements.model_fields_set:
            # the config's headroom stands in for the default only; a design that states its own keeps it
            req = design.requirements.model_copy(update={"headroom": headroom})
            req.model_fields_set.add("headroom")
            design = design.model_copy(update={"requirements": req})
        self.design = design
        self.memo: dict[str, Any] = {}  # facts derived once per check and shared by rules (see roles.memo)
        # One pass over blocks and one over connections, reading each pydantic attribute once: on a large
        # design these reads (scattered objects, cache misses) are most of the cost of building the context.
        category_of = {kind: entry.category for kind, entry in KINDS.items()}
        blocks: dict[str, Component] = {}
        kind_of: dict[str, str] = {}
        by_kind: defaultdict[str, list[Component]] = defaultdict(list)
        by_category: defaultdict[str, list[Component]] = defaultdict(list)
        for c in design.components:
            block, kind = c.id, c.kind
            blocks[block] = c
            kind_of[block] = kind
            by_kind[kind].append(c)
            by_category[category_of[kind]].append(c)
        connections: dict[str, Connection] = {}
        out_edges: defaultdict[str, list[Connection]] = defaultdict(list)
        in_edges: defaultdict[str, list[Connection]] = defaultdict(list)
        sources: list[str] = []
        targets: list[str] = []
        flows: list[str] = []
        for e in design.connections:
            source, target = e.source, e.target
            connections[e.id] = e
            out_edges[source].append(e)
            in_edges[target].append(e)
            sources.append(source)
            targets.append(target)
            flows.append(e.flow)
        self.blocks = blocks
        self.kind_of = kind_of  # block id -> kind, without reading the block
        self._by_kind: dict[str, list[Component]] = by_kind
        self._by_category: dict[str, list[Component]] = by_category
        self.connections = connections
        self.out_edges: dict[str, list[Connection]] = out_edges
        self.in_edges: dict[str, list[Connection]] = in_edges
        self._ends = (sources, targets, flows)  # of every connection, for ``neighbours``
        self._neighbours: dict[tuple[bool, frozenset[str] | None], dict[str, tuple[str, ...]]] = {}

    @property
    def requirements(self) -> Requirements:
        return self.design.requirements

    def of_kind(self, *kinds: str) -> list[Component]:
        """Blocks of any of these kinds, in design order."""
        if len(kinds) == 1:
            return list(self._by_kind.get(kinds[0], ()))
        wanted = set(kinds)
        blocks = self.blocks
        return [blocks[b] for b, kind in self.kind_of.items() if kind in wanted]

    def of_category(self, *categories: str) -> list[Component]:
        """Blocks whose kind belongs to any of these catalog categories, in design order."""
        if len(categories) == 1:
            return list(self._by_category.get(categories[0], ()))
        wanted = {kind for kind, entry in KINDS.items() if entry.category in categories}
        blocks = self.blocks
        return [blocks[b] for b, kind in self.kind_of.items() if kind in wanted]

    def has_kind(self, *kinds: str) -> bool:
        return any(self._by_kind.get(k) for k in kinds)

    def category(self, block_id: str) -> str:
        return KINDS[self.kind_of[block_id]].category

    def tier(self, block_id: str) -> str:
        return KINDS[self.kind_of[block_id]].tier

    def successors(self, block_id: str, flows: Iterable[str] | None = None) -> list[Component]:
        """Blocks this block connects to (along ``flows``; all when None), in connection order."""
        blocks = self.blocks
        return [blocks[b] for b in self.neighbours(True, _flow_set(flows)).get(block_id, ())]

    def predecessors(self, block_id: str, flows: Iterable[str] | None = None) -> list[Component]:
        """Blocks connecting to this block (along ``flows``; all when None), in connection order."""
        blocks = self.blocks
        return [blocks[b] for b in self.neighbours(False, _flow_set(flows)).get(block_id, ())]

    def neighbours(self, forward: bool = True, flows: frozenset[str] | None = None) -> dict[str, tuple[str, ...]]:
        """``{block id: ids it connects to}`` along connections of ``flows`` (all when None), in connection order;
        ``forward=False`` gives the blocks connecting to it. Blocks without such connections are absent.

        Built once per context, direction and flows, so that graph walks loop over plain block ids instead of
        reading attributes of thousands of pydantic objects (cache misses make that slow on large designs).
        On a large design the grouping is done by numpy on block positions (a stable sort keeps the connection
        order), which also avoids a temporary list per block; the values are tuples of strings, which the
        garbage collector stops tracking at its next pass (lists would survive into the oldest generation and
        bring on costly full collections). A small design is grouped in plain Python, which is faster there.
        """
        key = (forward, flows)
        found = self._neighbours.get(key)
        if found is None:
            found = self._neighbours[key] = self._group(forward, flows)
        return found

    @cached_property
    def _edge_index(self) -> tuple[npt.NDArray[np.object_], npt.NDArray[np.intp], npt.NDArray[np.intp],
                                   npt.NDArray[np.int8]]:
        """Block ids by position, and every connection's source and target positions and flow (index in FLOWS)."""
        ids = np.array(list(self.blocks), dtype=object)
        position = {b: i for i, b in enumerate(self.blocks)}
        sources, targets, flows = self._ends
        count = len(sources)
        code = {flow: i for i, flow in enumerate(FLOWS)}
        return (
            ids,
            np.fromiter(map(position.__getitem__, sources), dtype=np.intp, count=count),
            np.fromiter(map(position.__getitem__, targets), dtype=np.intp, count=count),
            np.fromiter(map(code.__getitem__, flows), dtype=np.int8, count=count),
        )

    def _group(self, forward: bool, flows: frozenset[str] | None) -> dict[str, tuple[str, ...]]:
        if len(self._ends[0]) < NUMPY_GROUPING_FROM:
            return self._group_small(forward, flows)
        ids, sources, targets, flow = self._edge_index
        heads, ends = (sources, targets) if forward else (targets, sources)
        if flows is not None:
            keep = np.isin(flow, [i for i, f in enumerate(FLOWS) if f in flows])
            heads, ends = heads[keep], ends[keep]
        order = np.argsort(heads, kind="stable")  # by block; within a block, in connection order
        heads, ends = heads[order], ends[order]
        firsts = np.flatnonzero(np.diff(heads, prepend=-1))  # where each block's connections begin
        reached = tuple(ids[ends].tolist())  # slices of a tuple are tuples: one copy per block
        bounds = [*firsts.tolist(), len(reached)]
        spans = zip(ids[heads[firsts]].tolist(), bounds[:-1], bounds[1:], strict=True)
        return {head: reached[a:b] for head, a, b in spans}

    def _group_small(self, forward: bool, flows: frozenset[str] | None) -> dict[str, tuple[str, ...]]:
        sources, targets, flows_of = self._ends
        heads, ends = (sources, targets) if forward else (targets, sources)
        grouped: dict[str, list[str]] = {}
        for head, end, flow in zip(heads, ends, flows_of, strict=True):
            if flows is None or flow in flows:
                grouped.setdefault(head, []).append(end)
        return {head: tuple(reached) for head, reached in grouped.items()}

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

        return analyze(self.design, quantile=self.settings.quantile if self.settings is not None else 0.99)

    @cached_property
    def lineage(self) -> Lineage:
        """Writers, online reads and staleness of every block (``mlsd.analysis.lineage``; computed once)."""
        return self._lineage(item_only=False)

    @cached_property
    def item_lineage(self) -> Lineage:
        """The same, from sources of items only: which stores learn of a new item from its own data."""
        return self._lineage(item_only=True)

    def _lineage(self, item_only: bool) -> Lineage:
        from mlsd.analysis.lineage import NON_REQUEST, Lineage

        blocks = self.blocks
        return Lineage(self.kind_of, lambda b: blocks[b].props, self.neighbours(True, NON_REQUEST),
                       self.neighbours(False, NON_REQUEST), self.neighbours(False, frozenset({"request"})), item_only)

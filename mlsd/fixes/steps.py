"""Edits several fixes share: put a new block on an existing connection, or beside a block.

Built from ``mlsd.edit`` (add_block, connect, delete_connection, and the same block and connection checks), so
every step is validated as a Board edit is. ``Inserting`` puts many blocks on many connections in one pass
(ids and free spots kept up to date, ``mlsd.placing``) and gives exactly what ``insert_on`` one after another
would, in O(blocks + connections + inserts) instead of O((blocks + connections) × inserts).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlsd.catalog import KINDS
from mlsd.edit import free_spot, fresh_id, new_block, new_connection
from mlsd.io import DesignError
from mlsd.placing import GRID_X, Ids, Spots

if TYPE_CHECKING:
    from mlsd.model import Component, Connection, Design


def near(design: Design, block: str) -> tuple[float, float]:
    """A free spot right of a block (where a new block that hangs off it is drawn)."""
    c = design.by_id()[block]
    return free_spot(design, (c.position.x + GRID_X, c.position.y))


class Inserting:
    """A design being edited by inserting blocks on connections: ``insert_on`` as often as needed, then
    ``design()``. The input design is left untouched."""

    def __init__(self, design: Design) -> None:
        self.base = design
        self.blocks: dict[str, Component] = {c.id: c for c in design.components}
        self.added: list[Component] = []
        self.connections: dict[str, Connection] = {e.id: e for e in design.connections}  # in design order
        self.ids = Ids([*self.blocks, *self.connections])
        self.spots = Spots((c.position.x, c.position.y) for c in design.components)

    def connection(self, conn_id: str) -> Connection | None:
        return self.connections.get(conn_id)

    def _connect(self, conn_id: str, source: str, target: str, flow: str, label: str | None = None) -> None:
        """Append a connection as ``mlsd.edit.connect`` does (the two ends exist and differ, the flow is valid)."""
        if conn_id in self.connections:
            raise DesignError([f"connection id {conn_id!r} is used more than once"])
        self.connections[conn_id] = new_connection(conn_id, source, target, flow, label)
        self.ids.add(conn_id)

    def insert_on(self, conn_id: str, kind: str, label: str = "") -> str:
        """Replace connection ``source -> target`` by ``source -> new -> target`` (same flow; the label stays on
        the second leg, the one reaching the target); the new block of ``kind`` is placed between the two ends.
        Its id."""
        e = self.connections[conn_id]
        a, b = self.blocks[e.source].position, self.blocks[e.target].position
        mid = self.spots.find(((a.x + b.x) / 2, (a.y + b.y) / 2))
        if kind not in KINDS:
            raise DesignError([f"unknown kind {kind!r} (see `python -m mlsd catalog`)"])
        new = fresh_id(kind, self.ids.used)
        block = new_block(new, kind, label, mid)
        self.blocks[new] = block
        self.added.append(block)
        self.ids.add(new)
        self.spots.add(block.position.x, block.position.y)
        del self.connections[conn_id]
        self.ids.remove(conn_id)
        self._connect(self.ids.next_connection_id(), e.source, new, e.flow)
        self._connect(conn_id, new, e.target, e.flow, label=e.label)
        return new

    def insert_before(self, block: str, conn_ids: list[str], kind: str, label: str = "") -> str:
        """Put a new block of ``kind`` in front of ``block``: each connection of ``conn_ids`` (all ending at
        ``block``) ends at the new block instead (same id, flow, label and fallback mark; a second one from the
        same source is dropped, as ``mlsd.edit.connect`` allows one per pair), and one new connection ``new ->
        block`` (the first one's flow) carries them on. The new block is placed between its callers and
        ``block``. Its id."""
        conns = [self.connections[c] for c in conn_ids]
        if kind not in KINDS:
            raise DesignError([f"unknown kind {kind!r} (see `python -m mlsd catalog`)"])
        if not conns or any(e.target != block for e in conns):
            raise DesignError([f"insert_before {block!r} needs connections that end at it"])
        ends = [self.blocks[e.source].position for e in conns]
        b = self.blocks[block].position
        x = (sum(p.x for p in ends) / len(ends) + b.x) / 2
        y = (sum(p.y for p in ends) / len(ends) + b.y) / 2
        new = fresh_id(kind, self.ids.used)
        placed = new_block(new, kind, label, self.spots.find((x, y)))
        self.blocks[new] = placed
        self.added.append(placed)
        self.ids.add(new)
        self.spots.add(placed.position.x, placed.position.y)
        callers: set[str] = set()
        for e in conns:
            if e.source in callers:
                del self.connections[e.id]
                self.ids.remove(e.id)
            else:
                callers.add(e.source)
                self.connections[e.id] = e.model_copy(update={"target": new})
        self._connect(self.ids.next_connection_id(), new, block, conns[0].flow)
        return new

    def design(self) -> Design:
        if not self.added and list(self.connections.values()) == self.base.connections:
            return self.base
        return self.base.model_copy(update={"components": [*self.base.components, *self.added],
                                            "connections": list(self.connections.values())})


def insert_on(design: Design, conn_id: str, kind: str, label: str = "") -> tuple[Design, str]:
    """Replace connection ``source -> target`` by ``source -> new -> target`` (same flow; the label stays on the
    second leg, the one reaching the target). The new block of ``kind`` is placed between the two ends."""
    edit = Inserting(design)
    new = edit.insert_on(conn_id, kind, label)
    return edit.design(), new

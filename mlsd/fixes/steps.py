"""Edits several fixes share: put a new block on an existing connection, or beside a block.

Built from ``mlsd.edit`` (add_block, connect, delete_connection), so every step is validated as a Board edit is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlsd.edit import GRID_X, add_block, connect, delete_connection, free_spot

if TYPE_CHECKING:
    from mlsd.model import Design


def near(design: Design, block: str) -> tuple[float, float]:
    """A free spot right of a block (where a new block that hangs off it is drawn)."""
    c = design.by_id()[block]
    return free_spot(design, (c.position.x + GRID_X, c.position.y))


def insert_on(design: Design, conn_id: str, kind: str, label: str = "") -> tuple[Design, str]:
    """Replace connection ``source -> target`` by ``source -> new -> target`` (same flow; the label stays on the
    second leg, the one reaching the target). The new block of ``kind`` is placed between the two ends."""
    e = next(x for x in design.connections if x.id == conn_id)
    blocks = design.by_id()
    a, b = blocks[e.source].position, blocks[e.target].position
    mid = free_spot(design, ((a.x + b.x) / 2, (a.y + b.y) / 2))
    edited, new = add_block(design, kind, label=label, position=mid)
    edited = delete_connection(edited, conn_id)
    edited, _ = connect(edited, e.source, new, e.flow)
    edited, _ = connect(edited, new, e.target, e.flow, label=e.label, conn_id=conn_id)
    return edited, new

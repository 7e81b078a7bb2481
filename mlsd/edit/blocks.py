"""Edits of a design's blocks: add one (at a free spot of the grid), delete one, move some, relabel one.

Here "component" means a placed block of a design (``mlsd.model.Component``).
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationError

from mlsd.catalog import KINDS
from mlsd.edit.checks import find_block, problems_of, refuse, replace_block, validated_block
from mlsd.edit.ids import all_ids, fresh_id
from mlsd.model import MAX_LABEL, Component, Design, Position
from mlsd.placing import Spots


def free_spot(design: Design, near: tuple[float, float] | None = None) -> tuple[float, float]:
    """A grid position where a new block overlaps no existing block.

    Scans a grid of ``GRID_COLUMNS`` columns (``mlsd.placing``) row by row (from ``near`` when given, else from
    the top-left of the design) and returns the first cell whose block footprint touches no block.
    """
    return Spots((c.position.x, c.position.y) for c in design.components).find(near)


def add_block(design: Design, kind: str, label: str = "", position: tuple[float, float] | None = None,
              block_id: str | None = None) -> tuple[Design, str]:
    """Add a block of ``kind`` with the kind's default props, at ``position`` or a free spot; return its id."""
    if kind not in KINDS:
        raise refuse(f"unknown kind {kind!r} (see `python -m mlsd catalog`)")
    new_id = block_id or fresh_id(kind, all_ids(design))
    if any(c.id == new_id for c in design.components):
        raise refuse(f"block id {new_id!r} is used more than once")
    block = new_block(new_id, kind, label, position if position is not None else free_spot(design))
    return design.model_copy(update={"components": [*design.components, block]}), new_id


def new_block(block_id: str, kind: str, label: str, position: tuple[float, float]) -> Component:
    """A block of ``kind`` (a catalog kind) with the kind's default props, validated as ``add_block`` does."""
    x, y = position
    props = {k: (list(v) if isinstance(v, list) else v) for k, v in KINDS[kind].props.items()}
    return validated_block(
        {"id": block_id, "kind": kind, "label": label, "props": props, "position": {"x": x, "y": y}}, block_id
    )


def delete_block(design: Design, block_id: str) -> Design:
    """Remove a block, the connections that touch it, and its mention in waivers.

    A waiver that named only this block is removed; one that named others keeps them.
    """
    find_block(design, block_id)
    waivers = []
    for w in design.waivers:
        if block_id in w.components:
            rest = [b for b in w.components if b != block_id]
            if not rest:
                continue
            w = w.model_copy(update={"components": rest})
        waivers.append(w)
    return design.model_copy(update={
        "components": [c for c in design.components if c.id != block_id],
        "connections": [e for e in design.connections if block_id not in (e.source, e.target)],
        "waivers": waivers,
    })


def move_blocks(design: Design, positions: Mapping[str, tuple[float, float]]) -> Design:
    """Move blocks to new positions (ids not in the design are refused; others stay where they are)."""
    unknown = [b for b in positions if b not in {c.id for c in design.components}]
    if unknown:
        raise refuse(*(f"block {b!r} is not a block of this design" for b in unknown[:10]))
    components = []
    for c in design.components:
        if c.id in positions:
            x, y = positions[c.id]
            try:
                pos = Position(x=round(float(x), 1), y=round(float(y), 1))
            except ValidationError as exc:
                raise problems_of(exc, f"block {c.id!r}: position") from None
            c = c.model_copy(update={"position": pos})
        components.append(c)
    return design.model_copy(update={"components": components})


def has_layout(design: Design) -> bool:
    """Whether the blocks have been placed (not all stacked on one point, as in a file without positions)."""
    spots = {(c.position.x, c.position.y) for c in design.components}
    return len(design.components) <= 1 or len(spots) > 1


def set_label(design: Design, block_id: str, label: str) -> Design:
    """The block with a new label (at most 200 characters; empty shows the kind's label)."""
    block = find_block(design, block_id)
    if len(label) > MAX_LABEL:
        raise refuse(f"block {block_id!r}: label must be at most {MAX_LABEL} characters, got {len(label)}")
    data = block.model_dump()
    data["label"] = label
    return replace_block(design, validated_block(data, block_id))

"""Edits of a design: pure functions ``Design -> Design`` used by the board (and usable from anywhere).

Here "component" means a placed block of a design (``mlsd.model.Component``). Every function returns a new
Design and leaves its input untouched; an edit that would make the design invalid raises ``DesignError``
whose ``problems`` are one line each, naming the block or connection (``block 'gw': props.replicas must be
≥ 1, got 0``). Nothing here imports Streamlit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from mlsd.catalog import KINDS, PROP_SPECS
from mlsd.catalog.props import PropSpec, PropValue
from mlsd.io import DesignError, field_name
from mlsd.model import (
    FLOWS,
    MAX_LABEL,
    MAX_NAME,
    MAX_NOTES,
    Component,
    Connection,
    Design,
    Position,
    Requirements,
    Waiver,
)
from mlsd.placing import BLOCK_H as BLOCK_H  # re-exported: the grid and footprint live in mlsd.placing
from mlsd.placing import BLOCK_W as BLOCK_W
from mlsd.placing import GRID_COLUMNS as GRID_COLUMNS
from mlsd.placing import GRID_X as GRID_X
from mlsd.placing import GRID_Y as GRID_Y
from mlsd.placing import Spots, connection_number

_ID_CHARS = re.compile(r"[^A-Za-z0-9_.\-]+")


def _fail(*problems: str) -> DesignError:
    return DesignError(list(problems))


def _block(design: Design, block_id: str) -> Component:
    for c in design.components:
        if c.id == block_id:
            return c
    raise _fail(f"block {block_id!r} is not a block of this design")


def _connection(design: Design, conn_id: str) -> Connection:
    for e in design.connections:
        if e.id == conn_id:
            return e
    raise _fail(f"connection {conn_id!r} is not a connection of this design")


def _errors(exc: ValidationError, owner: str) -> DesignError:
    """One line per pydantic error, prefixed by the owner (``block 'gw'``) unless the message names it."""
    lines = []
    for err in exc.errors(include_url=False):
        msg = str(err["msg"]).removeprefix("Value error, ")
        where = ".".join(field_name(str(p)) for p in err["loc"])
        for line in msg.splitlines():
            if line.startswith(("block ", "connection ")):
                lines.append(line)
            elif where and not line.startswith(where):
                lines.append(f"{owner}: {where} {line}" if owner else f"{where} {line}")
            else:
                lines.append(f"{owner}: {line}" if owner else line)
    return DesignError(lines)


def _replace_block(design: Design, new: Component) -> Design:
    return design.model_copy(
        update={"components": [new if c.id == new.id else c for c in design.components]}
    )


def _validated_block(data: dict[str, Any], block_id: str) -> Component:
    try:
        return Component.model_validate(data)
    except ValidationError as exc:
        raise _errors(exc, f"block {block_id!r}") from None


# -- new designs and ids ------------------------------------------------------------------------------------


def new_design(name: str = "Untitled design") -> Design:
    """An empty design with default requirements."""
    return rename(Design(name="Untitled design"), name)


def rename(design: Design, name: str) -> Design:
    """The design with a new name (1..200 characters, not blank)."""
    if not name.strip():
        raise _fail("name must not be blank")
    if len(name) > MAX_NAME:
        raise _fail(f"name must be at most {MAX_NAME} characters, got {len(name)}")
    if "\x00" in name:
        raise _fail("name must not contain null bytes")
    return design.model_copy(update={"name": name})


def fresh_id(base: str, used: Iterable[str]) -> str:
    """An id from ``base`` (cleaned to the id alphabet) not in ``used``: ``gbdt``, ``gbdt_2``, ``gbdt_3``..."""
    taken = used if isinstance(used, set | frozenset | dict) else set(used)  # a set or mapping is not copied
    stem = _ID_CHARS.sub("_", base).strip(".-")[:56] or "block"
    if not re.match(r"[A-Za-z0-9_]", stem):
        stem = "b" + stem
    if stem not in taken:
        return stem
    i = 2
    while f"{stem}_{i}" in taken:
        i += 1
    return f"{stem}_{i}"


def _all_ids(design: Design) -> set[str]:
    return {c.id for c in design.components} | {e.id for e in design.connections}


def next_connection_id(design: Design, taken: Iterable[str] = ()) -> str:
    """``c<n>`` with n above every ``c<number>`` id in use (blocks, connections and ``taken``)."""
    used = _all_ids(design) | set(taken)
    n = max((k for u in used if u[:1] == "c" and (k := connection_number(u)) is not None), default=0) + 1
    while f"c{n}" in used:  # pragma: no cover - max + 1 is free unless ids are huge
        n += 1
    return f"c{n}"


# -- placing ------------------------------------------------------------------------------------------------


def free_spot(design: Design, near: tuple[float, float] | None = None) -> tuple[float, float]:
    """A grid position where a new block overlaps no existing block.

    Scans a grid of ``GRID_COLUMNS`` columns row by row (from ``near`` when given, else from the top-left of
    the design) and returns the first cell whose block footprint touches no block.
    """
    return Spots((c.position.x, c.position.y) for c in design.components).find(near)


def add_block(design: Design, kind: str, label: str = "", position: tuple[float, float] | None = None,
              block_id: str | None = None) -> tuple[Design, str]:
    """Add a block of ``kind`` with the kind's default props, at ``position`` or a free spot; return its id."""
    if kind not in KINDS:
        raise _fail(f"unknown kind {kind!r} (see `python -m mlsd catalog`)")
    new_id = block_id or fresh_id(kind, _all_ids(design))
    if any(c.id == new_id for c in design.components):
        raise _fail(f"block id {new_id!r} is used more than once")
    block = new_block(new_id, kind, label, position if position is not None else free_spot(design))
    return design.model_copy(update={"components": [*design.components, block]}), new_id


def new_block(block_id: str, kind: str, label: str, position: tuple[float, float]) -> Component:
    """A block of ``kind`` (a catalog kind) with the kind's default props, validated as ``add_block`` does."""
    x, y = position
    props = {k: (list(v) if isinstance(v, list) else v) for k, v in KINDS[kind].props.items()}
    return _validated_block(
        {"id": block_id, "kind": kind, "label": label, "props": props, "position": {"x": x, "y": y}}, block_id
    )


def delete_block(design: Design, block_id: str) -> Design:
    """Remove a block, the connections that touch it, and its mention in waivers.

    A waiver that named only this block is removed; one that named others keeps them.
    """
    _block(design, block_id)
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
        raise _fail(*(f"block {b!r} is not a block of this design" for b in unknown[:10]))
    components = []
    for c in design.components:
        if c.id in positions:
            x, y = positions[c.id]
            try:
                pos = Position(x=round(float(x), 1), y=round(float(y), 1))
            except ValidationError as exc:
                raise _errors(exc, f"block {c.id!r}: position") from None
            c = c.model_copy(update={"position": pos})
        components.append(c)
    return design.model_copy(update={"components": components})


def has_layout(design: Design) -> bool:
    """Whether the blocks have been placed (not all stacked on one point, as in a file without positions)."""
    spots = {(c.position.x, c.position.y) for c in design.components}
    return len(design.components) <= 1 or len(spots) > 1


# -- block fields -------------------------------------------------------------------------------------------


def set_label(design: Design, block_id: str, label: str) -> Design:
    """The block with a new label (at most 200 characters; empty shows the kind's label)."""
    block = _block(design, block_id)
    if len(label) > MAX_LABEL:
        raise _fail(f"block {block_id!r}: label must be at most {MAX_LABEL} characters, got {len(label)}")
    data = block.model_dump()
    data["label"] = label
    return _replace_block(design, _validated_block(data, block_id))


def coerce_prop(name: str, value: object) -> PropValue:
    """A widget's value as the prop's type (a whole float for an int prop, text split into a list...)."""
    spec = PROP_SPECS.get(name)
    if spec is None:
        raise _fail(f"props.{field_name(name)} is not a known prop")
    if spec.type == "int" and isinstance(value, float) and value.is_integer():
        return int(value)
    if spec.type == "float" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if spec.type == "list" and isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise _fail(f"props.{name} {spec.check(value) or 'has an unsupported value'}")


def set_prop(design: Design, block_id: str, name: str, value: object) -> Design:
    """The block with one prop set; the value is checked against the prop's type and bounds."""
    block = _block(design, block_id)
    spec = PROP_SPECS.get(name)
    if spec is None:
        raise _fail(f"block {block_id!r}: props.{field_name(name)} is not a known prop")
    try:
        typed = coerce_prop(name, value)
    except DesignError as exc:
        raise _fail(*(f"block {block_id!r}: {p}" for p in exc.problems)) from None
    problem = spec.check(typed)
    if problem:
        raise _fail(f"block {block_id!r}: props.{name} {problem}")
    data = block.model_dump()
    data["props"] = {**block.props, name: typed}
    return _replace_block(design, _validated_block(data, block_id))


def remove_prop(design: Design, block_id: str, name: str) -> Design:
    """The block without its own value of a prop (it falls back to the kind's default, if any)."""
    block = _block(design, block_id)
    if name not in block.props:
        raise _fail(f"block {block_id!r}: has no prop {field_name(name)!r} of its own")
    props = {k: v for k, v in block.props.items() if k != name}
    return _replace_block(design, block.model_copy(update={"props": props}))


def starting_value(spec: PropSpec) -> PropValue:
    """A valid first value for a prop added by hand: its minimum, false, its first choice, or empty."""
    if spec.type in ("float", "int"):
        low = spec.minimum if spec.minimum is not None else 0
        return int(low) if spec.type == "int" else float(low)
    if spec.type == "bool":
        return False
    if spec.type == "enum":
        return spec.choices[0]
    if spec.type == "list":
        return []
    return ""


def add_prop(design: Design, block_id: str, name: str) -> Design:
    """Give a block a prop it does not carry yet, with the kind's default or a valid starting value."""
    block = _block(design, block_id)
    spec = PROP_SPECS.get(name)
    if spec is None:
        raise _fail(f"block {block_id!r}: props.{field_name(name)} is not a known prop")
    if name in block.props:
        raise _fail(f"block {block_id!r}: already has prop {name!r}")
    default = KINDS[block.kind].props.get(name)
    return set_prop(design, block_id, name, default if default is not None else starting_value(spec))


# -- connections --------------------------------------------------------------------------------------------


def connect(design: Design, source: str, target: str, flow: str = "request", label: str | None = None,
            conn_id: str | None = None) -> tuple[Design, str]:
    """Add a connection ``source -> target`` of ``flow``; return the design and the connection's id."""
    _block(design, source)
    _block(design, target)
    if source == target:
        raise _fail(f"a connection needs two different blocks; got {source!r} twice")
    if flow not in FLOWS:
        raise _fail(f"flow must be one of {', '.join(FLOWS)}; got {flow!r}")
    for e in design.connections:
        if e.source == source and e.target == target:
            raise _fail(f"connection {e.id!r} already connects {source!r} to {target!r}")
    new_id = conn_id or next_connection_id(design)
    if new_id in {e.id for e in design.connections}:
        raise _fail(f"connection id {new_id!r} is used more than once")
    conn = new_connection(new_id, source, target, flow, label)
    return design.model_copy(update={"connections": [*design.connections, conn]}), new_id


def new_connection(conn_id: str, source: str, target: str, flow: str, label: str | None) -> Connection:
    """A connection validated as ``connect`` does (the ends and the flow checked by the caller)."""
    try:
        return Connection.model_validate({"id": conn_id, "source": source, "target": target, "flow": flow,
                                          "label": label})
    except ValidationError as exc:
        raise _errors(exc, f"connection {conn_id!r}") from None


def delete_connection(design: Design, conn_id: str) -> Design:
    """Remove one connection."""
    _connection(design, conn_id)
    return design.model_copy(update={"connections": [e for e in design.connections if e.id != conn_id]})


def set_connection(design: Design, conn_id: str, flow: str | None = None, label: str | None = None,
                   fallback: bool | None = None) -> Design:
    """Change a connection's flow type, label (an empty label removes it) and/or fallback mark (a call made only
    when the source's other calls fail)."""
    conn = _connection(design, conn_id)
    data = conn.model_dump()
    if fallback is not None:
        data["fallback"] = bool(fallback)
    if flow is not None:
        if flow not in FLOWS:
            raise _fail(f"connection {conn_id!r}: flow must be one of {', '.join(FLOWS)}; got {flow!r}")
        data["flow"] = flow
    if label is not None:
        if len(label) > MAX_LABEL:
            raise _fail(f"connection {conn_id!r}: label must be at most {MAX_LABEL} characters, got {len(label)}")
        data["label"] = label or None
    try:
        new = Connection.model_validate(data)
    except ValidationError as exc:
        raise _errors(exc, f"connection {conn_id!r}") from None
    return design.model_copy(update={"connections": [new if e.id == conn_id else e for e in design.connections]})


# -- requirements, waivers, notes ---------------------------------------------------------------------------


def set_requirements(design: Design, **changes: object) -> Design:
    """The design with some requirements changed (None clears an optional one); values are validated."""
    unknown = [k for k in changes if k not in Requirements.model_fields]
    if unknown:
        raise _fail(*(f"requirements.{field_name(k)} is not a known requirement" for k in unknown))
    data = {**design.requirements.model_dump(), **changes}
    if data.get("headroom") is None:
        data["headroom"] = Requirements.model_fields["headroom"].default
    try:
        req = Requirements.model_validate(data)
    except ValidationError as exc:
        raise _errors(exc, "requirements") from None
    return design.model_copy(update={"requirements": req})


def add_waiver(design: Design, rule: str, components: Iterable[str], reason: str) -> Design:
    """Accept a finding: a waiver of ``rule`` for these blocks (none = every block) with a reason.

    An existing waiver of the same rule and blocks gets the new reason instead of a duplicate.
    """
    blocks = list(dict.fromkeys(components))
    ids = {c.id for c in design.components}
    missing = [b for b in blocks if b not in ids]
    if missing:
        raise _fail(*(f"block {b!r} is not a block of this design" for b in missing[:10]))
    try:
        waiver = Waiver.model_validate({"rule": rule, "components": blocks, "reason": reason})
    except ValidationError as exc:
        raise _errors(exc, f"waiver of {rule}") from None
    kept = [w for w in design.waivers if not (w.rule == rule and set(w.components) == set(blocks))]
    return design.model_copy(update={"waivers": [*kept, waiver]})


def remove_waiver(design: Design, rule: str, components: Iterable[str]) -> Design:
    """Withdraw the waiver of ``rule`` that covers exactly these blocks (or every waiver covering them)."""
    blocks = set(components)
    kept = [w for w in design.waivers if not (w.rule == rule and set(w.components) == blocks)]
    if len(kept) == len(design.waivers):
        # a finding may be covered by a broader waiver (no blocks, or a superset): withdraw that one
        kept = [w for w in design.waivers if not (w.rule == rule and (not w.components or blocks <= set(w.components)))]
    if len(kept) == len(design.waivers):
        raise _fail(f"no waiver of {rule} covers {', '.join(sorted(blocks)) or 'the whole design'}")
    return design.model_copy(update={"waivers": kept})


def set_notes(design: Design, notes: str) -> Design:
    """The design with new notes (Markdown, at most 100,000 characters)."""
    if len(notes) > MAX_NOTES:
        raise _fail(f"notes must be at most {MAX_NOTES} characters, got {len(notes)}")
    if "\x00" in notes:
        raise _fail("notes must not contain null bytes")
    return design.model_copy(update={"notes": notes})

"""Edits of a design's connections: connect two blocks, delete a connection, change its flow, label or fallback
mark.

Here "component" means a placed block of a design (``mlsd.model.Component``).
"""

from __future__ import annotations

from pydantic import ValidationError

from mlsd.edit.checks import find_block, find_connection, problems_of, refuse
from mlsd.edit.ids import next_connection_id
from mlsd.model import FLOWS, MAX_LABEL, Connection, Design


def connect(design: Design, source: str, target: str, flow: str = "request", label: str | None = None,
            conn_id: str | None = None) -> tuple[Design, str]:
    """Add a connection ``source -> target`` of ``flow``; return the design and the connection's id."""
    find_block(design, source)
    find_block(design, target)
    if source == target:
        raise refuse(f"a connection needs two different blocks; got {source!r} twice")
    if flow not in FLOWS:
        raise refuse(f"flow must be one of {', '.join(FLOWS)}; got {flow!r}")
    for e in design.connections:
        if e.source == source and e.target == target:
            raise refuse(f"connection {e.id!r} already connects {source!r} to {target!r}")
    new_id = conn_id or next_connection_id(design)
    if new_id in {e.id for e in design.connections}:
        raise refuse(f"connection id {new_id!r} is used more than once")
    conn = new_connection(new_id, source, target, flow, label)
    return design.model_copy(update={"connections": [*design.connections, conn]}), new_id


def new_connection(conn_id: str, source: str, target: str, flow: str, label: str | None) -> Connection:
    """A connection validated as ``connect`` does (the ends and the flow checked by the caller)."""
    try:
        return Connection.model_validate({"id": conn_id, "source": source, "target": target, "flow": flow,
                                          "label": label})
    except ValidationError as exc:
        raise problems_of(exc, f"connection {conn_id!r}") from None


def delete_connection(design: Design, conn_id: str) -> Design:
    """Remove one connection."""
    find_connection(design, conn_id)
    return design.model_copy(update={"connections": [e for e in design.connections if e.id != conn_id]})


def set_connection(design: Design, conn_id: str, flow: str | None = None, label: str | None = None,
                   fallback: bool | None = None) -> Design:
    """Change a connection's flow type, label (an empty label removes it) and/or fallback mark (a call made only
    when the source's other calls fail)."""
    conn = find_connection(design, conn_id)
    data = conn.model_dump()
    if fallback is not None:
        data["fallback"] = bool(fallback)
    if flow is not None:
        if flow not in FLOWS:
            raise refuse(f"connection {conn_id!r}: flow must be one of {', '.join(FLOWS)}; got {flow!r}")
        data["flow"] = flow
    if label is not None:
        if len(label) > MAX_LABEL:
            raise refuse(f"connection {conn_id!r}: label must be at most {MAX_LABEL} characters, got {len(label)}")
        data["label"] = label or None
    try:
        new = Connection.model_validate(data)
    except ValidationError as exc:
        raise problems_of(exc, f"connection {conn_id!r}") from None
    return design.model_copy(update={"connections": [new if e.id == conn_id else e for e in design.connections]})

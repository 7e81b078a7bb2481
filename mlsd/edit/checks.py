"""What every edit checks: the block or connection it names exists, and what it builds validates. An edit that
would make the design invalid raises ``DesignError`` whose ``problems`` are one line each, naming the block or
connection (``block 'gw': props.replicas must be ≥ 1, got 0``).

Here "component" means a placed block of a design (``mlsd.model.Component``).
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from mlsd.io import DesignError, field_name
from mlsd.model import Component, Connection, Design


def refuse(*problems: str) -> DesignError:
    """The refusal of an edit: a DesignError with one line per problem (raise it)."""
    return DesignError(list(problems))


def find_block(design: Design, block_id: str) -> Component:
    """The block ``block_id`` of the design; refused when there is none."""
    for c in design.components:
        if c.id == block_id:
            return c
    raise refuse(f"block {block_id!r} is not a block of this design")


def find_connection(design: Design, conn_id: str) -> Connection:
    """The connection ``conn_id`` of the design; refused when there is none."""
    for e in design.connections:
        if e.id == conn_id:
            return e
    raise refuse(f"connection {conn_id!r} is not a connection of this design")


def problems_of(exc: ValidationError, owner: str) -> DesignError:
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


def replace_block(design: Design, new: Component) -> Design:
    """The design with the block of ``new``'s id replaced by ``new``."""
    return design.model_copy(
        update={"components": [new if c.id == new.id else c for c in design.components]}
    )


def validated_block(data: dict[str, Any], block_id: str) -> Component:
    """A block validated from ``data``; its problems refused, each naming ``block_id``."""
    try:
        return Component.model_validate(data)
    except ValidationError as exc:
        raise problems_of(exc, f"block {block_id!r}") from None

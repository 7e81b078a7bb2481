"""Ids for new blocks and connections: free, in the id alphabet, and readable (``gbdt_2``, ``c12``)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from mlsd.model import Design
from mlsd.placing import connection_number

_ID_CHARS = re.compile(r"[^A-Za-z0-9_.\-]+")


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


def all_ids(design: Design) -> set[str]:
    """Every id in use: the blocks' and the connections'."""
    return {c.id for c in design.components} | {e.id for e in design.connections}


def next_connection_id(design: Design, taken: Iterable[str] = ()) -> str:
    """``c<n>`` with n above every ``c<number>`` id in use (blocks, connections and ``taken``)."""
    used = all_ids(design) | set(taken)
    n = max((k for u in used if u[:1] == "c" and (k := connection_number(u)) is not None), default=0) + 1
    while f"c{n}" in used:  # pragma: no cover - max + 1 is free unless ids are huge
        n += 1
    return f"c{n}"

"""Where new blocks go and which ids they get, kept up to date while a design grows by many blocks in one edit.

``Spots`` is the grid search behind ``mlsd.edit.free_spot`` (a block's footprint indexed by coarse grid cell, so
one search is linear in the blocks near it); ``Ids`` is the set of ids in use with the numbers behind
``mlsd.edit.next_connection_id`` (``c<n>`` above every ``c<number>`` id). Both are built once per design and
updated as blocks and connections come and go, so adding k blocks to an n-block design costs O(n + k), not
O(n × k). They give exactly what ``free_spot``, ``fresh_id`` and ``next_connection_id`` give on the design as
edited so far. Nothing here imports Streamlit.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable

BLOCK_W = 180.0  # a block's footprint on the canvas, canvas units (matches components/canvas.py)
BLOCK_H = 70.0
GRID_X = 240.0  # spacing of the grid new blocks are placed on
GRID_Y = 120.0
GRID_COLUMNS = 6
CONNECTION_ID = re.compile(r"c(\d{1,9})")


class Spots:
    """The blocks' positions indexed by coarse grid cell; ``find`` is ``free_spot`` of the blocks so far."""

    def __init__(self, positions: Iterable[tuple[float, float]]) -> None:
        self.buckets: dict[tuple[int, int], list[tuple[float, float]]] = {}
        self.count = 0
        self.x0, self.y0 = math.inf, math.inf
        for x, y in positions:
            self.add(x, y)

    def add(self, x: float, y: float) -> None:
        key = (math.floor(x / GRID_X), math.floor(y / GRID_Y))
        self.buckets.setdefault(key, []).append((x, y))
        self.count += 1
        self.x0, self.y0 = min(self.x0, x), min(self.y0, y)

    def _free(self, x: float, y: float) -> bool:
        cx, cy = math.floor(x / GRID_X), math.floor(y / GRID_Y)
        for dx in (-1, 0, 1):
            for dy in (-1, 0, 1):
                for bx, by in self.buckets.get((cx + dx, cy + dy), ()):
                    if abs(bx - x) < BLOCK_W + 20 and abs(by - y) < BLOCK_H + 20:
                        return False
        return True

    def find(self, near: tuple[float, float] | None = None) -> tuple[float, float]:
        """A grid position where a new block overlaps no block: the grid of ``GRID_COLUMNS`` columns scanned row
        by row from ``near`` (else from the top-left of the blocks), the first cell whose footprint touches none."""
        if near is not None:
            x0, y0 = near
        elif self.count:
            x0, y0 = self.x0, self.y0
        else:
            x0, y0 = 0.0, 0.0
        for i in range(self.count + GRID_COLUMNS + 1):
            row, col = divmod(i, GRID_COLUMNS)
            x, y = x0 + col * GRID_X, y0 + row * GRID_Y
            if self._free(x, y):
                return (round(x, 1), round(y, 1))
        # unreachable: n blocks cannot fill n + columns + 1 cells, but stay total
        return (x0, y0 + (self.count // GRID_COLUMNS + 1) * GRID_Y)  # pragma: no cover


def copy_offset(copied: Iterable[tuple[float, float]], others: Iterable[tuple[float, float]],
                preferred: tuple[float, float]) -> tuple[float, float]:
    """Where copies of the ``copied`` blocks go (duplicate, paste): the shift that keeps their layout and puts none
    of them on a block of the design (``others``, the copied blocks included). ``preferred`` when it is free, else
    the first free shift, nearest first, of the group's footprint below it, to its right, or both (up to 12
    footprints away); else ``preferred``. A block's footprint is ``BLOCK_W`` x ``BLOCK_H`` with a 20-unit margin,
    as in ``Spots``."""
    group = list(copied)
    if not group:
        return preferred
    spots = Spots(others)
    width = max(x for x, _ in group) - min(x for x, _ in group) + BLOCK_W + 20
    height = max(y for _, y in group) - min(y for _, y in group) + BLOCK_H + 20
    steps = sorted(((i, j) for i in range(13) for j in range(13) if i or j), key=lambda ij: (max(ij), ij))
    candidates = [preferred, *((i * width, j * height) for i, j in steps)]
    for dx, dy in candidates:
        if all(spots._free(x + dx, y + dy) for x, y in group):
            return dx, dy
    return preferred


def connection_number(item: str) -> int | None:
    """n of a ``c<n>`` id, else None."""
    m = CONNECTION_ID.fullmatch(item) if item[:1] == "c" else None
    return int(m.group(1)) if m else None


class Ids:
    """The ids in use (blocks' and connections', counted: a block and a connection may share one) and the numbers
    of the ``c<number>`` ones, kept as ids are added and removed."""

    def __init__(self, ids: Iterable[str]) -> None:
        self.used: Counter[str] = Counter()
        self.numbers: Counter[int] = Counter()
        self.top = 0
        for item in ids:
            self.add(item)

    def __contains__(self, item: str) -> bool:
        return self.used[item] > 0

    def add(self, item: str) -> None:
        self.used[item] += 1
        n = connection_number(item)
        if n is not None:
            self.numbers[n] += 1
            self.top = max(self.top, n)

    def remove(self, item: str) -> None:
        self.used[item] -= 1
        if self.used[item] <= 0:
            del self.used[item]
        n = connection_number(item)
        if n is not None:
            self.numbers[n] -= 1
            if self.numbers[n] <= 0:
                del self.numbers[n]
                if n == self.top:
                    self.top = max(self.numbers, default=0)

    def next_connection_id(self) -> str:
        """``c<n>`` with n above every ``c<number>`` id in use."""
        n = self.top + 1
        while f"c{n}" in self:  # pragma: no cover - max + 1 is free unless ids are huge
            n += 1
        return f"c{n}"

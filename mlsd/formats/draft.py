"""What an import found before it becomes a design: blocks (kind resolved or not), connections, what was skipped.

Every reader (``mermaid_load``, ``drawio``, ``excalidraw``, ``native``) returns a ``Draft``. A block's kind comes,
in order, from our own data kept in the file (``how="data"``), from a Mermaid class ``kind_<kind>``
(``"class"``), from the label (``"keyword"``, ``mlsd.formats.keywords``), or stays unresolved (``""``): the user
picks it in the import's mapping table, else it becomes ``generic``. ``skipped`` lists, one line each, every
element of the file that is not a block or a connection (free text, images, groups, dangling arrows...): an
import never drops anything silently. ``build`` makes and validates the design (``DesignError`` otherwise).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mlsd.catalog import KINDS
from mlsd.formats.keywords import guess_kind
from mlsd.io import DesignError, load_design, parse_text
from mlsd.model import MAX_COMPONENTS, MAX_CONNECTIONS, MAX_LABEL, MAX_NAME, Design

GENERIC = "generic"
MAX_SKIPPED = 200  # skipped elements listed one by one; beyond, counted
_ID_CHARS = re.compile(r"[^A-Za-z0-9_.\-]+")


@dataclass
class DraftBlock:
    """A block found in a file: ``element`` says where (``node A``, ``cell "x1"``) for messages."""

    id: str
    label: str
    kind: str | None = None
    how: str = ""  # data | class | keyword | "" (unresolved)
    props: dict[str, Any] = field(default_factory=dict)
    x: float | None = None
    y: float | None = None
    element: str = ""


@dataclass
class DraftEdge:
    id: str
    source: str
    target: str
    flow: str = "request"
    label: str | None = None
    fallback: bool = False


@dataclass
class Draft:
    """The blocks, connections and design fields read from a file, and what it held that is not taken."""

    fmt: str
    name: str
    blocks: list[DraftBlock] = field(default_factory=list)
    edges: list[DraftEdge] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    fields: dict[str, Any] = field(default_factory=dict)  # the design's own fields, from our data in the file
    complete: Design | None = None  # a native file: the design itself

    @classmethod
    def of(cls, design: Design) -> Draft:
        return cls("mlsd", design.name, complete=design)

    def unresolved(self) -> list[DraftBlock]:
        return [b for b in self.blocks if b.kind is None]

    def skip(self, what: str) -> None:
        if len(self.skipped) < MAX_SKIPPED:
            self.skipped.append(what)
        elif len(self.skipped) == MAX_SKIPPED:
            self.skipped.append("... and more elements not taken")

    def build(self, kinds: Mapping[str, str] | None = None, source: str = "") -> Design:
        """The design: each unresolved block gets ``kinds[block id]`` or ``generic``; blocks without positions
        are laid out; DesignError (one line per problem, naming the block) when the result is not valid."""
        if self.complete is not None:
            return self.complete
        chosen = dict(kinds or {})
        bad = [f"block {b!r}: unknown kind {k!r}" for b, k in chosen.items() if k not in KINDS]
        if bad:
            raise DesignError(bad[:20], source)
        if len(self.blocks) > MAX_COMPONENTS:
            raise DesignError([f"the file holds {len(self.blocks)} blocks; a design holds at most {MAX_COMPONENTS}"],
                              source)
        if len(self.edges) > MAX_CONNECTIONS:
            raise DesignError([f"the file holds {len(self.edges)} connections; a design holds at most "
                               f"{MAX_CONNECTIONS}"], source)
        components = []
        for b in self.blocks:
            kind = chosen.get(b.id) or b.kind or GENERIC
            item: dict[str, Any] = {"id": b.id, "kind": kind, "label": b.label[:MAX_LABEL], "props": b.props}
            if b.x is not None and b.y is not None:
                item["position"] = {"x": b.x, "y": b.y}
            components.append(item)
        connections = []
        for e in self.edges:
            conn: dict[str, Any] = {"id": e.id, "source": e.source, "target": e.target, "flow": e.flow}
            if e.label:
                conn["label"] = e.label[:MAX_LABEL]
            if e.fallback:
                conn["fallback"] = True
            connections.append(conn)
        data = {**self.fields, "name": self.fields.get("name") or self.name[:MAX_NAME] or "Imported diagram",
                "components": components, "connections": connections}
        design = load_design(data, source)
        if any(b.x is None or b.y is None for b in self.blocks) and len(design.components) > 1:
            from mlsd.formats.layout import auto_layout

            spots = auto_layout(design)
            placed = {b.id for b in self.blocks if b.x is not None and b.y is not None}
            design = design.model_copy(update={"components": [
                c if c.id in placed else c.model_copy(update={"position": c.position.model_copy(
                    update={"x": spots[c.id][0], "y": spots[c.id][1]})})
                for c in design.components]})
        return design


class Ids:
    """Block and connection ids for a file's own ids: cleaned to the id alphabet, unique, stable per input."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.counts: dict[str, int] = {}

    def make(self, raw: str, fallback: str = "block") -> str:
        stem = _ID_CHARS.sub("_", raw).strip(".-")[:56] or fallback
        if not re.match(r"[A-Za-z0-9_]", stem):
            stem = "b" + stem
        candidate = stem
        while candidate in self.used:
            self.counts[stem] = self.counts.get(stem, 1) + 1
            candidate = f"{stem}_{self.counts[stem]}"
        self.used.add(candidate)
        return candidate


def resolve(block: DraftBlock) -> DraftBlock:
    """Give ``block`` a kind from its label when it has none yet (``how="keyword"``)."""
    if block.kind is None:
        guess = guess_kind(block.label)
        if guess is not None:
            block.kind, block.how = guess, "keyword"
    return block


def json_data(text: str, what: str, source: str) -> Any:
    """JSON kept inside another file (a draw.io attribute, a Mermaid comment) read with the design loader's
    limits (no NaN, bounded depth); DesignError naming ``what`` otherwise."""
    try:
        return parse_text(text, "json", source)
    except DesignError as exc:
        raise DesignError([f"{what}: {p}" for p in exc.problems], source) from None


def text_or(value: object, default: str) -> str:
    """``value`` when it is text (from a file's own data), else ``default``."""
    return value if isinstance(value, str) else default


def finite(value: object, what: str, source: str) -> float:
    """A coordinate read from a file: a finite number, else DesignError naming the element."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise DesignError([f"{what}: {value!r:.40} is not a number"], source) from None
    if not math.isfinite(number):
        raise DesignError([f"{what}: {value!r:.40} is not a finite number"], source)
    return round(max(-1e7, min(1e7, number)), 1)

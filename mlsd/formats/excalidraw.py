"""Excalidraw scenes (``.excalidraw`` JSON, version 2): ``dump`` writes one; ``load`` is ``excalidraw_load``.

A block is a rectangle (an ellipse or a diamond for those kind families) filled with its category's colour, with
its title as bound text (``containerId``); the block's data rides in the element's ``customData`` (kept by
Excalidraw): ``mlsd`` = id, kind, label, props. A connection is an arrow bound at both ends (``startBinding``
and ``endBinding``; each shape lists it in ``boundElements``), solid and thick for request, dashed for stream,
dotted for batch, dashed purple for feedback, its label bound text; its data rides in ``customData`` too.
Positions are the Board's (top-left, the Board's block size). The design's own fields are under a top-level
``mlsd`` key, which Excalidraw ignores. Format reference: https://docs.excalidraw.com/docs/codebase/json-schema
"""

from __future__ import annotations

import json
import math
import zlib
from typing import Any

from mlsd.catalog import KINDS, color_of
from mlsd.formats.draft import Draft
from mlsd.formats.style import FLOW_COLORS, INK, MUTED
from mlsd.model import Connection, Design

BLOCK_W = 180.0  # the Board's block size (mlsd.placing.BLOCK_W/BLOCK_H)
BLOCK_H = 70.0
FONT_SIZE = 16
LINE_HEIGHT = 1.25
SHAPES = {"ellipse": "ellipse", "oval": "ellipse", "circle": "ellipse", "diamond": "diamond", "Mdiamond": "diamond"}
STROKES: dict[str, tuple[str, float]] = {"request": ("solid", 2.0), "stream": ("dashed", 1.0),
                                         "batch": ("dotted", 1.0), "feedback": ("dashed", 1.0)}


def _seed(text: str) -> int:
    """A stable seed for Excalidraw's hand-drawn look (the same design gives the same file)."""
    return zlib.crc32(text.encode()) % 2**31 or 1


def _base(ident: str, kind: str, x: float, y: float, w: float, h: float) -> dict[str, Any]:
    return {
        "id": ident, "type": kind, "x": x, "y": y, "width": w, "height": h, "angle": 0,
        "strokeColor": MUTED, "backgroundColor": "transparent", "fillStyle": "solid", "strokeWidth": 1,
        "strokeStyle": "solid", "roughness": 0, "opacity": 100, "groupIds": [], "frameId": None,
        "roundness": None, "seed": _seed(ident), "version": 1, "versionNonce": _seed(ident + "/v"),
        "isDeleted": False, "boundElements": [], "updated": 1, "link": None, "locked": False,
    }


def _text(ident: str, container: str, text: str, cx: float, cy: float, color: str, size: int) -> dict[str, Any]:
    lines = text.split("\n")
    w = max(len(line) for line in lines) * size * 0.55
    h = len(lines) * size * LINE_HEIGHT
    element = _base(ident, "text", cx - w / 2, cy - h / 2, w, h)
    element.update({
        "strokeColor": color, "fontSize": size, "fontFamily": 2, "text": text, "originalText": text,
        "textAlign": "center", "verticalAlign": "middle", "containerId": container, "lineHeight": LINE_HEIGHT,
        "autoResize": True,
    })
    return element


def _edge_points(a: tuple[float, float], b: tuple[float, float]) -> tuple[float, float, float, float]:
    """Start and end of an arrow between two blocks' borders (centre to centre, clipped to each box)."""
    ax, ay, bx, by = a[0] + BLOCK_W / 2, a[1] + BLOCK_H / 2, b[0] + BLOCK_W / 2, b[1] + BLOCK_H / 2
    dx, dy = bx - ax, by - ay
    if dx == 0 and dy == 0:
        dx = 1.0
    scale = min(BLOCK_W / 2 / abs(dx) if dx else math.inf, BLOCK_H / 2 / abs(dy) if dy else math.inf)
    return ax + dx * scale, ay + dy * scale, bx - dx * scale, by - dy * scale


def _arrow(e: Connection, pos: dict[str, tuple[float, float]]) -> list[dict[str, Any]]:
    x1, y1, x2, y2 = _edge_points(pos[e.source], pos[e.target])
    style, width = STROKES[e.flow]
    arrow = _base("conn-" + e.id, "arrow", x1, y1, abs(x2 - x1), abs(y2 - y1))
    data: dict[str, Any] = {"id": e.id, "flow": e.flow}
    if e.fallback:
        data["fallback"] = True
    arrow.update({
        "strokeColor": FLOW_COLORS[e.flow], "strokeStyle": style, "strokeWidth": width,
        "roundness": {"type": 2}, "points": [[0, 0], [x2 - x1, y2 - y1]], "lastCommittedPoint": None,
        "startBinding": {"elementId": "block-" + e.source, "focus": 0, "gap": 4},
        "endBinding": {"elementId": "block-" + e.target, "focus": 0, "gap": 4},
        "startArrowhead": None, "endArrowhead": "arrow", "elbowed": False, "customData": {"mlsd": data},
    })
    out = [arrow]
    if e.label:
        label = _text("label-" + e.id, arrow["id"], e.label, (x1 + x2) / 2, (y1 + y2) / 2, MUTED, 12)
        arrow["boundElements"].append({"id": label["id"], "type": "text"})
        out.append(label)
    return out


def dump(design: Design) -> str:
    """The design as an Excalidraw scene (JSON, version 2); loads back to an equal design."""
    elements: list[dict[str, Any]] = []
    shapes: dict[str, dict[str, Any]] = {}
    pos = {c.id: (c.position.x, c.position.y) for c in design.components}
    for c in design.components:
        entry = KINDS.get(c.kind)
        shape = _base("block-" + c.id, SHAPES.get(entry.shape if entry else "box", "rectangle"), c.position.x,
                      c.position.y, BLOCK_W, BLOCK_H)
        data: dict[str, Any] = {"id": c.id, "kind": c.kind}
        if c.label:
            data["label"] = c.label
        if c.props:
            data["props"] = c.props
        shape.update({"backgroundColor": color_of(c.kind), "roundness": {"type": 3}, "customData": {"mlsd": data}})
        text = _text("text-" + c.id, shape["id"], c.title, c.position.x + BLOCK_W / 2, c.position.y + BLOCK_H / 2,
                     INK, FONT_SIZE)
        shape["boundElements"].append({"id": text["id"], "type": "text"})
        shapes[c.id] = shape
        elements += [shape, text]
    for e in design.connections:
        arrows = _arrow(e, pos)
        for end in (e.source, e.target):
            shapes[end]["boundElements"].append({"id": arrows[0]["id"], "type": "arrow"})
        elements += arrows
    head = design.model_dump(mode="json", exclude={"components", "connections"}, exclude_defaults=True)
    scene = {
        "type": "excalidraw", "version": 2, "source": "https://github.com/mlsd-whiteboard", "elements": elements,
        "appState": {"viewBackgroundColor": "#ffffff", "gridSize": None}, "files": {}, "mlsd": head,
    }
    return json.dumps(scene, ensure_ascii=False) + "\n"  # no indent: the C encoder (indenting is 10x slower)


def load(data: str | bytes, source: str = "") -> Draft:
    """See ``mlsd.formats.excalidraw_load.load``."""
    from mlsd.formats.excalidraw_load import load as read

    return read(data, source)

"""Reading Excalidraw scenes (``.excalidraw``, version 2, or a clipboard copy): ours back exactly, others by shape.

Rectangles, ellipses and diamonds become blocks, labelled by their bound text (``containerId``); the kind comes
from our ``customData.mlsd`` when present, else from the label (``mlsd.formats.keywords``), else the user picks.
Arrows and lines bound at both ends to blocks become connections (flow from ``customData.mlsd.flow``, else a
flow word in their label, else ``stream`` when dashed or dotted, else ``request``). Free text, images, free
drawings, frames, embeds, groups and unbound arrows are listed in ``Draft.skipped``; deleted elements
(``isDeleted``) are ignored, as Excalidraw does. The JSON goes through ``mlsd.io.parse_text`` (size, depth, NaN
and malformed-JSON checks naming the line).
"""

from __future__ import annotations

import re
from typing import Any

from mlsd.catalog import KINDS
from mlsd.formats.draft import Draft, DraftBlock, DraftEdge, Ids, finite, resolve, text_or
from mlsd.io import DesignError, parse_text
from mlsd.model import FLOWS

VERSION = 2
SHAPES = ("rectangle", "ellipse", "diamond")
LINKS = ("arrow", "line")
_FLOW_WORD = re.compile(r"\b(stream|batch|feedback)", re.I)


def _ours(element: dict[str, Any]) -> dict[str, Any]:
    custom = element.get("customData")
    data = custom.get("mlsd") if isinstance(custom, dict) else None
    return data if isinstance(data, dict) else {}


def _scene(data: str | bytes, source: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    scene = parse_text(data, "json", source)
    if not isinstance(scene, dict) or scene.get("type") not in ("excalidraw", "excalidraw/clipboard"):
        raise DesignError(['not an Excalidraw file: expected a JSON object with "type": "excalidraw"'], source)
    version = scene.get("version", VERSION)
    if not isinstance(version, int) or isinstance(version, bool) or version > VERSION or version < 1:
        raise DesignError([f"Excalidraw file version {str(version)[:20]}: this app reads versions 1 to {VERSION}"],
                          source)
    elements = scene.get("elements")
    if not isinstance(elements, list):
        raise DesignError(['the Excalidraw file has no "elements" list'], source)
    live = []
    for i, element in enumerate(elements):
        if not isinstance(element, dict) or not isinstance(element.get("id"), str) \
                or not isinstance(element.get("type"), str):
            raise DesignError([f"elements[{i}]: an element is an object with a text id and type"], source)
        if element.get("isDeleted") is not True:
            live.append(element)
    head = scene.get("mlsd")
    return live, head if isinstance(head, dict) else {}


def _where(element: dict[str, Any]) -> str:
    return f"{element['type'][:20]} {element['id'][:40]!r}"


def _text_of(element: dict[str, Any]) -> str:
    text = element.get("originalText", element.get("text", ""))
    return text if isinstance(text, str) else ""


def load(data: str | bytes, source: str = "") -> Draft:
    """An Excalidraw scene as a Draft (see the module); DesignError naming the element when it cannot be read."""
    elements, head = _scene(data, source)
    draft = Draft("excalidraw", str(head.get("name", "")) or "Imported diagram", fields=head)
    by_id = {e["id"]: e for e in elements}
    labels: dict[str, str] = {}
    for e in elements:
        container = e.get("containerId")
        if e["type"] == "text" and isinstance(container, str) and container in by_id:
            labels[container] = _text_of(e)
    groups: dict[str, int] = {}
    ids, conn_ids = Ids(), Ids()
    block_of: dict[str, str] = {}
    for e in elements:
        for g in e.get("groupIds") or ():
            if isinstance(g, str):
                groups[g] = groups.get(g, 0) + 1
        kind = e["type"]
        if kind in SHAPES:
            ours = _ours(e)
            raw_id = text_or(ours.get("id"), e["id"])
            text = labels.get(e["id"], "")
            block = DraftBlock(ids.make(raw_id), text if ours else text.strip(), element=_where(e))
            k = ours.get("kind")
            if isinstance(k, str) and k in KINDS:
                block.kind, block.how = k, "data"
                if "label" not in ours and text == KINDS[k].label:
                    block.label = ""
            props = ours.get("props")
            if isinstance(props, dict):
                block.props = dict(props)
            block.x = finite(e.get("x", 0), f"{_where(e)}: x", source)
            block.y = finite(e.get("y", 0), f"{_where(e)}: y", source)
            draft.blocks.append(resolve(block))
            block_of[e["id"]] = block.id
        elif kind == "text":
            if e.get("containerId") not in by_id:
                draft.skip(f"free text {_text_of(e)[:60]!r} ({_where(e)})")
        elif kind not in LINKS:
            draft.skip(f"{kind[:20]} {e['id'][:40]!r}: not a shape this app imports")
    for e in elements:
        if e["type"] not in LINKS:
            continue
        ends = []
        for key in ("startBinding", "endBinding"):
            binding = e.get(key)
            ends.append(binding.get("elementId") if isinstance(binding, dict) else None)
        label = labels.get(e["id"], "") if _ours(e) else labels.get(e["id"], "").strip()
        if ends[0] not in block_of or ends[1] not in block_of or ends[0] == ends[1]:
            draft.skip(f"{e['type']} {label[:60]!r} ({_where(e)}): not bound to two blocks")
            continue
        ours = _ours(e)
        flow = ours.get("flow")
        if flow not in FLOWS:
            word = _FLOW_WORD.search(label)
            flow = word.group(1).lower() if word else "stream" if e.get("strokeStyle") in ("dashed", "dotted") \
                else "request"
        raw_id = text_or(ours.get("id"), e["id"])
        draft.edges.append(DraftEdge(conn_ids.make(raw_id, "e"), block_of[str(ends[0])], block_of[str(ends[1])],
                                     str(flow), label or None, ours.get("fallback") is True))
    for g, count in groups.items():
        draft.skip(f"group {g[:40]!r} of {count} elements: its shapes are imported one by one")
    return draft

"""Reading draw.io files (``.drawio``/``.dio``): our own back exactly, other people's by shape and text.

A vertex becomes a block: its kind from our ``mlsd_kind`` data attribute when present, else guessed from its text
(``mlsd.formats.keywords``), else left for the user to pick. An edge joining two blocks becomes a connection
(flow from ``mlsd_flow``, else a flow word in its label, else ``stream`` when dashed, else ``request``). Free
text, images, groups and containers (their shapes are taken one by one, at their absolute position), arrows not
joined at both ends, other pages and data attributes that are not props are listed in ``Draft.skipped``.
Compressed pages (base64 of raw deflate of the URL-encoded XML, what draw.io writes by default) are inflated with
a size bound. The XML is read by ``mlsd.formats.xml_safe`` (no DTD, no entities).
"""

from __future__ import annotations

import base64
import binascii
import html
import re
import urllib.parse
import zlib
from dataclasses import dataclass

from mlsd.catalog import KINDS, PROP_SPECS
from mlsd.formats.draft import Draft, DraftBlock, DraftEdge, Ids, finite, json_data, resolve
from mlsd.formats.xml_safe import Node, parse_xml
from mlsd.io import MAX_FILE_BYTES, DesignError, within_limit
from mlsd.model import FLOWS

MAX_INFLATED = MAX_FILE_BYTES
_TAG = re.compile(r"<[^>]*>")
_BREAK = re.compile(r"<br\s*/?>|</div>|</p>", re.I)
_FLOW_WORD = re.compile(r"\b(stream|batch|feedback)", re.I)

RESERVED = frozenset({"label", "id", "placeholders", "tooltip", "link"})  # draw.io's own object attributes


@dataclass
class Cell:
    id: str
    attrs: dict[str, str]  # the data: the UserObject's attributes, or the mxCell's
    style: str
    vertex: bool
    edge: bool
    parent: str
    source: str
    target: str
    x: float
    y: float
    line: int

    def text(self) -> str:
        raw = self.attrs.get("label", self.attrs.get("value", ""))
        if "html=1" in self.style:
            raw = html.unescape(_TAG.sub("", _BREAK.sub("\n", raw)))
        return "\n".join(line.strip() for line in raw.strip().splitlines() if line.strip())

    def where(self) -> str:
        return f"cell {self.id!r} (line {self.line})"


def _style_has(style: str, *names: str) -> bool:
    keys = {part.split("=", 1)[0] for part in style.split(";") if part}
    return any(n in keys for n in names)


def _inflate(text: str, source: str, name: str) -> Node:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
        inflater = zlib.decompressobj(-15)
        out = inflater.decompress(raw, MAX_INFLATED)
    except (binascii.Error, zlib.error, ValueError):
        raise DesignError([f"page {name!r}: its content is neither a diagram nor a valid compressed page "
                           "(base64 of raw deflate)"], source) from None
    if inflater.unconsumed_tail or len(out) >= MAX_INFLATED:
        raise DesignError([f"page {name!r}: the compressed page inflates beyond {MAX_INFLATED // 2**20} MB; "
                           "refused"], source)
    xml = urllib.parse.unquote(out.decode("utf-8", errors="replace"))
    return parse_xml(xml, source, f"page {name!r}")


def _model(root: Node, draft: Draft, source: str) -> Node:
    if root.tag == "mxGraphModel":
        return root
    if root.tag != "mxfile":
        raise DesignError([f"not a draw.io file: the root element is <{root.tag[:40]}>, not <mxfile>"], source)
    pages = root.iter("diagram")
    if not pages:
        raise DesignError(["the draw.io file holds no page (<diagram>)"], source)
    for other in pages[1:]:
        draft.skip(f"page {other.attrib.get('name', '?')!r}: only the first page is imported")
    page = pages[0]
    draft.name = page.attrib.get("name", "") or draft.name
    model = page.find("mxGraphModel")
    if model is None:
        if not page.text.strip():
            raise DesignError([f"page {draft.name!r} (line {page.line}) is empty"], source)
        model = _inflate(page.text, source, draft.name)
        if model.tag != "mxGraphModel":
            raise DesignError([f"page {draft.name!r}: the inflated page is <{model.tag[:40]}>, not a diagram"],
                              source)
    return model


def _cells(model: Node, source: str) -> list[Cell]:
    root = model.find("root")
    if root is None:
        raise DesignError([f"line {model.line}: the diagram has no <root> of cells"], source)
    cells = []
    for node in root.children:
        cell, attrs = node, dict(node.attrib)
        if node.tag in ("object", "UserObject"):
            inner = node.find("mxCell")
            if inner is None:
                raise DesignError([f"line {node.line}: <{node.tag}> without its <mxCell>"], source)
            cell = inner
        elif node.tag != "mxCell":
            continue
        ident = attrs.get("id") or cell.attrib.get("id", "")
        if node is cell:
            attrs = {"value": cell.attrib.get("value", "")}
        geo = cell.find("mxGeometry")
        x = y = 0.0
        if geo is not None and geo.attrib.get("relative") != "1":
            where = f"cell {ident!r} (line {geo.line})"
            x = finite(geo.attrib.get("x", 0), f"{where}: x", source)
            y = finite(geo.attrib.get("y", 0), f"{where}: y", source)
        cells.append(Cell(ident, attrs, cell.attrib.get("style", ""), cell.attrib.get("vertex") == "1",
                          cell.attrib.get("edge") == "1", cell.attrib.get("parent", ""),
                          cell.attrib.get("source", ""), cell.attrib.get("target", ""), x, y, node.line))
    return cells


def _prop(name: str, raw: str) -> object:
    spec = PROP_SPECS[name]
    if spec.type in ("str", "enum"):
        return raw
    try:
        return json_data(raw, name, "")
    except DesignError:
        return raw  # the model names the prop and what is wrong with it


def _block(cell: Cell, ids: Ids, draft: Draft) -> DraftBlock:
    attrs = cell.attrs
    kind = attrs.get("mlsd_kind", "")
    label = cell.text()
    block = DraftBlock(ids.make(attrs.get("mlsd_id") or cell.id), label, element=cell.where())
    if kind in KINDS:
        label = block.label = attrs.get("label", label)  # ours: plain text, kept exactly as written
        block.kind, block.how = kind, "data"
        if attrs.get("mlsd_default_label") == "1" and label == KINDS[kind].label:
            block.label = ""
    elif kind:
        draft.skip(f"{cell.where()}: unknown kind {kind[:40]!r}; pick one")
    for name, raw in attrs.items():
        prop = name[len("mlsd_prop_"):] if name.startswith("mlsd_prop_") else name
        if prop in PROP_SPECS and (prop not in RESERVED or name.startswith("mlsd_prop_")):
            block.props[prop] = _prop(prop, raw)
        elif not name.startswith("mlsd_") and name not in RESERVED and name != "value":
            draft.skip(f"{cell.where()}: data {name[:40]!r} is not a prop; not kept")
    return resolve(block)


def load(data: str | bytes, source: str = "") -> Draft:
    """A draw.io file as a Draft (see the module); DesignError naming the line or cell when it cannot be read."""
    data = within_limit(data, source, "imports")
    draft = Draft("drawio", "Imported diagram")
    model = _model(parse_xml(data, source, "draw.io XML"), draft, source)
    cells = _cells(model, source)
    by_id = {c.id: c for c in cells}
    roots = {c.id for c in cells if not c.parent}
    layers = {c.id for c in cells if c.parent in roots and not c.vertex and not c.edge}
    for c in cells:
        if c.id in roots and "mlsd_design" in c.attrs:
            fields = json_data(c.attrs["mlsd_design"], f"{c.where()}: mlsd_design", source)
            if not isinstance(fields, dict):
                raise DesignError([f"{c.where()}: mlsd_design is not a JSON object"], source)
            draft.fields = fields
    parents = {c.parent for c in cells}
    edges = {c.id for c in cells if c.edge}
    block_ids: dict[str, str] = {}
    ids, conn_ids = Ids(), Ids()
    edge_labels: dict[str, str] = {}
    for c in cells:
        if not c.vertex:
            continue
        text = c.text()
        if c.parent in edges:
            edge_labels[c.parent] = (edge_labels.get(c.parent, "") + " " + text).strip()
        elif c.id in parents or _style_has(c.style, "group", "swimlane", "container"):
            draft.skip(f"group {text[:60]!r} ({c.where()}): its shapes are imported one by one")
        elif _style_has(c.style, "text") and "mlsd_kind" not in c.attrs:
            draft.skip(f"free text {text[:60]!r} ({c.where()})")
        elif _style_has(c.style, "image") or "shape=image" in c.style:
            draft.skip(f"image ({c.where()})")
        else:
            x, y, up = c.x, c.y, by_id.get(c.parent)
            for _ in range(100):  # a child's geometry is relative to its container
                if up is None or up.parent in roots or up.id in layers or up.id in roots:
                    break
                x, y, up = x + up.x, y + up.y, by_id.get(up.parent)
            block = _block(c, ids, draft)
            block.x, block.y = x, y
            draft.blocks.append(block)
            block_ids[c.id] = block.id
    for c in cells:
        if not c.edge:
            continue
        label = c.attrs.get("label", "") if "mlsd_flow" in c.attrs else c.text() or edge_labels.get(c.id, "")
        if c.source not in block_ids or c.target not in block_ids or c.source == c.target:
            draft.skip(f"arrow {label[:60]!r} ({c.where()}): not joined to two blocks")
            continue
        flow = c.attrs.get("mlsd_flow", "")
        if flow not in FLOWS:
            word = _FLOW_WORD.search(label)
            flow = word.group(1).lower() if word else "stream" if "dashed=1" in c.style else "request"
        draft.edges.append(DraftEdge(conn_ids.make(c.attrs.get("mlsd_id") or c.id, "e"), block_ids[c.source],
                                     block_ids[c.target], flow, label or None, c.attrs.get("mlsd_fallback") == "1"))
    return draft

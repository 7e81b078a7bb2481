"""draw.io (diagrams.net) files: ``dump`` writes an uncompressed ``.drawio`` mxfile; ``load`` is ``drawio_load``.

One vertex per block: a draw.io *UserObject* (``<object>``) whose attributes are the block's data (draw.io shows
them under Edit > Edit Data): ``label`` (the text shown), ``mlsd_id``, ``mlsd_kind``, and one attribute per prop,
named as the prop (``replicas="3"``; numbers, booleans and lists as JSON, text as itself). Its style gives the
kind's shape family and the category's colour; its geometry is the block's position on the Board (top-left,
the Board's block size). Connections are edges styled per flow as in the SVG (request bold, stream dashed, batch
dotted, feedback dashed purple) and carry ``mlsd_id``, ``mlsd_flow`` and ``mlsd_fallback``. The design's own
fields (name, requirements, waivers, notes...) are JSON in ``mlsd_design`` on the root cell (draw.io keeps data on
the diagram's root cell). Labels are plain text (no ``html=1``): a label is never read as HTML.
Format reference: https://www.drawio.com/doc/faq/diagram-source-edit and the mxGraph codec (``mxCodec``).
"""

from __future__ import annotations

import json
import re

from mlsd.catalog import KINDS, color_of
from mlsd.formats.drawio_load import RESERVED
from mlsd.formats.drawio_load import load as load  # the reader, re-exported: each format module has dump and load
from mlsd.formats.style import FLOW_COLORS, INK, MUTED
from mlsd.model import Design

BLOCK_W = 180.0  # the Board's block size (mlsd.placing.BLOCK_W/BLOCK_H)
BLOCK_H = 70.0

# Graphviz shape of a kind -> the draw.io style of its vertex (shape family)
SHAPES: dict[str, str] = {
    "cylinder": "shape=cylinder3;boundedLbl=1;backgroundOutline=1;size=10;",
    "ellipse": "ellipse;",
    "oval": "ellipse;",
    "circle": "ellipse;",
    "hexagon": "shape=hexagon;perimeter=hexagonPerimeter2;size=0.15;",
    "octagon": "shape=hexagon;perimeter=hexagonPerimeter2;size=0.15;",
    "diamond": "rhombus;",
    "Mdiamond": "rhombus;",
    "parallelogram": "shape=parallelogram;perimeter=parallelogramPerimeter;size=0.1;",
    "trapezium": "shape=trapezoid;perimeter=trapezoidPerimeter;size=0.1;",
    "note": "shape=note;size=14;",
    "tab": "shape=folder;tabWidth=40;tabHeight=10;",
    "folder": "shape=folder;tabWidth=40;tabHeight=10;",
    "component": "shape=component;",
    "box3d": "shape=cube;size=8;",
    "house": "shape=offPageConnector;size=0.2;direction=west;",
}
EDGE_STYLES: dict[str, str] = {
    "request": "endArrow=block;endFill=1;strokeWidth=2;",
    "stream": "endArrow=open;dashed=1;dashPattern=8 4;strokeWidth=1.5;",
    "batch": "endArrow=open;dashed=1;dashPattern=2 4;strokeWidth=1.5;",
    "feedback": "endArrow=open;dashed=1;dashPattern=6 4;strokeWidth=1.5;",
}


_ATTR = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;", ord("\n"): "&#10;",
         ord("\r"): "&#13;", ord("\t"): "&#9;"}
_ATTR.update({c: chr(0x2400 + c) for c in range(0x20) if c not in (9, 10, 13)})  # XML 1.0 cannot hold them
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def quoteattr(value: str) -> str:
    """An XML attribute value in double quotes, escaped in one pass (line breaks as ``&#10;``); characters XML
    1.0 cannot hold at all become their visible symbol (C0 controls, U+2400 + code) or U+FFFD."""
    text = value.translate(_ATTR)
    if _NOT_XML.search(text):
        text = _NOT_XML.sub("\ufffd", text)
    return f'"{text}"'


def prop_text(value: object) -> str:
    """A prop value as an attribute: text as itself, anything else as JSON."""
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def block_style(kind: str) -> str:
    entry = KINDS.get(kind)
    shape = SHAPES.get(entry.shape if entry else "box", "rounded=1;arcSize=12;")
    return f"{shape}whiteSpace=nowrap;fillColor={color_of(kind)};strokeColor={MUTED};fontColor={INK};"


def _attrs(pairs: list[tuple[str, str]]) -> str:
    return " ".join(f"{name}={quoteattr(value)}" for name, value in pairs)


def dump(design: Design) -> str:
    """The design as an uncompressed draw.io file (one page); loads back to an equal design."""
    head = design.model_dump(mode="json", exclude={"components", "connections"}, exclude_defaults=True)
    out = [
        '<mxfile host="mlsd" type="device">',
        f'  <diagram id="mlsd" name={quoteattr(design.name)}>',
        '    <mxGraphModel dx="1000" dy="600" grid="1" gridSize="10" guides="1" tooltips="1" connect="1" '
        'arrows="1" fold="1" page="0" pageScale="1" pageWidth="850" pageHeight="1100" math="0" shadow="0">',
        "      <root>",
        f"        <object {_attrs([('label', ''), ('mlsd_design', json.dumps(head, ensure_ascii=False))])} "
        'id="0">',
        "          <mxCell />",
        "        </object>",
        '        <mxCell id="1" parent="0" />',
    ]
    for c in design.components:
        pairs = [("label", c.title), ("mlsd_id", c.id), ("mlsd_kind", c.kind)]
        if not c.label:
            pairs.append(("mlsd_default_label", "1"))
        for name, value in c.props.items():
            pairs.append((name if name not in RESERVED else f"mlsd_prop_{name}", prop_text(value)))
        out += [
            f"        <object {_attrs(pairs)} id={quoteattr('block-' + c.id)}>",
            f'          <mxCell style={quoteattr(block_style(c.kind))} vertex="1" parent="1">',
            f'            <mxGeometry x="{c.position.x:g}" y="{c.position.y:g}" width="{BLOCK_W:g}" '
            f'height="{BLOCK_H:g}" as="geometry" />',
            "          </mxCell>",
            "        </object>",
        ]
    for e in design.connections:
        pairs = [("label", e.label or ""), ("mlsd_id", e.id), ("mlsd_flow", e.flow)]
        if e.fallback:
            pairs.append(("mlsd_fallback", "1"))
        style = (f"{EDGE_STYLES[e.flow]}edgeStyle=orthogonalEdgeStyle;rounded=1;"
                 f"strokeColor={FLOW_COLORS[e.flow]};fontColor={MUTED};")
        out += [
            f"        <object {_attrs(pairs)} id={quoteattr('conn-' + e.id)}>",
            f"          <mxCell style={quoteattr(style)} edge=\"1\" parent=\"1\" "
            f"source={quoteattr('block-' + e.source)} target={quoteattr('block-' + e.target)}>",
            '            <mxGeometry relative="1" as="geometry" />',
            "          </mxCell>",
            "        </object>",
        ]
    out += ["      </root>", "    </mxGraphModel>", "  </diagram>", "</mxfile>"]
    return "\n".join(out) + "\n"


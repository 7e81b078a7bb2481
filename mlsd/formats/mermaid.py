"""Mermaid flowcharts (the diagrams GitHub renders): ``dump`` writes one; reading one back is ``mermaid_load``.

Node ids are generated (``n0``, ``n1``...), never taken from the design. User text is made printable by
``display_text`` and every character Mermaid or HTML could read as syntax becomes an entity code.
"""

from __future__ import annotations

import json
import re

from mlsd.catalog import CATEGORIES, KINDS
from mlsd.formats.mermaid_load import DATA_MARK
from mlsd.formats.mermaid_load import load as load  # the reader, re-exported: each format module has dump and load
from mlsd.formats.style import FLOW_COLORS, INK, MUTED, _category, kind_label
from mlsd.model import Design
from mlsd.text import display_text

# Characters written as Mermaid entity codes (#quot; or #<decimal>;). '#' itself is encoded so that user text
# such as "#quot;" is not decoded by Mermaid; '&' so that no HTML entity is decoded; brackets, braces, pipes,
# backticks, backslashes, '%' (comments) and angle brackets so that no shape, edge label, Markdown string, comment
# or HTML tag can open. Parentheses are safe inside the quotes and kept.
_MERMAID_ENTITIES: dict[str, str] = {
    "#": "#35;",
    '"': "#quot;",
    "&": "#amp;",
    "<": "#lt;",
    ">": "#gt;",
    "[": "#91;",
    "]": "#93;",
    "{": "#123;",
    "}": "#125;",
    "|": "#124;",
    "`": "#96;",
    "\\": "#92;",
    "%": "#37;",
}
_MERMAID_SPECIAL = re.compile("[" + re.escape("".join(_MERMAID_ENTITIES)) + "]")
MERMAID_BREAK = "<br/>"


def mermaid_text(text: str) -> str:
    """Text inside a quoted Mermaid label: every character that Mermaid or HTML could read as syntax is an
    entity code; line breaks become ``<br/>`` (the only raw markup in the result)."""
    encoded = _MERMAID_SPECIAL.sub(lambda m: _MERMAID_ENTITIES[m.group()], display_text(text))
    return encoded.replace("\n", MERMAID_BREAK)


# Graphviz shape of the kind -> Mermaid (opening, closing) around the quoted label
_MERMAID_SHAPES: dict[str, tuple[str, str]] = {
    "cylinder": ("[(", ")]"),
    "ellipse": ("([", "])"),
    "oval": ("([", "])"),
    "circle": ("((", "))"),
    "hexagon": ("{{", "}}"),
    "octagon": ("{{", "}}"),
    "septagon": ("{{", "}}"),
    "diamond": ("{", "}"),
    "Mdiamond": ("{", "}"),
    "parallelogram": ("[/", "/]"),
    "trapezium": ("[/", "\\]"),
    "invtrapezium": ("[\\", "/]"),
    "component": ("[[", "]]"),
    "box3d": ("[[", "]]"),
    "Msquare": ("[[", "]]"),
    "note": (">", "]"),
    "tab": (">", "]"),
    "folder": (">", "]"),
    "cds": (">", "]"),
    "house": ("[/", "\\]"),
    "triangle": ("[/", "\\]"),
}
_MERMAID_ARROWS: dict[str, str] = {"request": "==>", "stream": "-.->", "batch": "-->", "feedback": "-.->"}
_MERMAID_LINK_STYLES: dict[str, str] = {
    "request": f"stroke:{FLOW_COLORS['request']},stroke-width:2px",
    "stream": f"stroke:{FLOW_COLORS['stream']}",
    "batch": f"stroke:{FLOW_COLORS['batch']},stroke-dasharray:2 4",
    "feedback": f"stroke:{FLOW_COLORS['feedback']},stroke-dasharray:6 4",
}


_JSON_HTML = re.compile("[<>&`]")  # escaped inside JSON strings too, so that no tag shows even in a report


def _data_line(record: dict[str, object]) -> str:
    """A Mermaid comment holding one record as JSON; ASCII only (``ensure_ascii``), so no line break, no bidi
    control and nothing Mermaid reads can appear in it; ``<>&`` and backticks are ``\\u`` escapes as well."""
    text = json.dumps(record, ensure_ascii=True, separators=(",", ":"))
    return "  " + DATA_MARK + _JSON_HTML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def to_mermaid(design: Design) -> str:
    """The design as a Mermaid ``flowchart LR``: shapes by kind family, arrows by flow, a class per category
    (its colour) and a class ``kind_<kind>`` per kind, so that a diagram edited elsewhere keeps its kinds.

    Comment lines (``%% mlsd {...}``, ignored by Mermaid) carry what a flowchart cannot: the design's own fields,
    each block's id, kind, label, props and position, each connection's id, flow and fallback flag; with them
    ``mermaid_load.load`` gives back the very same design.
    """
    out = ["flowchart LR"]
    head = design.model_dump(mode="json", exclude={"components", "connections"}, exclude_defaults=True)
    out.append(_data_line({"design": head}))
    node_id: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    by_kind: dict[str, list[str]] = {}
    for i, c in enumerate(design.components):
        nid = f"n{i}"
        node_id[c.id] = nid
        entry = KINDS.get(c.kind)
        opening, closing = _MERMAID_SHAPES.get(entry.shape if entry else "box", ("[", "]"))
        label = f"{mermaid_text(c.title)}{MERMAID_BREAK}{mermaid_text(kind_label(c))}"
        block: dict[str, object] = {"node": nid, "id": c.id, "kind": c.kind}
        if c.label:
            block["label"] = c.label
        if c.props:
            block["props"] = c.props
        block["x"], block["y"] = c.position.x, c.position.y
        out.append(_data_line({"block": block}))
        out.append(f'  {nid}{opening}"{label}"{closing}')
        members.setdefault(_category(c), []).append(nid)
        by_kind.setdefault(c.kind, []).append(nid)
    by_flow: dict[str, list[str]] = {}
    for k, e in enumerate(design.connections):
        arrow = _MERMAID_ARROWS[e.flow]
        text = f'|"{mermaid_text(e.label)}"|' if e.label else ""
        record: dict[str, object] = {"link": k, "id": e.id, "flow": e.flow}
        if e.fallback:
            record["fallback"] = True
        if e.label:
            record["label"] = e.label
        out.append(_data_line({"connection": record}))
        out.append(f"  {node_id[e.source]} {arrow}{text} {node_id[e.target]}")
        by_flow.setdefault(e.flow, []).append(str(k))
    for cat, nids in members.items():
        if cat not in CATEGORIES:
            continue
        out.append(f"  classDef cat_{cat} fill:{CATEGORIES[cat].color},stroke:{MUTED},color:{INK}")
        out.append(f"  class {','.join(nids)} cat_{cat}")
    for kind, nids in by_kind.items():
        out.append(f"  class {','.join(nids)} kind_{kind}")
    for flow, indices in by_flow.items():
        out.append(f"  linkStyle {','.join(indices)} {_MERMAID_LINK_STYLES[flow]}")
    return "\n".join(out) + "\n"


dump = to_mermaid

"""Graphviz DOT: the design as a left-to-right digraph (``dump``), with findings marked when given.

Node ids are generated (``n0``, ``n1``...), never taken from the design; user text is made printable by
``display_text`` and escaped for DOT (``dot_string``) or for DOT's HTML-like labels (``dot_html``).
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from mlsd.catalog import KINDS, color_of
from mlsd.formats.style import _ENTITY, FLOW_COLORS, FONT, INK, MUTED, _severity_color, flagged_blocks, kind_label
from mlsd.model import Design
from mlsd.rules import Finding
from mlsd.text import display_text


def dot_string(text: str) -> str:
    """A DOT quoted string (an escString) showing ``text`` literally: ``\\`` and ``"`` are escaped, so that
    neither ``\\N`` nor ``\\l`` is expanded and nothing ends the string early; line breaks become ``\\n``; the
    ``&`` of an HTML entity becomes ``&amp;`` (Graphviz decodes entities in labels)."""
    text = display_text(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{_ENTITY.sub("&amp;", text)}"'


def dot_html(text: str) -> str:
    """Text inside a DOT HTML-like label: XML-escaped, line breaks as ``<BR/>``, backslashes doubled (Graphviz
    expands ``\\N``, ``\\G``... in the text of HTML-like labels too, and reads ``\\\\`` as one backslash)."""
    text = html.escape(display_text(text).replace("\\", "\\\\"), quote=True)
    return text.replace("\n", "<BR/>")


_DOT_EDGE_STYLE: dict[str, str] = {
    "request": 'style=bold, penwidth=1.6, color="{c}"',
    "stream": 'style=dashed, color="{c}"',
    "batch": 'style=dotted, color="{c}"',
    "feedback": 'style=dashed, color="{c}", fontcolor="{c}", constraint=false',
}


def to_dot(design: Design, findings: Sequence[Finding] | None = None) -> str:
    """The design as a left-to-right Graphviz digraph.

    Nodes are shaped by their kind and filled with their category's colour; the label is the block's title with
    its kind in smaller text. Edges are styled by flow: request solid bold, stream dashed, batch dotted, feedback
    dashed purple (and does not constrain the ranks). With ``findings``, blocks and connections concerned by an
    unwaived error get a red border, by a warning an amber one.
    """
    flagged, flagged_conns = flagged_blocks(findings)
    out = [
        "digraph mlsd {",
        f"  graph [rankdir=LR, label={dot_string(design.name)}, labelloc=t, fontname=\"{FONT}\", fontsize=16, "
        'nodesep=0.35, ranksep=0.7, bgcolor="white", pad=0.3];',
        f'  node [fontname="{FONT}", fontsize=12, style=filled, color="{MUTED}", fontcolor="{INK}", '
        "penwidth=1, margin=\"0.15,0.08\"];",
        f'  edge [fontname="{FONT}", fontsize=9, fontcolor="{MUTED}", arrowsize=0.7];',
    ]
    node_id: dict[str, str] = {}
    for i, c in enumerate(design.components):
        nid = f"n{i}"
        node_id[c.id] = nid
        entry = KINDS.get(c.kind)
        shape = entry.shape if entry else "box"
        style = "filled,rounded" if shape == "box" else "filled"
        label = (
            f"<{dot_html(c.title)}<BR/>"
            f'<FONT POINT-SIZE="9" COLOR="{MUTED}">{dot_html(kind_label(c))}</FONT>>'
        )
        attrs = [
            f"id={dot_string('block-' + c.id)}",
            f"label={label}",
            f"shape={dot_string(shape)}",
            f"style={dot_string(style)}",
            f"fillcolor={dot_string(color_of(c.kind))}",
            f"tooltip={dot_string(f'{c.id} ({c.kind})')}",
        ]
        border = _severity_color(flagged.get(c.id))
        if border:
            attrs.append(f'color="{border}", penwidth={2.5 if flagged[c.id] == "error" else 2}')
        out.append(f"  {nid} [{', '.join(attrs)}];")
    for e in design.connections:
        attrs = [f"id={dot_string('conn-' + e.id)}"]
        severity = flagged_conns.get(e.id)
        color = _severity_color(severity) or FLOW_COLORS[e.flow]
        attrs.append(_DOT_EDGE_STYLE[e.flow].format(c=color))
        if e.label:
            attrs.append(f"label={dot_string(e.label)}")
        out.append(f"  {node_id[e.source]} -> {node_id[e.target]} [{', '.join(attrs)}];")
    out.append("}")
    return "\n".join(out) + "\n"


def dump(design: Design) -> str:
    """``to_dot`` with the checklists' findings marked."""
    from mlsd.rules import check

    return to_dot(design, check(design).findings)

"""Every picture and report of a design: Graphviz DOT, SVG, Mermaid and a Markdown review report.

Here "component" means a placed block of a design (``mlsd.model.Component``).

Every function is pure: it takes a design (and, for the report, the checklists' report and the analysis) and
returns text; nothing is drawn, written or cached. User text (names, labels, notes, rule messages quoting
labels) is never trusted: ``display_text`` first makes it printable (control characters become visible
symbols, bidirectional overrides become visible ``[U+202E]`` markers so that a label cannot reverse the text
around it), then each format escapes what its syntax needs. Node ids in DOT and Mermaid are generated
(``n0``, ``n1``...), never taken from the design.

``auto_layout`` places blocks left to right in layers (used by the SVG when a design has no positions, and by
the board's "auto-layout" button).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Literal, cast

from mlsd.analysis import Analysis, TierCapacity
from mlsd.catalog import CATEGORIES, KINDS, color_of
from mlsd.model import Component, Connection, Design, Requirements
from mlsd.rules import Finding, Report, check
from mlsd.rules.engine import CATEGORIES as CHECKLISTS
from mlsd.text import display_text, one_line, truncate  # one_line, truncate: re-exported (render's API)

Format = Literal["dot", "svg", "mermaid", "markdown"]
FORMATS: tuple[Format, ...] = ("dot", "svg", "mermaid", "markdown")

FONT = "Helvetica,Arial,sans-serif"
INK = "#263238"  # text
MUTED = "#546e7a"  # secondary text and default borders
ERROR_COLOR = "#d32f2f"
WARNING_COLOR = "#f59e0b"
FLOW_COLORS: dict[str, str] = {"request": "#37474f", "stream": "#1565c0", "batch": "#607d8b", "feedback": "#8e24aa"}
FLOW_LABELS: dict[str, str] = {
    "request": "request (synchronous)",
    "stream": "stream",
    "batch": "batch",
    "feedback": "feedback",
}

def kind_label(c: Component) -> str:
    entry = KINDS.get(c.kind)
    return entry.label if entry else c.kind


def _category(c: Component) -> str:
    entry = KINDS.get(c.kind)
    return entry.category if entry else ""


def flagged_blocks(findings: Iterable[Finding] | None) -> tuple[dict[str, str], dict[str, str]]:
    """(block id -> worst unwaived severity, connection id -> worst) over error and warning findings."""
    rank = {"error": 2, "warning": 1}
    blocks: dict[str, str] = {}
    conns: dict[str, str] = {}
    for f in findings or ():
        if f.waived or f.severity not in rank:
            continue
        for target, ids in ((blocks, f.components), (conns, f.connections)):
            for i in ids:
                if rank[f.severity] > rank.get(target.get(i, ""), 0):
                    target[i] = f.severity
    return blocks, conns


def _severity_color(severity: str | None) -> str | None:
    return {"error": ERROR_COLOR, "warning": WARNING_COLOR}.get(severity or "")


# ---------------------------------------------------------------------------------------------------------------
# Graphviz DOT
# ---------------------------------------------------------------------------------------------------------------


# The '&' that starts an HTML entity ("&#x202E;", "&lt;"): Graphviz decodes entities in every label, quoted
# strings included, and Markdown in the notes, so "&#x202E;" would become a real right-to-left override after
# display_text ran. Such an '&' is written as "&amp;".
_ENTITY = re.compile(r"&(?=#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")


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


# ---------------------------------------------------------------------------------------------------------------
# Mermaid
# ---------------------------------------------------------------------------------------------------------------

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


def to_mermaid(design: Design) -> str:
    """The design as a Mermaid ``flowchart LR``: shapes by kind family, arrows by flow, a class per category."""
    out = ["flowchart LR"]
    node_id: dict[str, str] = {}
    members: dict[str, list[str]] = {}
    for i, c in enumerate(design.components):
        nid = f"n{i}"
        node_id[c.id] = nid
        entry = KINDS.get(c.kind)
        opening, closing = _MERMAID_SHAPES.get(entry.shape if entry else "box", ("[", "]"))
        label = f"{mermaid_text(c.title)}{MERMAID_BREAK}{mermaid_text(kind_label(c))}"
        out.append(f'  {nid}{opening}"{label}"{closing}')
        members.setdefault(_category(c), []).append(nid)
    by_flow: dict[str, list[str]] = {}
    for k, e in enumerate(design.connections):
        arrow = _MERMAID_ARROWS[e.flow]
        text = f'|"{mermaid_text(e.label)}"|' if e.label else ""
        out.append(f"  {node_id[e.source]} {arrow}{text} {node_id[e.target]}")
        by_flow.setdefault(e.flow, []).append(str(k))
    for cat, nids in members.items():
        if cat not in CATEGORIES:
            continue
        out.append(f"  classDef cat_{cat} fill:{CATEGORIES[cat].color},stroke:{MUTED},color:{INK}")
        out.append(f"  class {','.join(nids)} cat_{cat}")
    for flow, indices in by_flow.items():
        out.append(f"  linkStyle {','.join(indices)} {_MERMAID_LINK_STYLES[flow]}")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------------------------
# Layout
# ---------------------------------------------------------------------------------------------------------------

LAYER_GAP = 260.0  # x distance between layers, canvas units
ROW_GAP = 110.0  # y distance between blocks of one layer
LAYOUT_SWEEPS = 4  # barycentre sweeps (down, up, down, up)


def _layers(n: int, adj: list[list[int]], roots: Iterable[int]) -> list[int]:
    """Longest-path layer of each node of a directed graph (index lists), back edges of a DFS dropped."""
    state = [0] * n  # 0 unseen, 1 on the stack, 2 done
    post: list[int] = []
    kept: list[list[int]] = [[] for _ in range(n)]
    for root in [*roots, *range(n)]:
        if state[root]:
            continue
        state[root] = 1
        stack = [(root, 0)]
        while stack:
            v, i = stack[-1]
            if i < len(adj[v]):
                stack[-1] = (v, i + 1)
                w = adj[v][i]
                if state[w] == 0:
                    kept[v].append(w)
                    state[w] = 1
                    stack.append((w, 0))
                elif state[w] == 2:
                    kept[v].append(w)
                # state 1: a back edge, which closes a cycle; dropped
            else:
                state[v] = 2
                post.append(v)
                stack.pop()
    layer = [0] * n
    for v in reversed(post):  # topological order of the kept DAG
        for w in kept[v]:
            if layer[w] <= layer[v]:
                layer[w] = layer[v] + 1
    return layer


def auto_layout(design: Design) -> dict[str, tuple[float, float]]:
    """Top-left canvas positions placing the blocks left to right in layers.

    Layers are longest-path layers over the connections (feedback connections are ignored: they point back by
    nature; other cycles are broken at the back edges of a depth-first walk). Within a layer blocks are ordered
    by the barycentre of their neighbours in alternating down and up sweeps, which reduces crossings. Iterative
    and O((V + E) log V); each layer is centred vertically on the tallest one.
    """
    comps = design.components
    n = len(comps)
    if n == 0:
        return {}
    index = {c.id: i for i, c in enumerate(comps)}
    adj: list[list[int]] = [[] for _ in range(n)]
    preds: list[list[int]] = [[] for _ in range(n)]
    has_in = [False] * n
    for e in design.connections:
        if e.flow == "feedback":
            continue
        s, t = index[e.source], index[e.target]
        adj[s].append(t)
        has_in[t] = True
    layer = _layers(n, adj, (i for i in range(n) if not has_in[i]))
    succs: list[list[int]] = [[] for _ in range(n)]
    for s in range(n):
        for t in adj[s]:
            if layer[t] > layer[s]:  # edges kept by the layering all point right
                succs[s].append(t)
                preds[t].append(s)
    depth = max(layer) + 1
    rows: list[list[int]] = [[] for _ in range(depth)]
    for v in range(n):
        rows[layer[v]].append(v)
    tallest = max(len(r) for r in rows)
    y = [0.0] * n

    def place(row: list[int]) -> None:
        offset = (tallest - len(row)) * ROW_GAP / 2.0
        for slot, v in enumerate(row):
            y[v] = offset + slot * ROW_GAP

    for row in rows:
        place(row)
    for sweep in range(LAYOUT_SWEEPS):
        down = sweep % 2 == 0
        neighbours = preds if down else succs
        order = range(1, depth) if down else range(depth - 2, -1, -1)
        for li in order:
            row = rows[li]
            key: dict[int, float] = {}
            for v in row:
                ns = neighbours[v]
                key[v] = sum(y[u] for u in ns) / len(ns) if ns else y[v]
            row.sort(key=lambda v: (key[v], v))
            place(row)
    return {comps[v].id: (layer[v] * LAYER_GAP, y[v]) for v in range(n)}


def positions_of(design: Design) -> dict[str, tuple[float, float]]:
    """The blocks' saved positions, or ``auto_layout`` when none has one (every block at 0,0)."""
    if len(design.components) > 1 and all(c.position.x == 0 and c.position.y == 0 for c in design.components):
        return auto_layout(design)
    return {c.id: (c.position.x, c.position.y) for c in design.components}


# ---------------------------------------------------------------------------------------------------------------
# SVG
# ---------------------------------------------------------------------------------------------------------------

BLOCK_W = 190.0
BLOCK_H = 58.0
MARGIN = 30.0
TITLE_CHARS = 24
KIND_CHARS = 30
EDGE_LABEL_CHARS = 32
_SVG_DASH: dict[str, str] = {"request": "", "stream": "7 4", "batch": "2 4", "feedback": "7 4"}
_SVG_WIDTH: dict[str, float] = {"request": 2.0, "stream": 1.4, "batch": 1.4, "feedback": 1.4}


def xml_text(text: str) -> str:
    """Text for an SVG/XML text node or attribute value (printable, ``&<>"'`` escaped)."""
    return html.escape(display_text(text), quote=True)


def _n(x: float) -> str:
    """A coordinate, short."""
    return f"{x:.1f}".rstrip("0").rstrip(".") if math.isfinite(x) else "0"


def _clip(cx: float, cy: float, dx: float, dy: float) -> tuple[float, float]:
    """Where the ray from a block's centre along (dx, dy) leaves the block's rectangle."""
    hw, hh = BLOCK_W / 2.0, BLOCK_H / 2.0
    scale = min(hw / abs(dx) if dx else math.inf, hh / abs(dy) if dy else math.inf)
    if not math.isfinite(scale):
        return cx, cy
    return cx + dx * scale, cy + dy * scale


def _edge_offsets(conns: Sequence[Connection]) -> list[float]:
    """Perpendicular offset of each connection so that several between the same two blocks stay apart."""
    groups: dict[tuple[str, str], list[int]] = {}
    for k, e in enumerate(conns):
        groups.setdefault((min(e.source, e.target), max(e.source, e.target)), []).append(k)
    offsets = [0.0] * len(conns)
    for members in groups.values():
        if len(members) == 1:
            continue
        for j, k in enumerate(members):
            offsets[k] = (j - (len(members) - 1) / 2.0) * 10.0
    return offsets


def _svg_edge(
    e: Connection, a: tuple[float, float], b: tuple[float, float], offset: float, severity: str | None
) -> list[str]:
    ax, ay = a[0] + BLOCK_W / 2.0, a[1] + BLOCK_H / 2.0
    bx, by = b[0] + BLOCK_W / 2.0, b[1] + BLOCK_H / 2.0
    dx, dy = bx - ax, by - ay
    length = math.hypot(dx, dy)
    if length == 0.0:  # two blocks at the same place: a short stub to the right
        dx, dy, length = 1.0, 0.0, 1.0
    # perpendicular of the canonical direction, so that A->B and B->A separate
    sign = 1.0 if e.source <= e.target else -1.0
    px, py = -dy / length * offset * sign, dx / length * offset * sign
    x1, y1 = _clip(ax, ay, dx, dy)
    x2, y2 = _clip(bx, by, -dx, -dy)
    x1, y1, x2, y2 = x1 + px, y1 + py, x2 + px, y2 + py
    color = _severity_color(severity) or FLOW_COLORS[e.flow]
    dash = _SVG_DASH[e.flow]
    attrs = (
        f'x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{color}" '
        f'stroke-width="{_n(_SVG_WIDTH[e.flow] + (0.8 if severity else 0.0))}"'
        + (f' stroke-dasharray="{dash}"' if dash else "")
        + f' marker-end="url(#mlsd-arrow-{e.flow})"'
    )
    out = [
        f'<g class="connection flow-{e.flow}" data-id="{xml_text(e.id)}">',
        f"<title>{xml_text(e.label or e.id)} ({e.flow})</title>",
        f"<line {attrs}/>",
    ]
    if e.label:
        mx, my = (x1 + x2) / 2.0, (y1 + y2) / 2.0 - 4.0
        shown = xml_text(truncate(one_line(e.label), EDGE_LABEL_CHARS))
        out.append(
            f'<text class="edge-label" x="{_n(mx)}" y="{_n(my)}" text-anchor="middle" font-size="10" '
            f'fill="{MUTED}" stroke="white" stroke-width="3" paint-order="stroke">{shown}</text>'
        )
    out.append("</g>")
    return out


def _svg_block(c: Component, x: float, y: float, severity: str | None) -> list[str]:
    border = _severity_color(severity) or MUTED
    width = 2.6 if severity == "error" else 2.0 if severity else 1.0
    title = xml_text(truncate(one_line(c.title), TITLE_CHARS))
    kind = xml_text(truncate(kind_label(c), KIND_CHARS))
    cx = x + BLOCK_W / 2.0
    return [
        f'<g class="block" data-id="{xml_text(c.id)}" data-kind="{xml_text(c.kind)}">',
        f"<title>{xml_text(c.title)}</title>",
        f'<rect x="{_n(x)}" y="{_n(y)}" width="{_n(BLOCK_W)}" height="{_n(BLOCK_H)}" rx="9" ry="9" '
        f'fill="{color_of(c.kind)}" stroke="{border}" stroke-width="{_n(width)}"/>',
        f'<text class="block-title" x="{_n(cx)}" y="{_n(y + 25)}" text-anchor="middle" font-size="13" '
        f'font-weight="bold" fill="{INK}">{title}</text>',
        f'<text class="block-kind" x="{_n(cx)}" y="{_n(y + 44)}" text-anchor="middle" font-size="11" '
        f'fill="{MUTED}">{kind}</text>',
        "</g>",
    ]


def _svg_legend(design: Design, x0: float, y0: float, with_findings: bool) -> tuple[list[str], float, float]:
    """The legend (categories present, flows, finding borders) at (x0, y0); returns its lines, width, height."""
    out = ['<g class="legend" font-size="11">']
    used = [cat for cat in CATEGORIES if any(_category(c) == cat for c in design.components)]
    x = x0
    for cat in used:
        label = CATEGORIES[cat].label
        out.append(
            f'<rect x="{_n(x)}" y="{_n(y0)}" width="14" height="14" rx="3" fill="{CATEGORIES[cat].color}" '
            f'stroke="{MUTED}"/><text x="{_n(x + 20)}" y="{_n(y0 + 11)}" fill="{INK}">{xml_text(label)}</text>'
        )
        x += 34 + 6.5 * len(label)
    width = x - x0
    y = y0 + 24
    x = x0
    for flow, label in FLOW_LABELS.items():
        dash = _SVG_DASH[flow]
        out.append(
            f'<line x1="{_n(x)}" y1="{_n(y + 7)}" x2="{_n(x + 36)}" y2="{_n(y + 7)}" stroke="{FLOW_COLORS[flow]}" '
            f'stroke-width="{_n(_SVG_WIDTH[flow])}"' + (f' stroke-dasharray="{dash}"' if dash else "")
            + f' marker-end="url(#mlsd-arrow-{flow})"/>'
            f'<text x="{_n(x + 44)}" y="{_n(y + 11)}" fill="{INK}">{xml_text(label)}</text>'
        )
        x += 60 + 6.5 * len(label)
    if with_findings:
        for color, label in ((ERROR_COLOR, "error finding"), (WARNING_COLOR, "warning finding")):
            out.append(
                f'<rect x="{_n(x)}" y="{_n(y)}" width="14" height="14" rx="3" fill="white" stroke="{color}" '
                f'stroke-width="2.5"/><text x="{_n(x + 20)}" y="{_n(y + 11)}" fill="{INK}">{label}</text>'
            )
            x += 34 + 6.5 * len(label)
    width = max(width, x - x0)
    out.append("</g>")
    return out, width, 40.0


def to_svg(design: Design, findings: Sequence[Finding] | None = None) -> str:
    """A standalone SVG drawn from the blocks' positions (``auto_layout`` when none has one).

    Blocks are rounded rectangles in their category's colour with the title and the kind (long text cut with …;
    the full title is the block's tooltip); arrows are styled by flow; a legend sits below. With ``findings``,
    blocks and connections concerned by an unwaived error get a red border, by a warning an amber one.
    """
    pos = positions_of(design)
    flagged, flagged_conns = flagged_blocks(findings)
    if pos:
        min_x = min(p[0] for p in pos.values())
        min_y = min(p[1] for p in pos.values())
        max_x = max(p[0] for p in pos.values()) + BLOCK_W
        max_y = max(p[1] for p in pos.values()) + BLOCK_H
    else:
        min_x = min_y = 0.0
        max_x, max_y = 400.0, 60.0
    title_h = 34.0
    top = min_y - MARGIN - title_h
    legend, legend_w, legend_h = _svg_legend(design, min_x, max_y + MARGIN, findings is not None)
    width = max(max_x - min_x, legend_w) + 2 * MARGIN
    height = (max_y + MARGIN + legend_h + MARGIN) - top
    left = min_x - MARGIN
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="{_n(left)} {_n(top)} {_n(width)} {_n(height)}" '
        f'width="{_n(width)}" height="{_n(height)}" font-family="{FONT}" role="img">',
        f"<title>{xml_text(design.name)}</title>",
        "<defs>",
    ]
    for flow, color in FLOW_COLORS.items():
        out.append(
            f'<marker id="mlsd-arrow-{flow}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
            f'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{color}"/></marker>'
        )
    out.append("</defs>")
    out.append(
        f'<rect x="{_n(left)}" y="{_n(top)}" width="{_n(width)}" height="{_n(height)}" fill="white"/>'
    )
    out.append(
        f'<text class="design-name" x="{_n(min_x)}" y="{_n(top + MARGIN)}" font-size="16" font-weight="bold" '
        f'fill="{INK}">{xml_text(truncate(one_line(design.name), 90))}</text>'
    )
    out.append('<g class="connections">')
    for e, offset in zip(design.connections, _edge_offsets(design.connections), strict=True):
        out.extend(_svg_edge(e, pos[e.source], pos[e.target], offset, flagged_conns.get(e.id)))
    out.append("</g>")
    out.append('<g class="blocks">')
    for c in design.components:
        x, y = pos[c.id]
        out.extend(_svg_block(c, x, y, flagged.get(c.id)))
    out.append("</g>")
    out.extend(legend)
    out.append("</svg>")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------------------------------------------
# Markdown report
# ---------------------------------------------------------------------------------------------------------------

_MD_ESCAPES: dict[str, str] = {
    "\\": "\\\\",
    "`": "\\`",
    "*": "\\*",
    "_": "\\_",
    "[": "\\[",
    "]": "\\]",
    "|": "\\|",
    "~": "\\~",
    "#": "\\#",
    "$": "\\$",
    "<": "&lt;",
    ">": "&gt;",
    "&": "&amp;",
}
_MD_SPECIAL = re.compile("[" + re.escape("".join(_MD_ESCAPES)) + "]")
_MD_LINE_START = re.compile(r"^(\s*)([-+=]|\d+[.)])")


def md_inline(text: str) -> str:
    """User text as one line of literal Markdown: no emphasis, link, code, HTML or table cell can open."""
    escaped = _MD_SPECIAL.sub(lambda m: _MD_ESCAPES[m.group()], one_line(text))
    return _MD_LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), escaped, count=1)


def md_cell(text: str) -> str:
    """User text for a Markdown table cell: literal, ``|`` escaped, line breaks as ``<br>``."""
    lines = display_text(text).split("\n")
    return "<br>".join(_MD_SPECIAL.sub(lambda m: _MD_ESCAPES[m.group()], line) for line in lines)


def md_notes(text: str) -> str:
    """The author's Markdown notes, kept as Markdown but with raw HTML and entities disabled (``<`` becomes
    ``&lt;``, the ``&`` of ``&#x202E;`` becomes ``&amp;``)."""
    return _ENTITY.sub("&amp;", display_text(text)).replace("<", "&lt;")


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], align: str = "") -> list[str]:
    out = ["| " + " | ".join(header) + " |"]
    out.append("|" + "|".join(("---:" if a == "r" else "---") for a in align.ljust(len(header), "l")) + "|")
    out.extend("| " + " | ".join(row) + " |" for row in rows)
    return out


def _num(x: float | None, unit: str = "", digits: int = 1) -> str:
    if x is None:
        return "—"
    if not math.isfinite(x):
        return "∞"
    text = f"{x:,.0f}" if float(x).is_integer() or abs(x) >= 1000 else f"{x:,.{digits}f}"
    return f"{text} {unit}".rstrip()


def _money(x: float) -> str:
    return f"${x:,.0f}" if math.isfinite(x) else "∞"


def _requirement_value(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(md_cell(str(v)) for v in value)
    if isinstance(value, float):
        return _num(value, digits=3)
    return md_cell(str(value))


def _prop_value(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return _num(value, digits=3)
    if isinstance(value, list):
        return "[" + ", ".join(str(v) for v in value) + "]"
    return str(value)


def _ids(ids: Iterable[str]) -> str:
    return ", ".join(f"`{i}`" for i in ids)  # ids match [A-Za-z0-9_.-]: safe in a code span


def _md_findings(report: Report) -> list[str]:
    summary = report.summary()
    score = report.score()
    overall = score["overall"]
    out = [
        "## Findings",
        "",
        f"**{summary['error']}** errors, **{summary['warning']}** warnings, **{summary['info']}** info, "
        f"**{summary['waived']}** waived; checks passed **{overall if overall is not None else 'n/a'}**/100 "
        f"({summary['rules_passed']} rules passed, {summary['rules_failed']} failed, "
        f"{summary['rules_not_applicable']} not applicable, {summary['rules_error']} could not run).",
        "",
    ]
    active = report.active
    if not active:
        out += ["No open findings.", ""]
    order = {"error": 0, "warning": 1, "info": 2}
    for cat, label in CHECKLISTS.items():
        mine = sorted((f for f in active if f.category == cat), key=lambda f: order[f.severity])
        if not mine:
            continue
        out += [f"### {label}", ""]
        for f in mine:
            where = []
            if f.components:
                where.append(f"blocks: {_ids(f.components)}")
            if f.connections:
                where.append(f"connections: {_ids(f.connections)}")
            out.append(
                f"- **{f.severity.upper()}** `{f.rule}` {md_inline(f.title)}: {md_inline(f.message)}"
                + (f" ({'; '.join(where)})" if where else "")
            )
            out.append(f"  - Fix: {md_inline(f.fix)}")
        out.append("")
    waived = [f for f in report.findings if f.waived]
    out += ["## Waivers", ""]
    if not waived and not report.design.waivers:
        out += ["No waivers.", ""]
    if waived:
        out += _table(
            ("Rule", "Severity", "Finding", "Blocks", "Reason"),
            (
                (f"`{f.rule}`", f.severity, md_cell(f.message), _ids(f.components), md_cell(f.waiver_reason or ""))
                for f in waived
            ),
        )
        out.append("")
    used = {(f.rule, f.waiver_reason) for f in waived}
    unused = [w for w in report.design.waivers if (w.rule, w.reason) not in used]
    if unused:
        out += ["Waivers that accept no current finding:", ""]
        out += [f"- {md_inline(w.rule)} ({_ids(w.components) or 'all blocks'}): {md_inline(w.reason)}"
                for w in unused]
        out.append("")
    out += ["## Checks passed", "",
            "Severity-weighted share of the applicable checks that pass (error 3, warning 2, info 1; waived "
            "findings pass), rounded down: any open finding keeps a score below 100.", ""]
    categories = cast(dict[str, int | None], score["categories"])
    out += _table(
        ("Checklist", "Score"),
        ((label, "n/a" if categories.get(cat) is None else f"{categories[cat]}/100") for cat, label in
         CHECKLISTS.items()),
        "lr",
    )
    out.append(f"| **Overall** | **{overall if overall is not None else 'n/a'}** |")
    out.append("")
    return out


def _md_numbers(design: Design, analysis: Analysis) -> list[str]:
    blocks = design.by_id()

    def name(block_id: str) -> str:
        c = blocks.get(block_id)
        return f"{md_cell(c.title)} (`{block_id}`)" if c else f"`{block_id}`"

    out = ["## Numbers", "", "### Request paths", "",
           "p99 at peak: the queueing model (lognormal service per block, M/G/c queue per tier with Erlang C and "
           "Allen–Cunneen, combined along the calls); at light load: the same without queueing; declared sum: the "
           "declared p99s added up.", ""]
    if analysis.paths:
        out += _table(
            ("Entry", "Blocks", "Peak load", "Declared p99 sum", "p99 at light load", "p99 at peak", "SLA",
             "Verdict"),
            (
                (
                    name(p.entry),
                    str(len(p.blocks)),
                    _num(p.peak_qps, "req/s"),
                    _num(p.p99_sum_ms, "ms"),
                    _num(p.light_p99_ms, "ms"),
                    "saturated" if p.saturated else _num(p.p99_ms, "ms"),
                    _num(p.sla_ms, "ms"),
                    "asynchronous: judged on its lag (LAT-6)" if p.asynchronous else "**over SLA**" if p.over_sla
                    else ("within SLA" if p.sla_ms is not None else "no SLA"),
                )
                for p in analysis.paths
            ),
            "lrrrrrrl",
        )
    else:
        out.append("No request path (no block makes a `request` connection).")
    if analysis.cycles:
        out += ["", "Request cycles (broken for the numbers): "
                + "; ".join(" → ".join(f"`{b}`" for b in cyc) for cyc in analysis.cycles)]
    out += ["", "### Capacity at peak", ""]
    if analysis.capacity:
        out += _table(
            ("Block", "Peak QPS", "Replicas", "QPS per replica", "Utilisation", "P(wait)", "p99 at peak",
             "Replicas needed", "Headroom"),
            (
                (
                    name(t.block),
                    _num(t.peak_qps),
                    _replicas_cell(t),
                    _num(t.qps_per_replica),
                    "—" if t.utilisation is None else "saturated" if t.saturated else f"{t.utilisation:.0%}",
                    "—" if t.p_wait is None or t.saturated else f"{t.p_wait:.2f}",
                    "—" if t.saturated else _num(t.p99_ms, "ms"),
                    "—" if t.needed_replicas is None else str(t.needed_replicas),
                    _headroom_cell(t),
                )
                for t in analysis.capacity.values()
            ),
            "lrrrrrrrr",
        )
    else:
        out.append("No block on a request path.")
    out += ["", "### Monthly cost", "", f"Total: **{_money(analysis.cost_per_month)}** per month"]
    if analysis.budget_per_month is not None:
        verdict = "**over budget**" if analysis.over_budget else "within budget"
        out[-1] += f" against a budget of {_money(analysis.budget_per_month)} ({verdict})"
    out[-1] += "."
    if analysis.cost_per_thousand is not None:
        out += ["", f"Cost per 1,000 predictions: ${analysis.cost_per_thousand:,.4f} (peak over a peak-to-average "
                "ratio of 2)."]
    out.append("")
    if analysis.cost:
        lines = sorted(analysis.cost, key=lambda line: -line.total)
        out += _table(
            ("Block", "Compute", "Storage", "Total"),
            ((name(c.block), _money(c.compute_per_month), _money(c.storage_per_month), _money(c.total))
             for c in lines),
            "lrrr",
        )
    out.append("")
    return out


def to_markdown(design: Design, report: Report | None = None, analysis: Analysis | None = None) -> str:
    """A review report: requirements, diagram, blocks, findings, waivers, numbers, checks passed and notes.

    Without ``report`` the findings, waivers and checks-passed sections are left out; without ``analysis`` the
    numbers are taken from the report's context when there is a report, else left out. User text is escaped
    (tables, HTML); the notes stay Markdown with raw HTML disabled.
    """
    if analysis is None and report is not None:
        analysis = report.context.analysis
    out = [f"# {md_inline(design.name)}", ""]
    if design.description.strip():
        out += [md_inline(design.description), ""]
    if design.tags:
        out += ["Tags: " + ", ".join(md_inline(t) for t in design.tags), ""]
    out += ["## Requirements", ""]
    req = design.requirements.model_dump()
    rows = [
        (md_cell(Requirements.model_fields[k].description or k), _requirement_value(v))
        for k, v in req.items()
        if v is not None and v != []
    ]
    out += _table(("Requirement", "Value"), rows) if rows else ["No requirements set."]
    out += ["", "## Diagram", "", "```mermaid", to_mermaid(design).rstrip("\n"), "```", ""]
    out += ["## Blocks", ""]
    if design.components:
        out += _table(
            ("Block", "Id", "Kind", "Category", "Tier", "Props set"),
            (
                (
                    md_cell(c.title),
                    f"`{c.id}`",
                    md_cell(kind_label(c)),
                    md_cell(CATEGORIES[_category(c)].label) if _category(c) in CATEGORIES else "",
                    KINDS[c.kind].tier if c.kind in KINDS else "",
                    md_cell(", ".join(f"{k}={_prop_value(v)}" for k, v in c.props.items())),
                )
                for c in design.components
            ),
        )
    else:
        out.append("No blocks yet.")
    out.append("")
    if design.connections:
        titles = {c.id: c.title for c in design.components}
        out += ["### Connections", ""]
        out += _table(
            ("From", "To", "Flow", "Label"),
            (
                (md_cell(titles[e.source]), md_cell(titles[e.target]), e.flow, md_cell(e.label or ""))
                for e in design.connections
            ),
        )
        out.append("")
    if report is not None:
        out += _md_findings(report)
    if analysis is not None:
        out += _md_numbers(design, analysis)
    if design.notes.strip():
        out += ["## Notes", "", md_notes(design.notes).rstrip("\n"), ""]
    return "\n".join(out).rstrip("\n") + "\n"


# ---------------------------------------------------------------------------------------------------------------
# Dispatcher
# ---------------------------------------------------------------------------------------------------------------


def _markdown(design: Design) -> str:
    report = check(design)
    return to_markdown(design, report, report.context.analysis)


def _dot(design: Design) -> str:
    return to_dot(design, check(design).findings)


def _svg(design: Design) -> str:
    return to_svg(design, check(design).findings)


_RENDERERS: dict[str, Callable[[Design], str]] = {
    "dot": _dot,
    "svg": _svg,
    "mermaid": to_mermaid,
    "markdown": _markdown,
}


def render(design: Design, fmt: str) -> str:
    """The design in ``fmt`` (dot, svg, mermaid or markdown); DOT, SVG and Markdown run the checklists."""
    try:
        renderer = _RENDERERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}") from None
    return renderer(design)


__all__ = [
    "FORMATS",
    "auto_layout",
    "display_text",
    "dot_html",
    "dot_string",
    "md_cell",
    "md_inline",
    "mermaid_text",
    "positions_of",
    "render",
    "to_dot",
    "to_markdown",
    "to_mermaid",
    "to_svg",
    "xml_text",
]


def _replicas_cell(t: TierCapacity) -> str:
    """Replicas running at peak, and those an autoscaling tier can reach (counted only with a stated scale-up)."""
    if t.max_replicas is None or t.max_replicas <= t.replicas:
        return str(t.replicas)
    if t.reach_replicas == t.max_replicas:
        return f"{t.replicas} (up to {t.max_replicas} in {t.scale_up_minutes:g} min)"
    return f"{t.replicas} (max {t.max_replicas}, scale-up not counted)"


def _headroom_cell(t: TierCapacity) -> str:
    """Headroom at peak; a managed tier without a declared limit scales with its load."""
    if t.scales_with_load:
        return "scales (managed)"
    if t.headroom is None:
        return "—"
    return f"{t.headroom:+.0%}" if math.isfinite(t.headroom) else "∞"

"""A standalone SVG picture of a design drawn from the blocks' positions (``dump``; no system binary needed).

User text is made printable (``display_text``) and XML-escaped (``xml_text``); long titles are cut with an
ellipsis and kept whole in the tooltip.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

from mlsd.catalog import CATEGORIES, color_of
from mlsd.formats.layout import positions_of
from mlsd.formats.style import (
    ERROR_COLOR,
    FLOW_COLORS,
    FLOW_LABELS,
    FONT,
    INK,
    MUTED,
    WARNING_COLOR,
    _category,
    _severity_color,
    flagged_blocks,
    kind_label,
)
from mlsd.model import Component, Connection, Design
from mlsd.rules import Finding
from mlsd.text import display_text, one_line, truncate

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


def dump(design: Design) -> str:
    """``to_svg`` with the checklists' findings marked."""
    from mlsd.rules import check

    return to_svg(design, check(design).findings)

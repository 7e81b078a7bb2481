"""What every picture of a design shares: colours, fonts, flow styles, kind labels and finding marks.

Here "component" means a placed block of a design (``mlsd.model.Component``). Category colours come from the
catalog (``mlsd.catalog.CATEGORIES``); the flow colours and the finding colours are this module's own choice,
used by DOT, SVG, Mermaid, draw.io and Excalidraw alike so that a design looks the same in every tool.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from mlsd.catalog import KINDS
from mlsd.model import Component
from mlsd.rules import Finding

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



# The '&' that starts an HTML entity ("&#x202E;", "&lt;"): Graphviz decodes entities in every label, quoted
# strings included, and Markdown in the notes, so "&#x202E;" would become a real right-to-left override after
# display_text ran. Such an '&' is written as "&amp;".
_ENTITY = re.compile(r"&(?=#[0-9]+;|#[xX][0-9a-fA-F]+;|[A-Za-z][A-Za-z0-9]*;)")

"""A gentle start: the next steps of a design being drawn, and when its findings start colouring the canvas.

A new design fails most checklists at once (two blocks just placed carry seven findings, three of them errors),
which reads as a wall of red before anything has been drawn. ``next_steps`` instead says what to do next, as a
short checklist computed from the design: set the requirements, draw the request path, add the offline loop, add
monitoring (the order of a system-design interview answer and of Chip Huyen's *Designing Machine Learning
Systems*, ch. 1-2 and 8: requirements, then the serving path, then data and training, then monitoring).

``canvas_findings`` decides which findings colour the canvas: a block's badge appears once that block is
connected to another, or once the design has requirements (then the design is being reviewed, not sketched).
The findings list still shows every finding; only the colours on the canvas wait.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace

from mlsd.catalog import KINDS
from mlsd.model import Design, Requirements
from mlsd.rules import Finding

# the requirements a reviewer reads first; setting any of them counts as "requirements set"
SCALE_REQUIREMENTS = ("sla_p99_ms", "peak_qps", "data_volume_gb", "daily_active_users", "corpus_size",
                      "freshness_minutes", "budget_per_month")


@dataclass(frozen=True)
class Step:
    """One next step: what to do, how, and whether the design already does it."""

    id: str
    title: str
    how: str
    done: bool


def has_requirements(requirements: Requirements) -> bool:
    """Whether any of the scale requirements (SLA, peak QPS, data volume, users, corpus, freshness, budget) is
    set. The capacity headroom alone does not count: it has a default (0.3)."""
    return any(getattr(requirements, name) is not None for name in SCALE_REQUIREMENTS)


def is_started(design: Design) -> bool:
    """Whether the design is past sketching: it has a connection or requirements. Until then its findings are
    listed, but neither paint the canvas nor open in the findings panel by themselves."""
    return bool(design.connections) or has_requirements(design.requirements)


def _categories(design: Design, blocks: Iterable[str]) -> set[str]:
    kinds = {c.id: c.kind for c in design.components}
    return {KINDS[kinds[b]].category for b in blocks if b in kinds and kinds[b] in KINDS}


def connected_blocks(design: Design) -> set[str]:
    """The blocks that at least one connection touches."""
    return {b for e in design.connections for b in (e.source, e.target)}


def next_steps(design: Design) -> list[Step]:
    """The four steps of a first design, each marked done from the design itself:

    - requirements: a scale requirement is set (``has_requirements``);
    - request path: a *request* connection exists (a caller waits on a block: the path the SLA is about);
    - offline loop: a training block is connected to data (any connection into a block of the training
      category) and something leaves training (a connection out of it: the model registry, serving);
    - monitoring: a block of the monitoring category is connected to what it watches.
    """
    touched = connected_blocks(design)
    into = {e.target for e in design.connections}
    out_of = {e.source for e in design.connections}
    return [
        Step("requirements", "Set the requirements",
             "In the **Requirements** tab of this panel, at least the p99 latency SLA and the peak load.",
             has_requirements(design.requirements)),
        Step("request_path", "Draw the request path",
             "Place a client and what it calls (gateway, model serving, feature store), then connect them, "
             "caller to callee, with *request* connections.",
             any(e.flow == "request" for e in design.connections)),
        Step("offline_loop", "Add the offline loop",
             "Feed a training pipeline from your data (*batch* or *stream*) and connect it on to a model registry "
             "or to serving.",
             "training" in _categories(design, into) and "training" in _categories(design, out_of)),
        Step("monitoring", "Add monitoring",
             "Connect a monitoring block (metrics dashboard, drift detector, alerting) to the serving blocks it "
             "watches.",
             "monitoring" in _categories(design, touched)),
    ]


def canvas_findings(design: Design, findings: Iterable[Finding]) -> list[Finding]:
    """The findings that colour the canvas: all of them once the design has requirements; before that, each
    finding only on its blocks that are connected (a finding on unconnected blocks only is left out; one on a
    connected and an unconnected block keeps the connected one). Waived findings pass through unchanged (the
    canvas leaves them uncoloured anyway)."""
    items = list(findings)
    if has_requirements(design.requirements):
        return items
    touched = connected_blocks(design)
    out = []
    for f in items:
        kept = tuple(b for b in f.components if b in touched)
        if kept == f.components:
            out.append(f)
        elif kept:
            out.append(replace(f, components=kept))
    return out

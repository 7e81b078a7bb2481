"""Fixes for drift monitoring: a drift detector between the serving logs and alerting (MON-2), and a drift
detector wired to alerting and to retraining (MON-3).

Both only add blocks and connections off the request path (monitoring carries no request and adds no latency);
which log to watch and where to send the alert follow the rules' own definitions (``mlsd.rules.monitoring``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlsd.edit import add_block, connect
from mlsd.fixes import Change, fix
from mlsd.fixes.steps import near

if TYPE_CHECKING:
    from mlsd.model import Design
    from mlsd.rules import Finding
    from mlsd.rules.context import Context

RETRAINERS = ("orchestrator", "training_pipeline")


def _prediction_log(ctx: Context, group: tuple[str, ...]) -> tuple[str, str] | None:
    """(where the detector reads from, the flow): the log a serving block of the group writes its decisions to,
    else the serving block itself (its predictions, streamed)."""
    for b in group:
        for e in ctx.out_edges.get(b, ()):
            if e.flow != "request" and ctx.kind_of[e.target] == "logging":
                return e.target, "stream"
    return (group[0], "stream") if group else None


def _wire(design: Design, detector: str, ctx: Context, alerts: bool, retrains: bool) -> tuple[Design, list[str]]:
    """Connect the detector to an alerting block (the design's first, or a new one) and to the orchestrator or
    training pipeline that retrains (the design's first of either; none is invented)."""
    said = []
    if alerts:
        found = ctx.of_kind("alerting")
        if found:
            target = found[0].id
        else:
            design, target = add_block(design, "alerting", position=near(design, detector))
            said.append(f"+ block {target} (alerting)")
        design, cid = connect(design, detector, target, "stream", label="drift alerts")
        said.append(f"+ connection {cid} {detector} → {target}")
    if retrains:
        target = next((c.id for k in RETRAINERS for c in ctx.of_kind(k)), "")
        if target:
            design, cid = connect(design, detector, target, "batch", label="retrain on drift")
            said.append(f"+ connection {cid} {detector} → {target}")
    return design, said


@fix("add-drift-detector", ("MON-2",), safe=True, title="Watch the prediction logs with a drift detector that "
     "alerts")
def add_drift_detector(design: Design, finding: Finding, ctx: Context) -> Change | None:
    """MON-2: a new drift detector reading the serving group's prediction log (the logging block its serving
    blocks write to; the serving block itself when it logs nowhere), connected to alerting (the design's
    alerting block, or a new one) and to the orchestrator or training pipeline that retrains, so that MON-3 holds
    too (ML Test Score Mo2; Huyen ch. 8). Adds monitoring only: nothing on the request path changes."""
    source = _prediction_log(ctx, finding.components)
    if source is None:
        return None
    log, flow = source
    design, detector = add_block(design, "drift_detector", label="Drift detector (predictions, features)",
                                 position=near(design, log))
    design, cid = connect(design, log, detector, flow, label="predictions + served features")
    design, said = _wire(design, detector, ctx, alerts=True, retrains=True)
    return design, "; ".join([f"+ block {detector} (drift_detector)", f"+ connection {cid} {log} → {detector}",
                              *said])


@fix("wire-drift-detector", ("MON-3",), safe=True, title="Send drift to alerting and retraining")
def wire_drift_detector(design: Design, finding: Finding, ctx: Context) -> Change | None:
    """MON-3: the drift detector the finding names gets the connections it lacks: to an alerting block (the
    design's, or a new one) and to the orchestrator or training pipeline that retrains (only when the design has
    one). Which are missing is read from the finding's message, the rule's own judgement."""
    if not finding.components:
        return None
    detector = finding.components[0]
    alerts = "reaches no alerting block" in finding.message
    retrains = "reaches no training pipeline" in finding.message
    edited, said = _wire(design, detector, ctx, alerts, retrains)
    return (edited, "; ".join(said)) if said else None

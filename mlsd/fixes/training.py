"""Fixes for training findings with one right value: split time-ordered data by time (TRN-1), wait for labels to
mature (TRN-7). Both set a prop the rule reads on the training pipeline the finding names."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from mlsd.edit import set_prop
from mlsd.fixes import Change, fix

if TYPE_CHECKING:
    from mlsd.model import Design
    from mlsd.rules import Finding
    from mlsd.rules.context import Context


def _trainer(finding: Finding, ctx: Context) -> str | None:
    return next((b for b in finding.components if ctx.kind_of.get(b) == "training_pipeline"), None)


@fix("split-by-time", ("TRN-1",), safe=True, title="Split the evaluation data by time",
     applies=lambda design, finding, ctx: _trainer(finding, ctx) is not None)
def split_by_time(design: Design, finding: Finding, ctx: Context) -> Change | None:
    """TRN-1: ``split: time`` on the training pipeline the finding names (train on the past, evaluate on the most
    recent window; Huyen, Designing ML Systems ch. 5). The pipeline's data is time-ordered, which is what the
    finding established."""
    t = _trainer(finding, ctx)
    if t is None:
        return None
    before = ctx.blocks[t].prop("split")
    return set_prop(design, t, "split", "time"), f"{t}: split {before or '(unset)'} → time"


def _label_delay_hours(finding: Finding, ctx: Context) -> tuple[str, int] | None:
    """(the pipeline, its slowest natural label delay in whole hours), or None when it declares none."""
    from mlsd.rules.label_paths import label_delays

    t = _trainer(finding, ctx)
    delay = label_delays(ctx, natural_only=True).get(t) if t is not None else None
    if t is None or delay is None:
        return None
    return t, math.ceil(delay.hours)


@fix("label-maturity", ("TRN-7",), safe=True, title="Wait for labels to mature before training on them",
     applies=lambda design, finding, ctx: _label_delay_hours(finding, ctx) is not None)
def label_maturity(design: Design, finding: Finding, ctx: Context) -> Change | None:
    """TRN-7: ``label_maturity_hours`` on the training pipeline set to the slowest label delay declared on its
    label path (``mlsd.rules.label_paths.label_delays``, natural labels only), rounded up to a whole hour: it
    trains only on examples old enough for their labels to have arrived. A pipeline whose delay is not declared
    anywhere gets no number: that needs a person to say how late its labels come."""
    found = _label_delay_hours(finding, ctx)
    if found is None:
        return None
    t, hours = found
    return set_prop(design, t, "label_maturity_hours", hours), f"{t}: label_maturity_hours → {hours} (the label delay)"

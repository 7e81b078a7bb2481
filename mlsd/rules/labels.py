"""Rules about labels in time: late labels, decisions that hide their own labels, and how stale the served model is.

The facts are declared (``label_delay_hours``, ``label_maturity_hours``, ``censors_labels``, ``holdout_share``,
``deploy_minutes``, ``requirements.model_freshness_minutes``); the label paths and the staleness sum are computed
in ``mlsd.rules.label_paths``.
"""

from __future__ import annotations

import math

from mlsd.rules.context import Context
from mlsd.rules.engine import Hit, NotApplicable, rule
from mlsd.rules.label_paths import (
    declaring,
    label_delays,
    labeling_reach,
    minutes_text,
    model_staleness,
    natural_label_reach,
)
from mlsd.rules.roles import names, quoted, request_groups, roles


def _hours(hours: float) -> str:
    return minutes_text(hours * 60)


@rule(
    "TRN-7",
    "training",
    "warning",
    "Training waits for labels to mature",
    "Set label_maturity_hours on the training pipeline to at least the label delay: train only on examples old "
    "enough for their labels to have arrived (or correct for the missing ones with a delayed-feedback model).",
)
def labels_mature(ctx: Context) -> list[Hit]:
    """A training pipeline whose labels arrive late trains only on examples old enough to carry them.

    The label delay is the slowest ``label_delay_hours`` declared on the training pipeline or on a block whose
    data reaches it along stream, batch or feedback connections through stores, processing, privacy steps and
    logs (a chargeback feed, the source of a feedback connection, the joiner's store): the label path DAT-4
    follows. The training pipeline passes when its ``label_maturity_hours`` is at least that delay.

    When nothing on the path declares a delay, the delay is unknown, not zero. A pipeline that learns from the
    outcomes of predictions (data from a serving block, a client or user events reaches it without passing a
    labeling block: natural labels, Huyen ch. 4) is then flagged unless it declares ``label_maturity_hours``
    itself: how long an outcome takes to arrive is the first thing to ask about natural labels. Pipelines fed
    only by people's labels (a labeling block) or a fixed dataset are not flagged: a pending human label is not
    read as a negative. For the same reason a delay declared on a labeling block counts toward the model's
    staleness (TRN-9) but not here.

    Why: an example whose label has not arrived yet looks negative. A weekly fraud retrain on the last weeks
    learns that this month's frauds were legitimate (chargebacks come 30-90 days later); a click model trained
    before its attribution window closes learns that late clickers did not click. The model is biased toward
    the negative class exactly on the freshest, most relevant data.

    Fix: declare the delay on the label source and a maturity window ≥ the delay on training (label-matured
    weeks, a log-and-wait joiner); or model the delay (Chapelle, KDD 2014, delayed-feedback conversion model).

    Known false positives: a pipeline that only fine-tunes on labels the joiner has already waited for should
    declare ``label_maturity_hours`` equal to the joiner's window; a trainer that reads no negatives (positives
    only) can declare a maturity of 0 with a note. A delay is declared per source, so a source whose late labels
    are not the ones this pipeline learns from (it reads only features from it) still counts: declare the delay
    where the labels enter (the joiner or the label table) rather than on a shared event stream.

    Source: Huyen, Designing ML Systems ch. 4 (natural labels, feedback loop length); Chapelle, "Modeling
    Delayed Feedback in Display Advertising" (KDD 2014); Xu & Aminian ch. 8 (ad click: labels after the
    attribution window).
    """
    r = roles(ctx)
    if not r.trainers:
        raise NotApplicable("no training pipeline in the design")
    delays = label_delays(ctx, natural_only=True)
    outcomes = natural_label_reach(ctx)
    hits = []
    checked = 0
    for t in r.trainers:
        c = ctx.blocks[t]
        delay = delays.get(t)
        maturity = c.prop("label_maturity_hours")
        if delay is None:
            if t not in outcomes:
                continue  # people's labels or a fixed dataset: nothing is read as a negative while pending
            checked += 1
            if maturity is not None:
                continue
            origin = ctx.blocks[outcomes[t]]
            hits.append(Hit(
                f"{quoted(c)} learns from outcomes of predictions (from {quoted(origin)}) but nothing on its label "
                "path declares label_delay_hours and it declares no label_maturity_hours: how late its labels "
                "arrive, and whether training waits for them, is not said.",
                components=(t,),
                fix="Declare label_delay_hours on the label source (clicks: the attribution window, e.g. 0.08 h; "
                "chargebacks: up to 90 days, 2160 h) and label_maturity_hours ≥ that delay on the training pipeline.",
            ))
            continue
        checked += 1
        mature = c.num("label_maturity_hours") if maturity is not None else None
        if mature is not None and mature >= delay.hours:
            continue
        source = ctx.blocks[delay.source]
        where = "its own label_delay_hours" if delay.source == t else f"label_delay_hours on {quoted(source)}"
        waits = (f"trains on examples only {_hours(mature)} old (label_maturity_hours {mature:g})"
                 if mature is not None else "declares no label_maturity_hours")
        hits.append(Hit(
            f"{quoted(c)} learns from labels that arrive up to {_hours(delay.hours)} late ({where}) but {waits}: "
            f"its most recent examples count as negatives before their labels can arrive.",
            components=tuple(dict.fromkeys((t, delay.source))),
        ))
    if not checked:
        raise NotApplicable("no training pipeline learns from delayed or natural labels")
    return hits


def _decisions(ctx: Context, censoring: list[str]) -> dict[str, list[str]]:
    """Censoring blocks grouped by the decision they take part in: the request system (blocks joined by request
    connections) holding a serving block; a model outside any request path joins the system of a serving block
    connected to it."""
    r = roles(ctx)
    group_of = request_groups(ctx)
    serving_groups = {group_of[u] for u in r.units}
    out: dict[str, list[str]] = {}
    for b in censoring:
        key = group_of[b]
        if key not in serving_groups:
            near = [e.target for e in ctx.out_edges.get(b, ()) if e.target in r.units]
            near += [e.source for e in ctx.in_edges.get(b, ()) if e.source in r.units]
            if near:
                key = group_of[near[0]]
        out.setdefault(key, []).append(b)
    return out


@rule(
    "TRN-8",
    "training",
    "warning",
    "Decisions that censor their labels keep a holdout",
    "Serve a small random holdout without acting on the model (holdout_share, e.g. 0.01, with propensities "
    "logged) or explore, or send a sample of the censored decisions to human review that feeds training.",
)
def censored_labels_holdout(ctx: Context) -> list[Hit]:
    """A decision that hides the outcome it predicts keeps a source of unbiased labels.

    A block declaring ``censors_labels`` (a model, or the serving block acting on it: a decline, a removal, a
    filtered recommendation) is judged with its decision: the blocks joined to it by request connections (a
    model outside the request path joins the serving block it is connected to). One finding per decision. It
    passes when a block of the decision declares ``holdout_share`` > 0 or ``explores``, or when a labeling block
    (people's labels, independent of the decision) reaches a training pipeline that deploys into it.

    No kind censors by default: whether a score censors depends on how it is acted on (a fraud score that only
    routes to review censors nothing; one that declines does), which the kind does not say. Declare it.

    Why: a declined payment never gets a chargeback, a removed post gets no reports, an item never shown gets
    no click. Retrained on what it let through, the model never learns whether its declines were right, its
    false positives become invisible, and offline evaluation on logged outcomes is biased toward the old model.

    Fix: a random holdout (approve a small random share of would-be declines under a loss limit, or show
    unranked items), exploration with logged propensities, or analyst review of a sample of the censored
    decisions, feeding training.

    Relation to MON-5: MON-5 asks any recommender that learns from its own feedback to explore or correct
    position bias; a recommender that declares ``censors_labels`` is judged here instead (one cause, one
    finding), and here position-bias correction in training does not pass: an item never shown has no
    propensity to correct.

    Source: Huyen, Designing ML Systems ch. 8 (degenerate feedback loops) and ch. 9 (bandits, exploration);
    Bottou et al., "Counterfactual Reasoning and Learning Systems" (JMLR 2013); Stripe Radar's practice of
    letting a small random share of would-be blocks through to measure them (Stripe engineering blog,
    "A primer on machine learning for fraud detection").
    """
    censoring = [c.id for c in declaring(ctx, "censors_labels") if c.flag("censors_labels")]
    if not censoring:
        raise NotApplicable("no block declares censors_labels (no kind censors by default)")
    r = roles(ctx)
    group_of = request_groups(ctx)
    members: dict[str, list[str]] = {}
    for b in ctx.blocks:
        members.setdefault(group_of[b], []).append(b)
    labelled = labeling_reach(ctx)
    hits = []
    for key, blocks in _decisions(ctx, censoring).items():
        decision = dict.fromkeys((*members.get(key, ()), *blocks))
        if any(ctx.blocks[b].num("holdout_share") > 0 or ctx.blocks[b].flag("explores") for b in decision):
            continue
        trainers = list(dict.fromkeys(t for b in decision for t in r.deployed_by.get(b, ())))
        if any(t in labelled for t in trainers):
            continue
        retrained = f"so {names(ctx, trainers)} retrain{'s' if len(trainers) == 1 else ''}" if trainers else \
            "so any retraining learns"
        one = len(blocks) == 1
        hits.append(Hit(
            f"{names(ctx, blocks)} censor{'s' if one else ''} the labels of {'its' if one else 'their'} "
            f"own decisions (censors_labels) and nothing keeps a random holdout (holdout_share), explores, or has "
            f"people label the censored cases: outcomes are seen only where the model let things through, {retrained} "
            "on a biased sample and never learns whether what it held back (declined, removed, not shown) was right.",
            components=tuple(dict.fromkeys((*blocks, *trainers))),
        ))
    return hits


@rule(
    "TRN-9",
    "training",
    "warning",
    "The serving model is as fresh as required",
    "Shorten the biggest term of the model's staleness: retrain more often (continual fine-tuning), use an earlier "
    "label (a proxy or a delayed-feedback model) or a shorter maturity window, or a faster gate and rollout.",
)
def model_fresh_enough(ctx: Context) -> list[Hit]:
    """The model in serving is never older than ``requirements.model_freshness_minutes``.

    For each training pipeline that deploys a model, its worst-case staleness (``label_paths.model_staleness``)
    is label window + retrain period + training run + deploy: the label window is the larger of the slowest
    declared ``label_delay_hours`` reaching it (labeling blocks included) and its ``label_maturity_hours``; the
    retrain period is ``retrain_every_hours`` (0, on trigger only, has no bound); the training run is
    ``hours_per_run`` when declared; deploy is the largest ``deploy_minutes`` on the pipeline or the blocks it
    deploys to, else a default for their slowest ``rollout`` (none 10 min, blue-green 15 min, canary 1 h, shadow
    1 day, A/B test 1 week; sources in ``label_paths.DEPLOY_MINUTES_BY_ROLLOUT``). An undeclared label delay
    counts as 0 here (TRN-7 asks for it). The finding names the biggest term. Not applicable without the
    requirement.

    Why: "even a 5-minute delay in model updates hurts revenue" (ad click) is a requirement on the whole chain,
    not on the retrain schedule alone: a 15-minute fine-tune behind a 5-minute attribution window and a 1-hour
    canary serves a model 80 minutes behind.

    Fix: attack the biggest term: continual training, an earlier proxy label, a faster gate (automatic
    validation instead of a long canary for routine refreshes).

    Source: ML Test Score Monitor 4 (models are not too stale); Huyen, Designing ML Systems ch. 9 (continual
    learning, how often to update); Xu & Aminian ch. 8 (ad click: continual learning).
    """
    need = ctx.requirements.model_freshness_minutes
    if need is None:
        raise NotApplicable("requirements.model_freshness_minutes is not set")
    r = roles(ctx)
    trainers = [t for t in r.trainers if r.deploys[t]]
    if not trainers:
        raise NotApplicable("no training pipeline deploys a model")
    hits = []
    for t in trainers:
        s = model_staleness(ctx, t)
        if s.minutes <= need:
            continue
        parts = " + ".join(f"{term.name} {minutes_text(term.minutes)} ({term.basis})" for term in s.terms)
        big = s.biggest
        age = "has no bound on how far it falls" if math.isinf(s.minutes) else f"can be {minutes_text(s.minutes)}"
        hits.append(Hit(
            f"The model from {quoted(ctx.blocks[t])} {age} behind its newest labels ({parts}), but "
            f"requirements.model_freshness_minutes is {need:g}: the biggest term is the {big.name} "
            f"({minutes_text(big.minutes)}).",
            components=(t,),
        ))
    return hits

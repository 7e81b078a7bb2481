"""Rules of the training and evaluation checklist: splits, imbalance, baselines, metrics, slices, tuning."""

from __future__ import annotations

import re

from mlsd.model import Component
from mlsd.rules.context import Context
from mlsd.rules.engine import Hit, NotApplicable, rule
from mlsd.rules.roles import (
    BASELINE_KINDS,
    DATA_PASS_KINDS,
    MAX_LOCAL_DEPTH,
    MODEL_KINDS,
    NAMED,
    NON_REQUEST,
    NOT_FEEDBACK,
    deploy_passable,
    names,
    quoted,
    roles,
    walk,
)

TIME_SOURCES = frozenset({"user_events", "sensor_logs", "message_queue", "stream_processor"})
RARE_POSITIVE_RATE = 0.05
ACCURACY = re.compile(r"(?<!balanced[ _-])\baccuracy\b|^acc$", re.IGNORECASE)


def _groups(ctx: Context, *, supervised_only: bool) -> list[tuple[str, list[str]]]:
    """Units of training to check: each training pipeline with the models and serving blocks it deploys to,
    then each learned model no training pipeline reaches, with the serving blocks next to it."""
    r = roles(ctx)
    out: list[tuple[str, list[str]]] = []
    trained: set[str] = set()
    for t in r.trainers:
        members = [t, *sorted(r.deploys[t])]
        trained.update(r.deploys[t])
        out.append((t, members))
    for m in ctx.of_category("models"):
        if m.id in trained or m.kind == "heuristic_baseline" or (supervised_only and not m.flag("supervised")):
            continue
        near = [e.source for e in ctx.in_edges.get(m.id, ()) if e.source in r.units]
        near += [e.target for e in ctx.out_edges.get(m.id, ()) if e.target in r.units]
        out.append((m.id, [m.id, *near]))
    return out


def _declared(ctx: Context, members: list[str], prop: str) -> tuple[str, object] | None:
    """The first member declaring ``prop`` (own prop or kind default): (block id, value)."""
    for b in members:
        value = ctx.blocks[b].prop(prop)
        if value is not None:
            return b, value
    return None


def _head(ctx: Context, members: list[str]) -> tuple[str, ...]:
    """The blocks a finding about a training group points at: its head and its models."""
    return (members[0], *(b for b in members[1:] if ctx.blocks[b].kind in MODEL_KINDS))


@rule(
    "TRN-1",
    "training",
    "warning",
    "Time-correlated data is split by time",
    "Set split: time on the training pipeline: train on the past, evaluate on the most recent window.",
)
def time_split(ctx: Context) -> list[Hit]:
    """Training on time-ordered data evaluates on a later time window than it trains on.

    A training pipeline learns from time-correlated data when user events, sensor logs, a queue or a stream
    processor, or a ``feedback`` connection (logged outcomes), reaches it through stores and processing. It
    then passes with ``split: time`` on the pipeline or on a model it trains; ``split: group`` (by user,
    session or place) is a deliberate leakage-aware choice and passes too. A random or undeclared split is
    flagged.

    Why: with a random split, rows from the same day or session land on both sides, so the model is
    evaluated on the past it has already seen around; offline metrics overstate production, and the drift
    that hurts in production is never measured.

    Fix: split by time (train on weeks 1-3, validate on week 4), optionally grouped by user.

    Source: Huyen, Designing ML Systems ch. 5 (split by time to avoid leakage); Zinkevich, Rules of ML #33
    (test the model on data gathered after the data it was trained on).
    """
    r = roles(ctx)
    if not r.trainers:
        raise NotApplicable("no training pipeline in the design")
    starts = {c.id for c in ctx.design.components if c.kind in TIME_SOURCES}
    starts.update(e.target for e in ctx.design.connections if e.flow == "feedback")
    fed = walk(ctx, starts, flows=NON_REQUEST, passable=DATA_PASS_KINDS)
    timed = [t for t in r.trainers if t in fed or t in starts]
    if not timed:
        raise NotApplicable("no user events, stream or feedback reaches training")
    hits = []
    for t in timed:
        members = [t, *(b for b in sorted(r.deploys[t]) if ctx.blocks[b].kind in MODEL_KINDS)]
        if any(ctx.blocks[b].prop("split") in ("time", "group") for b in members):
            continue
        split = ctx.blocks[t].prop("split")
        origin = fed.get(t, t)
        how = "splits its evaluation data randomly (split: random)" if split else "declares no split"
        hits.append(Hit(
            f"{quoted(ctx.blocks[t])} learns from time-ordered data (from {quoted(ctx.blocks[origin])}) but "
            f"{how}: evaluation rows leak the future into training and offline metrics overstate production.",
            components=_head(ctx, members),
        ))
    return hits


@rule(
    "TRN-2",
    "training",
    "warning",
    "A rare positive class is handled",
    "Declare an imbalance strategy (class_weights, resampling, focal_loss, threshold_tuning) and judge the "
    "model by PR-AUC, recall at a precision, or cost, not accuracy.",
)
def class_imbalance(ctx: Context) -> list[Hit]:
    """When positives are rare (requirements.positive_rate < 5%), training handles the imbalance.

    Each training pipeline (with the models it deploys), and each supervised model no pipeline reaches,
    must declare ``imbalance_strategy`` other than ``none`` and must not be judged by ``offline_metric``
    accuracy. A missing offline metric is TRN-4's finding, not this rule's.

    Why: at 0.1% fraud, a model answering "never fraud" is 99.9% accurate; without weighting or resampling
    the model learns little about the rare class, and accuracy hides it.

    Fix: weight or resample the classes, or tune the decision threshold; report PR-AUC or recall at fixed
    precision.

    Source: Huyen, Designing ML Systems ch. 4 (class imbalance: metrics, resampling, class weights, focal
    loss); Xu & Aminian ch. 7 (ad click prediction: imbalanced CTR data).
    """
    rate = ctx.requirements.positive_rate
    if rate is None:
        raise NotApplicable("requirements.positive_rate is not set")
    if rate >= RARE_POSITIVE_RATE:
        raise NotApplicable(f"requirements.positive_rate is {rate:g}: positives are not rare (below 0.05)")
    groups = _groups(ctx, supervised_only=True)
    if not groups:
        raise NotApplicable("no training pipeline or supervised model")
    hits = []
    for head, members in groups:
        problems = []
        strategy = _declared(ctx, members, "imbalance_strategy")
        if strategy is None or strategy[1] == "none":
            problems.append("declares no imbalance strategy")
        metric = _declared(ctx, members, "offline_metric")
        if metric is not None and ACCURACY.search(str(metric[1])):
            problems.append(f"is judged by {metric[1]!r}")
        if problems:
            hits.append(Hit(
                f"Positives are {rate * 100:g}% of examples, but {quoted(ctx.blocks[head])} "
                f"{' and '.join(problems)}: a model that always predicts the majority class looks good.",
                components=_head(ctx, members),
            ))
    return hits


@rule(
    "TRN-3",
    "training",
    "warning",
    "A simple baseline exists",
    "Add a heuristic baseline (popularity, rules) or a logistic regression next to the complex model, and "
    "compare against it.",
)
def baseline_exists(ctx: Context) -> list[Hit]:
    """A complex model (GBDT, DNN, two-tower, transformer, multi-stage ranker) has a simple baseline beside it.

    Passes when the design also holds a heuristic baseline or a logistic regression block (as a comparison,
    a fallback or the first launch). One finding for the design: it points at the first three complex models
    (design order) and counts the rest.

    Why: without a baseline nobody knows whether the complex model earns its cost; the first launch with a
    heuristic also proves the pipeline end to end before the model is the variable.

    Fix: add the baseline block and compare offline and online.

    Source: ML Test Score M5 (a simpler model is not better); Zinkevich, Rules of ML #1 and #4 (launch
    without ML first, keep the first model simple).
    """
    complex_models = [m.id for m in ctx.of_category("models") if m.kind not in BASELINE_KINDS]
    if not complex_models:
        raise NotApplicable("no model more complex than a baseline")
    if ctx.has_kind(*BASELINE_KINDS):
        return []
    return [Hit(
        f"{names(ctx, complex_models)} {'has' if len(complex_models) == 1 else 'have'} no simple baseline "
        "(heuristic or logistic regression) to beat: nobody can tell whether the complexity pays off.",
        components=tuple(complex_models[:NAMED]),  # the models the message names; the rest are counted
    )]


@rule(
    "TRN-4",
    "training",
    "warning",
    "Offline and online metrics are declared",
    "Set offline_metric (e.g. PR-AUC, NDCG@10) and online_metric (e.g. CTR, watch time, fraud loss) on the "
    "model or its training pipeline.",
)
def metrics_declared(ctx: Context) -> list[Hit]:
    """Each trained model says how it is judged offline and which business metric it moves online.

    Checks each training pipeline together with the models and serving blocks it deploys to, and each
    learned model no training pipeline reaches (with the serving blocks next to it): some block of the group
    declares ``offline_metric`` and some declares ``online_metric``. Heuristic baselines are not checked.

    Why: an offline metric decides which model ships; an online metric says whether shipping helped. Without
    both, a model can win offline and lose users, and nobody notices the mismatch.

    Fix: declare both, and make the validation gate and the A/B test use them.

    Source: Xu & Aminian ch. 1 (offline and online evaluation metrics); ML Test Score M2 (offline proxy
    metrics correlate with the online metric).
    """
    groups = _groups(ctx, supervised_only=False)
    if not groups:
        raise NotApplicable("no training pipeline or learned model")
    hits = []
    for head, members in groups:
        missing = [p for p in ("offline_metric", "online_metric") if _declared(ctx, members, p) is None]
        if missing:
            hits.append(Hit(
                f"{quoted(ctx.blocks[head])} declares no {' and no '.join(missing)}: nothing says how the model is "
                "judged before it ships or what it should move once it does.",
                components=_head(ctx, members),
            ))
    return hits


@rule(
    "TRN-5",
    "training",
    "info",
    "Evaluation is broken down by slices",
    "Set slice_eval on the training pipeline or the validation gate: report metrics per country, device, "
    "new vs returning users and other groups that matter.",
)
def slice_evaluation(ctx: Context) -> list[Hit]:
    """Each training pipeline evaluates its model per slice (and, where it matters, per protected group).

    Passes when the training pipeline, or a validation gate, registry or model on its way to serving,
    declares ``slice_eval``.

    Why: an aggregate metric can improve while a slice (a country, new users, a minority group) gets much
    worse; slice metrics catch regressions and fairness problems an average hides.

    Fix: compute metrics per slice in evaluation and gate on the worst important slice.

    Source: ML Test Score M6 (model quality sufficient on important data slices) and M7 (inclusion);
    Huyen, Designing ML Systems ch. 6 (slice-based evaluation).
    """
    r = roles(ctx)
    if not r.trainers:
        raise NotApplicable("no training pipeline in the design")
    can_pass = deploy_passable(r.called_online)
    hits = []
    for t in r.trainers:
        if ctx.blocks[t].flag("slice_eval"):
            continue
        path = walk(ctx, [t], flows=NOT_FEEDBACK, passable=can_pass, depth=MAX_LOCAL_DEPTH)
        if any(ctx.blocks[b].flag("slice_eval") for b in path):
            continue
        hits.append(Hit(
            f"{quoted(ctx.blocks[t])} evaluates its model only in aggregate: no slice_eval on it or on a "
            "validation gate after it, so a regression on one group of users can ship unseen.",
            components=(t,),
        ))
    return hits


def _tuned(ctx: Context, t: Component) -> bool:
    return any(ctx.blocks[e.source].kind == "hyperparameter_tuning" for e in ctx.in_edges.get(t.id, ())) or any(
        ctx.blocks[e.target].kind == "hyperparameter_tuning" for e in ctx.out_edges.get(t.id, ())
    )


@rule(
    "TRN-6",
    "training",
    "info",
    "Hyperparameters are tuned and runs are reproducible",
    "Connect a hyperparameter tuning block to the training pipeline and set reproducible on it (pinned code, "
    "data version and seeds).",
)
def tuning_and_reproducibility(ctx: Context) -> list[Hit]:
    """Each training pipeline is tuned systematically and its runs can be reproduced.

    Passes when a hyperparameter tuning block is connected to the training pipeline (either direction) and
    the pipeline declares ``reproducible``.

    Why: untuned hyperparameters leave quality on the table and make model comparisons unfair; a run that
    cannot be reproduced cannot be debugged, audited or retrained on demand.

    Fix: add tuning (grid, Bayesian, Vizier/Optuna) and pin code, data version, environment and seeds.

    Source: ML Test Score M3 (hyperparameters tuned) and I1 (training is reproducible); AWS ML Lens
    MLPER (hyperparameter optimisation), MLREL02 (reproducible pipelines).
    """
    r = roles(ctx)
    if not r.trainers:
        raise NotApplicable("no training pipeline in the design")
    hits = []
    for t in r.trainers:
        c = ctx.blocks[t]
        missing = []
        if not _tuned(ctx, c):
            missing.append("no hyperparameter tuning is connected to it")
        if not c.flag("reproducible"):
            missing.append("its runs are not declared reproducible")
        if missing:
            hits.append(Hit(f"{quoted(c)}: {' and '.join(missing)}.", components=(t,)))
    return hits

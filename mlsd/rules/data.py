"""Rules of the data and features checklist: skew, validation, freshness, labels, leakage and lineage."""

from __future__ import annotations

import re

from mlsd.model import Component
from mlsd.rules.context import Context
from mlsd.rules.engine import Hit, NotApplicable, rule
from mlsd.rules.roles import (
    DATA_KINDS,
    DATA_PASS_KINDS,
    FEATURE_STORE_KINDS,
    NON_REQUEST,
    NOT_FEEDBACK,
    deploy_passable,
    kinds_in_categories,
    memo,
    names,
    quoted,
    roles,
    walk,
)

FEATURE_KINDS = kinds_in_categories("features")
STORE_KINDS = kinds_in_categories("storage", "features")
PROCESSING_KINDS = kinds_in_categories("processing") - {"orchestrator"}
PRIVACY_KINDS = kinds_in_categories("privacy")
# blocks feature data passes through between where it is computed and where it is read
FEATURE_PASS = STORE_KINDS | PROCESSING_KINDS | PRIVACY_KINDS
UPSTREAM_PASS = FEATURE_PASS | kinds_in_categories("data_sources")
PASS_THROUGH_KINDS = PRIVACY_KINDS | {"data_validation"}  # steps that check or mask data but compute nothing
LABEL_WORD = re.compile(r"\blabel", re.IGNORECASE)


def training_inputs(ctx: Context, trainer: str) -> list[str]:
    """Data blocks that send data into a training pipeline (not tuning, scheduling or monitoring blocks)."""
    return [e.source for e in ctx.in_edges.get(trainer, ())
            if e.flow in NON_REQUEST and ctx.blocks[e.source].kind in DATA_PASS_KINDS]


def data_origins(ctx: Context, trainer: str) -> list[str]:
    """Training inputs for a message: a validation or privacy step is named by what it passes on."""
    out: list[str] = []
    for b in training_inputs(ctx, trainer):
        if ctx.blocks[b].kind in PASS_THROUGH_KINDS:
            behind = [e.source for e in ctx.in_edges.get(b, ()) if e.flow in NON_REQUEST]
            out.extend(behind or [b])
        else:
            out.append(b)
    return out


def trainers_with_inputs(ctx: Context) -> list[str]:
    return [t for t in roles(ctx).trainers if training_inputs(ctx, t)]


def serving_reads(ctx: Context, unit: str) -> list[str]:
    """Data blocks a serving block reads: stores it calls, and stores or feature blocks that feed it."""
    return memo(ctx, f"serving_reads:{unit}", lambda: _serving_reads(ctx, unit))


def _serving_reads(ctx: Context, unit: str) -> list[str]:
    reads = [e.target for e in ctx.out_edges.get(unit, ())
             if e.flow == "request" and ctx.blocks[e.target].kind in DATA_KINDS]
    reads += [e.source for e in ctx.in_edges.get(unit, ())
              if e.flow != "request" and ctx.blocks[e.source].kind in STORE_KINDS]
    return reads


def _computes_features(ctx: Context, c: Component, reads: set[str]) -> bool:
    """A feature block, or a stream/batch job writing a feature block or a store online serving reads."""
    return c.kind in FEATURE_KINDS or (
        c.kind in ("stream_processor", "batch_etl")
        and any(ctx.blocks[e.target].kind in FEATURE_KINDS or e.target in reads for e in ctx.out_edges.get(c.id, ()))
    )


# jobs that compute features when they write a store
FEATURE_JOB_KINDS = FEATURE_KINDS | frozenset({"stream_processor", "batch_etl"})
SOURCE_KINDS = kinds_in_categories("data_sources")


def feature_writers(ctx: Context, block: str) -> list[str]:
    """Feature blocks and stream/batch jobs that write into ``block`` (not by request)."""
    return [e.source for e in ctx.in_edges.get(block, ())
            if e.flow != "request" and ctx.kind_of[e.source] in FEATURE_JOB_KINDS]


def feature_reads(ctx: Context, unit: str) -> list[str]:
    """What a serving block reads its features from: feature blocks (feature stores, embedding stores, feature
    pipelines) and stores a feature job writes. Business data (a budget or catalogue store nothing computes
    features into), raw source systems and training artifacts (embeddings, an index) are not feature reads."""
    return [b for b in serving_reads(ctx, unit)
            if not _is_artifact_store(ctx, b) and (ctx.kind_of[b] in FEATURE_KINDS or feature_writers(ctx, b))]


def _is_artifact_store(ctx: Context, block: str) -> bool:
    """A store filled by training, a model or batch prediction (embeddings, an ANN index, precomputed scores)."""
    return any(ctx.category(e.source) in ("training", "models") or ctx.blocks[e.source].kind == "batch_prediction"
               for e in ctx.in_edges.get(block, ()))


@rule(
    "DAT-1",
    "data",
    "error",
    "Training and serving share their features",
    "Compute features once: a feature pipeline filling an offline store (read by training) and an online "
    "store (read by serving), or log the features serving used and train on that log (log-and-wait).",
)
def shared_features(ctx: Context) -> list[Hit]:
    """Training and online serving get their features from the same computation, not two separate ones.

    For each training pipeline that deploys to online serving, passes when either
    (a) a feature block (feature pipeline, offline/online feature store, embedding store, or a stream/batch
    job that writes a feature block or the store serving reads) is upstream of what online serving reads
    *and* of the training pipeline
    (the offline + online store fed by one feature pipeline, a store materialised into the other, one store
    read by both), or
    (b) log-and-wait: data flows from online serving (through logs, queues, stores) into the training
    pipeline, so training learns from the features serving actually saw.
    Also passes when online serving reads only what training itself produced (embeddings, an ANN index):
    then no feature is computed twice. Serving that reads no store at all computes its features in the
    service, apart from training: that is flagged unless (b) holds.
    The message names the training pipeline's inputs and the serving block's feature reads only: feature
    blocks and stores a feature job writes, with the jobs that fill them. Other stores the service reads
    (business data such as budgets or a catalogue, raw source systems) are not feature stores and are not
    named as such; a service without feature reads is said to compute its features itself, from the source
    systems (transactional databases, event streams, third-party APIs) it reads, if any.

    Why: features computed by two code paths (a SQL job for training, service code at request time) drift
    apart; the model then sees at serving time inputs it was never trained on: training/serving skew, one of
    the most common silent ML failures.

    Fix: share a feature store fed by one feature pipeline, or log serving features and train on the log.

    Source: AWS ML Lens MLREL03-BP02 (feature store for consistent features); Zinkevich, Rules of ML #29 and
    #32 (reuse code between training and serving; log features at serving); ML Test Score Mo3.
    """
    r = roles(ctx)
    if not r.online_units:
        raise NotApplicable("nothing serves online, so there is no online feature computation to skew")
    if not r.trainers:
        raise NotApplicable("no training pipeline in the design")
    deployed_from = walk(ctx, r.online_units, forward=False, flows=NOT_FEEDBACK,
                         passable=deploy_passable(r.called_online))
    trainers = [t for t in r.trainers if t in deployed_from and training_inputs(ctx, t)]
    if not trainers:
        raise NotApplicable("no training pipeline with input data deploys to online serving")
    request_side = set(r.online_units) | set(walk(ctx, r.online_units, flows=frozenset({"request"})))
    reads = {b for b in request_side if ctx.blocks[b].kind in DATA_KINDS}
    for u in r.online_units:
        reads.update(serving_reads(ctx, u))
    if reads and all(_is_artifact_store(ctx, b) for b in reads):
        return []
    feeding_serving = reads | set(walk(ctx, reads, forward=False, flows=NON_REQUEST, passable=UPSTREAM_PASS))
    shared = [b for b in feeding_serving if _computes_features(ctx, ctx.blocks[b], reads)]
    via_shared = set(walk(ctx, shared, flows=NON_REQUEST, passable=FEATURE_PASS))
    logged = set(walk(ctx, r.online_units, flows=NON_REQUEST, passable=DATA_PASS_KINDS))
    hits = []
    for t in trainers:
        if t in via_shared or t in logged:
            continue
        unit = deployed_from[t]
        if not feature_reads(ctx, unit) and unit in r.called_online:
            # a model called online: name the service that runs it and reads its features
            callers = [e.source for e in ctx.in_edges.get(unit, ()) if e.flow == "request" and e.source in r.units]
            reading = [c for c in callers if feature_reads(ctx, c)]
            if not reading and not serving_reads(ctx, unit):
                reading = [c for c in callers if serving_reads(ctx, c)] or callers
            unit = reading[0] if reading else unit
        hits.append(Hit(
            f"{quoted(ctx.blocks[t])} builds its training data from {names(ctx, data_origins(ctx, t))}, while "
            f"online {quoted(ctx.blocks[unit])} {_served_features(ctx, unit)}: no feature store or feature pipeline "
            "feeds both and no serving log reaches training, so the two feature computations will drift apart "
            "(training/serving skew).",
            components=(t, unit),
        ))
    return hits


def _served_features(ctx: Context, unit: str) -> str:
    """Where a serving block gets its features, for DAT-1's message (feature reads only, see feature_reads)."""
    reads = feature_reads(ctx, unit)
    if reads:
        writers = [w for b in reads for w in feature_writers(ctx, b) if w not in reads]
        filled = f" (filled by {names(ctx, writers)})" if writers else ""
        return f"reads its features from {names(ctx, reads)}{filled}"
    sources = [b for b in serving_reads(ctx, unit) if ctx.kind_of[b] in SOURCE_KINDS]
    if sources:
        return f"computes its features itself from {names(ctx, sources)} (it reads no feature store)"
    return "reads no feature store (it computes its features itself)"


@rule(
    "DAT-2",
    "data",
    "warning",
    "Data is validated before training",
    "Put a data validation block (schema, ranges, missing values, distribution checks) on the data path into "
    "training.",
)
def validated_before_training(ctx: Context) -> list[Hit]:
    """A data validation block checks the data on its way into each training pipeline.

    Passes for a training pipeline when a data_validation block lies upstream of it on the data path (through
    stores, processing, feature blocks and the orchestrator), or validates one of the training pipeline's own
    inputs (a validation step beside the training read).

    Why: upstream data breaks silently (a renamed column, a unit change, a job writing nulls); without a
    schema and value check the pipeline trains and ships a broken model.

    Fix: add a data validation block between the data and training (TFDV, Great Expectations, Deequ).

    Source: ML Test Score D1 (feature expectations are captured in a schema); Breck et al. "Data Validation
    for Machine Learning" (SysML 2019).
    """
    trainers = trainers_with_inputs(ctx)
    if not trainers:
        raise NotApplicable("no training pipeline with input data")
    validators = [c.id for c in ctx.of_kind("data_validation")]
    checked = set(walk(ctx, validators, flows=NON_REQUEST, passable=DATA_PASS_KINDS | {"orchestrator"}))
    hits = []
    for t in trainers:
        inputs = training_inputs(ctx, t)
        if t in checked:
            continue
        if any(ctx.blocks[e.target].kind == "data_validation" for i in inputs for e in ctx.out_edges.get(i, ())):
            continue
        elsewhere = f" ({names(ctx, validators)} validates other data)" if validators else ""
        hits.append(Hit(
            f"{quoted(ctx.blocks[t])} trains on {names(ctx, data_origins(ctx, t))} with no data validation before it"
            f"{elsewhere}: a schema change or a broken upstream job trains a bad model silently.",
            components=(t,),
        ))
    return hits


@rule(
    "DAT-4",
    "data",
    "error",
    "Supervised models have a label source",
    "Connect where labels come from to training: a labeling block, a feedback connection from serving or "
    "logging (clicks, chargebacks), or user events.",
)
def label_source(ctx: Context) -> list[Hit]:
    """Every supervised model is trained from data that carries labels.

    A model with ``supervised`` (the default for every learned model kind) passes when label data reaches
    it through its training: a labeling block, user events, the target of a ``feedback`` connection, or a
    connection whose label mentions labels ("chargeback labels") reaches the training pipeline that deploys
    the model (through stores and processing), or reaches the model block directly. A model called online by
    a serving block that a labelled training pipeline deploys to passes too.

    Why: a supervised model without a label source cannot be trained or retrained; labels are usually the
    scarcest, slowest part of the system and deserve their own path in the design.

    Fix: draw where labels come from: human labeling, implicit feedback (clicks, watches) or delayed outcomes
    (chargebacks), and connect it to training.

    Source: Huyen, Designing ML Systems ch. 4 (labels: hand labels, natural labels, feedback loop length);
    Xu & Aminian ch. 1 (data preparation: labels).
    """
    supervised = [m for m in ctx.of_category("models") if m.flag("supervised")]
    if not supervised:
        raise NotApplicable("no supervised model in the design")
    r = roles(ctx)
    starts = {c.id for c in ctx.of_kind("labeling", "user_events")}
    starts.update(e.target for e in ctx.design.connections
                  if e.flow == "feedback" or (e.label and LABEL_WORD.search(e.label)))
    labelled = set(walk(ctx, starts, flows=NON_REQUEST, passable=DATA_PASS_KINDS))
    labelled |= starts
    labelled_trainers = [t for t in r.trainers if t in labelled]
    reached = labelled | {b for t in labelled_trainers for b in r.deploys[t]}
    hits = []
    for m in supervised:
        callers = [e.source for e in ctx.in_edges.get(m.id, ()) if e.flow == "request"]
        if m.id in reached or any(c in reached and c in r.units for c in callers):
            continue
        trainers = list(dict.fromkeys(t for b in (m.id, *callers) for t in r.deployed_by.get(b, ())))
        if trainers:
            message = (f"{quoted(m)} is supervised and trained by {names(ctx, trainers)}, but no labeling block, "
                       "feedback connection or user events reach that training: it has nothing to learn from.")
        else:
            message = (f"{quoted(m)} is supervised but no training pipeline or label source reaches it: "
                       "where its labels come from is not in the design.")
        hits.append(Hit(message, components=(m.id, *trainers)))
    return hits


def _local_inputs(ctx: Context, trainer: str, passable: frozenset[str]) -> dict[str, str]:
    return walk(ctx, [trainer], forward=False, flows=NON_REQUEST, passable=passable, depth=3)


@rule(
    "DAT-5",
    "data",
    "warning",
    "Training joins features point-in-time",
    "Build training rows with point-in-time joins (feature values as of each label's timestamp): set "
    "point_in_time on the feature store or the training pipeline.",
)
def point_in_time(ctx: Context) -> list[Hit]:
    """Training that reads a feature store joins feature values as of each example's time.

    For each training pipeline reading an offline or online feature store (directly, or through processing
    and storage steps up to three hops), passes when the training pipeline or that store declares
    ``point_in_time`` (offline feature stores do by default; an online store only keeps the latest value).

    Why: joining today's feature values to last month's labels leaks the future into training (a user's
    "purchases in the last 7 days" already includes the purchase being predicted); offline metrics look great
    and production falls flat.

    Fix: use the offline store's point-in-time join (Feast, Tecton, SageMaker Feature Store) or log features
    at prediction time; never train from the online store's latest values.

    Source: Feast docs, "Point-in-time joins"; Huyen, Designing ML Systems ch. 5 (data leakage); Zinkevich
    Rules of ML #29 (log features at serving time).
    """
    hits = []
    applies = False
    for t in roles(ctx).trainers:
        stores = [b for b in _local_inputs(ctx, t, (STORE_KINDS - FEATURE_STORE_KINDS) | PROCESSING_KINDS)
                  if ctx.blocks[b].kind in FEATURE_STORE_KINDS]
        if not stores:
            continue
        applies = True
        if ctx.blocks[t].flag("point_in_time"):
            continue
        for s in stores:
            if not ctx.blocks[s].flag("point_in_time"):
                hits.append(Hit(
                    f"{quoted(ctx.blocks[t])} reads features from {quoted(ctx.blocks[s])} without point-in-time "
                    "joins (point_in_time is off on both): training rows can see feature values from after "
                    "their label's time.",
                    components=(t, s),
                ))
    if not applies:
        raise NotApplicable("no training pipeline reads a feature store")
    return hits


@rule(
    "DAT-6",
    "data",
    "info",
    "Training data is versioned",
    "Version the data training reads (set versioned on its stores, or on the training pipeline when it "
    "snapshots its inputs), so every model traces back to its exact data.",
)
def versioned_training_data(ctx: Context) -> list[Hit]:
    """The data each training pipeline reads is versioned, so a model's lineage can be traced and rerun.

    Collects the data blocks each training pipeline reads (stores, feature blocks, labeling, sources; through
    up to three processing steps, stopping at a processing step that itself declares ``versioned``). Passes
    when the training pipeline declares ``versioned`` (it snapshots its inputs) or every input does.

    Why: without versioned data, "which data trained the model serving now?" has no answer; a regression
    cannot be bisected and a result cannot be reproduced.

    Fix: use a versioned lake (Delta, Iceberg, lakeFS, DVC) or versioned feature store, or snapshot inputs.

    Source: ML Test Score I1 (reproducible training); AWS ML Lens MLREL02 (data lineage and versioning);
    Huyen, Designing ML Systems ch. 6 (versioning).
    """
    hits = []
    applies = False
    proc = PROCESSING_KINDS | PRIVACY_KINDS

    def can_pass(c: Component) -> bool:
        return c.kind in proc and not c.flag("versioned")

    for t in roles(ctx).trainers:
        reached = walk(ctx, [t], forward=False, flows=NON_REQUEST, passable=can_pass, depth=3)
        inputs = [b for b in reached
                  if ctx.blocks[b].kind in DATA_KINDS or ctx.blocks[b].kind == "labeling"
                  or (ctx.blocks[b].kind in proc and ctx.blocks[b].flag("versioned"))]
        if not inputs:
            continue
        applies = True
        if ctx.blocks[t].flag("versioned"):
            continue
        loose = [b for b in inputs if not ctx.blocks[b].flag("versioned")]
        if loose:
            hits.append(Hit(
                f"{quoted(ctx.blocks[t])} reads {names(ctx, loose)}, which {'is' if len(loose) == 1 else 'are'} "
                "not versioned, and the training pipeline does not snapshot its inputs: the data behind a model "
                "cannot be traced or reproduced.",
                components=(t, *loose[:10]),
            ))
    if not applies:
        raise NotApplicable("no training pipeline reads data")
    return hits


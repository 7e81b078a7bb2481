"""Rules of the monitoring and feedback checklist: observed serving, drift, retraining, feedback loops."""

from __future__ import annotations

from mlsd.model import Component
from mlsd.rules.context import Context
from mlsd.rules.data import serving_reads
from mlsd.rules.engine import Hit, NotApplicable, rule
from mlsd.rules.roles import (
    DATA_PASS_KINDS,
    MODEL_KINDS,
    NON_REQUEST,
    inherit_through_callers,
    judged_alone,
    kinds_in_categories,
    memo,
    monitored_directly,
    names,
    quoted,
    request_groups,
    roles,
    walk,
)
from mlsd.rules.serving import learned_model_units

RECOMMENDER_KINDS = frozenset({"candidate_generation", "multi_stage_ranker", "reranker"})
JOB_KINDS = frozenset(
    {"batch_etl", "feature_pipeline", "stream_processor", "data_validation", "training_pipeline", "batch_prediction"}
)
ALERT_PASS = kinds_in_categories("monitoring") | frozenset({"message_queue"})


@rule(
    "MON-1",
    "monitoring",
    "error",
    "Every online serving block is monitored",
    "Connect the serving block to a metrics dashboard or a log (latency, errors, prediction distribution).",
)
def serving_monitored(ctx: Context) -> list[Hit]:
    """Every block serving predictions online is connected to monitoring.

    Checks online_inference, candidate_generation, reranker and model blocks called online: each must be
    connected (either direction) to a metrics dashboard, a log or a drift detector, or send to one through a
    queue or stream processor, or be called by a monitored serving block (a recommendation service that logs
    what its candidate generation, ranker and re-ranker returned, and how long they took, observes them).
    A block called only by other serving blocks is reported with its caller, not on its own.

    Why: an unobserved model fails silently: latency creeps up, a feature goes null, predictions collapse to
    one class, and nobody knows until a business metric drops weeks later.

    Fix: send latency, errors and the distribution of inputs and predictions to a dashboard and a log.

    Source: ML Test Score Mo6 (computing performance has not regressed) and Mo7 (prediction quality has not
    regressed); Google SRE book ch. 6 (the four golden signals).
    """
    r = roles(ctx)
    if not r.online_units:
        raise NotApplicable("nothing serves online")
    covered = {u for u in r.online_units if monitored_directly(ctx, u)}
    inherit_through_callers(ctx, covered, r.online_units, r.online_ids)
    return [
        Hit(
            f"{quoted(ctx.blocks[u])} serves online but no metrics dashboard or log is connected to it: its "
            "latency, errors and prediction distribution go unobserved.",
            components=(u,),
        )
        for u in judged_alone(ctx, r.online_units, r.online_ids)
        if u not in covered
    ]


def _grouped(ctx: Context, units: list[str]) -> list[list[str]]:
    """Serving blocks gathered by the request paths that join them (one group per serving system); a batch
    job joins the system whose online store it fills (an embedding job rebuilding the retrieval index)."""
    group_of = request_groups(ctx)
    batch = roles(ctx).batch_units
    groups: dict[str, list[str]] = {}
    for u in units:
        key = group_of[u]
        if u in batch:
            filled = [b for b in walk(ctx, [u], flows=NON_REQUEST, passable=DATA_PASS_KINDS, depth=3)
                      if any(f.flow == "request" for f in ctx.in_edges.get(b, ()))]
            key = group_of[filled[0]] if filled else key
        groups.setdefault(key, []).append(u)
    return list(groups.values())


@rule(
    "MON-2",
    "monitoring",
    "warning",
    "Serving inputs and predictions are watched for drift",
    "Feed the serving logs (predictions) or the features serving reads into a drift detector.",
)
def drift_watched(ctx: Context) -> list[Hit]:
    """Each serving system has a drift detector watching its features or predictions.

    Serving blocks of learned models are grouped by the request connections that join them (one group per
    serving system; a batch prediction job joins the system whose online store it fills, or is its own
    group). A group passes when a drift detector receives,
    through logs, queues, stores or processing, data from one of its serving blocks or from a store they
    read features from. A drift detector fed only from training data does not count.

    Why: the world changes under a model (new users, new items, a partner changing a field); drift in
    inputs and predictions is the earliest signal that quality is falling, long before labels arrive.

    Fix: log serving inputs and predictions and compare their distributions with training (PSI, KL, KS).

    Source: ML Test Score Mo2 (data invariants hold in training and serving inputs) and Mo7; Huyen,
    Designing ML Systems ch. 8 (data distribution shifts, detection).
    """
    units = learned_model_units(ctx, online_only=False)
    if not units:
        raise NotApplicable("no block serves a learned model")
    detectors = [c.id for c in ctx.of_kind("drift_detector")]
    watched = set(walk(ctx, detectors, forward=False, passable=DATA_PASS_KINDS | {"metrics_dashboard"}))
    hits = []
    for group in _grouped(ctx, units):
        reads = [b for u in group for b in serving_reads(ctx, u)]
        if any(b in watched for b in (*group, *reads)):
            continue
        if not detectors:
            why = "the design has no drift detector"
        else:
            why = f"{names(ctx, detectors)} {'sees' if len(detectors) == 1 else 'see'} none of their data"
        hits.append(Hit(
            f"Nothing watches the inputs or predictions of {names(ctx, group)} for drift ({why}): a shift in "
            "traffic or a broken feature shows only once business metrics fall.",
            components=tuple(group[:20]),
        ))
    return hits


@rule(
    "MON-3",
    "monitoring",
    "warning",
    "Drift alerts someone and triggers retraining",
    "Connect the drift detector to an alerting block (directly or through a dashboard or queue) and to the "
    "orchestrator or training pipeline that retrains.",
)
def drift_acts(ctx: Context) -> list[Hit]:
    """Each drift detector both alerts someone and triggers retraining, through its connections.

    Follows each drift detector's outgoing connections, up to four hops through monitoring blocks (dashboards,
    logs) and message queues. "Alerts someone" means it reaches an ``alerting`` block: drift is a finding to
    route to a person, and the alerting block is where routing and on-call live. The ``alerts_on_failure``
    prop does not count here: in the catalog it means that a failed run of the block pages someone (the
    detector's own job crashing or missing its input, as MON-6 reads it for jobs), not that detected drift
    does. "Triggers retraining" means it reaches a training pipeline or an orchestrator (which runs one).

    Why: a detector that only draws a chart is noticed after the damage; one that only pages leaves the fix
    to a manual retrain. Drift should reach a person and start a retraining run (that the validation gate
    still guards).

    Fix: add the missing connection(s): drift detector -> alerting, drift detector -> orchestrator.

    Source: ML Test Score Mo4 (models are not too stale); Google Cloud "MLOps: continuous delivery" level 1
    (pipeline triggers on data change); Huyen, Designing ML Systems ch. 9 (continual learning triggers).
    """
    detectors = ctx.of_kind("drift_detector")
    if not detectors:
        raise NotApplicable("no drift detector (MON-2 asks for one)")
    hits = []
    for d in detectors:
        reached = {ctx.kind_of[b] for b in walk(ctx, [d.id], passable=ALERT_PASS, depth=4)}
        alerts = "alerting" in reached
        retrains = bool(reached & {"training_pipeline", "orchestrator"})
        if alerts and retrains:
            continue
        missing = []
        if not alerts:
            note = (" (its alerts_on_failure pages only when its own run fails, not when it finds drift)"
                    if d.flag("alerts_on_failure") else "")
            missing.append(f"reaches no alerting block{note}")
        if not retrains:
            missing.append("reaches no training pipeline or orchestrator")
        if not (alerts or retrains):
            outcome = "detected drift changes nothing"
        elif alerts:
            outcome = "someone is paged, but retraining waits for a person"
        else:
            outcome = "retraining starts, but no one learns that the data shifted"
        hits.append(Hit(f"{quoted(d)} detects drift but {' and '.join(missing)}: {outcome}.", components=(d.id,)))
    return hits


def feedback_reach(ctx: Context) -> dict[str, str]:
    """Blocks that data from serving, clients and user events flows into (through logs, queues, stores)."""

    def compute() -> dict[str, str]:
        starts = [*roles(ctx).units, *(c.id for c in ctx.of_kind("client", "user_events"))]
        return walk(ctx, starts, flows=NON_REQUEST, passable=DATA_PASS_KINDS)

    return memo(ctx, "feedback_reach", compute)


@rule(
    "MON-4",
    "monitoring",
    "warning",
    "Serving feeds back into training data",
    "Log predictions and outcomes (or user events) from serving and connect the log to the training data, "
    "with a feedback connection.",
)
def feedback_loop(ctx: Context) -> list[Hit]:
    """What happens after serving (predictions, outcomes, user reactions) flows back into training data.

    For each training pipeline whose model reaches a serving block, passes when data from a serving block
    (through a log, queue or store), from a client, or from user events reaches that training pipeline.

    Why: a model trained once on a static snapshot decays; the outcomes of its own predictions (clicks,
    chargebacks, corrections) are the freshest labels there are, and without the loop retraining has
    nothing new to learn from.

    Fix: log every prediction with an id, join outcomes to it, and write the result where training reads.

    Source: Huyen, Designing ML Systems ch. 4 and 9 (natural labels, feedback loop, continual learning);
    Xu & Aminian ch. 1 (monitoring and feedback); Zinkevich, Rules of ML #29.
    """
    r = roles(ctx)
    if not r.trainers:
        raise NotApplicable("no training pipeline in the design")
    served = [t for t in r.trainers if r.deploys[t] & r.units]
    if not served:
        raise NotApplicable("no trained model reaches a serving block")
    reach = feedback_reach(ctx)
    hits = []
    for t in served:
        if t in reach:
            continue
        units = sorted(r.deploys[t] & r.units)
        hits.append(Hit(
            f"Nothing flows back from {names(ctx, units)} to {quoted(ctx.blocks[t])}: no prediction or outcome "
            "log, user events or feedback connection reach its training data, so the model never learns from "
            "how it performs.",
            components=(t, *units[:5]),
        ))
    return hits


@rule(
    "MON-5",
    "monitoring",
    "warning",
    "Recommendation feedback loops explore or correct position bias",
    "Declare explores on the ranker, candidate generation or training pipeline: serve some exploration "
    "traffic, or correct position bias (inverse propensity weighting, position as a training feature).",
)
def recommender_explores(ctx: Context) -> list[Hit]:
    """A recommender that learns from feedback on its own recommendations explores or corrects position bias.

    A recommender is a serving system (blocks joined by request connections) holding candidate generation,
    a multi-stage ranker or a re-ranker. It has a feedback loop when a training pipeline that deploys into
    it is reached by data from serving, clients or user events (as MON-4 defines it). Then some block of
    the system, its training pipeline, or a model it deploys must declare ``explores``. A recommender where one
    of those blocks declares ``censors_labels`` is left to TRN-8 (decisions that censor their labels keep a
    holdout), which asks the same question of serving more strictly: one cause, one finding.

    Why: users can only click what was shown, and click the top slots more; trained on that, the model
    reinforces its own past choices (popularity and position bias) and new items never get a chance.

    Fix: reserve a little traffic for exploration (epsilon-greedy, bandits) and log propensities, or model
    position bias explicitly.

    Source: Huyen, Designing ML Systems ch. 8 (degenerate feedback loops) and ch. 9 (bandits); Xu & Aminian
    ch. 6 and ch. 9 (position bias, exploration).
    """
    r = roles(ctx)
    group_of = request_groups(ctx)
    systems: dict[str, list[Component]] = {}
    for c in ctx.design.components:
        systems.setdefault(group_of[c.id], []).append(c)
    recommenders = [members for members in systems.values()
                    if any(c.kind in RECOMMENDER_KINDS for c in members) and any(c.id in r.units for c in members)]
    if not recommenders:
        raise NotApplicable("no candidate generation or ranking system")
    reach = feedback_reach(ctx)
    hits = []
    looped = censored = 0
    for members in recommenders:
        ids = {c.id for c in members}
        trainers = [t for t in r.trainers if r.deploys[t] & ids]
        loop = [t for t in trainers if t in reach]
        if not loop:
            continue
        looped += 1
        trained = [m for t in trainers for m in r.deploys[t] if ctx.blocks[m].kind in MODEL_KINDS]
        if any(ctx.blocks[b].flag("censors_labels") for b in (*ids, *trained)):
            censored += 1  # TRN-8 judges this loop
            continue
        if any(ctx.blocks[b].flag("explores") for b in (*ids, *trainers, *trained)):
            continue
        shown = [c.id for c in members if c.kind in RECOMMENDER_KINDS or c.id in r.units]
        hits.append(Hit(
            f"{names(ctx, shown)} learn{'s' if len(shown) == 1 else ''} from feedback on their own "
            f"recommendations (retrained by {names(ctx, loop)}) but nothing declares exploration or position-bias "
            "correction (explores): the loop reinforces what was already shown.",
            components=tuple(shown[:20]),
        ))
    if not looped:
        raise NotApplicable("recommendations do not feed back into training")
    if censored == looped:
        raise NotApplicable("every recommender feedback loop declares censors_labels: TRN-8 judges it")
    return hits


def _alerting_near(ctx: Context, block: str, hops: int = 2) -> bool:
    return any(ctx.blocks[b].kind == "alerting"
               for b in walk(ctx, [block], passable=kinds_in_categories("monitoring"), depth=hops))


@rule(
    "MON-6",
    "monitoring",
    "warning",
    "Failed pipelines and jobs alert someone",
    "Set alerts_on_failure on the job, connect it to alerting, or run it from an orchestrator that alerts.",
)
def jobs_alert(ctx: Context) -> list[Hit]:
    """Every data or training job (ETL, feature pipeline, stream processor, data validation, training, batch
    prediction) pages someone when it fails.

    A job passes when it declares ``alerts_on_failure``, sends (directly or through a dashboard or log) to
    alerting, or is connected to an orchestrator that declares ``alerts_on_failure`` or sends to alerting.

    Why: a failed nightly job does not crash anything visible; it leaves features stale and models untrained
    while serving carries on with old data for days.

    Fix: alert on failure and on lateness (a job that has not succeeded for N periods).

    Source: ML Test Score Mo1 (dependency changes result in notification) and Mo4 (staleness); Google SRE
    book ch. 6 (monitoring distributed systems: page on symptoms).
    """
    jobs = [c for c in ctx.design.components if c.kind in JOB_KINDS]
    if not jobs:
        raise NotApplicable("no ETL, feature, training or batch prediction job")
    orchestrators = {
        o.id for o in ctx.of_kind("orchestrator") if o.flag("alerts_on_failure") or _alerting_near(ctx, o.id)
    }
    hits = []
    for job in jobs:
        if job.flag("alerts_on_failure") or _alerting_near(ctx, job.id):
            continue
        neighbours = [e.source for e in ctx.in_edges.get(job.id, ())] + [
            e.target for e in ctx.out_edges.get(job.id, ())
        ]
        if any(n in orchestrators for n in neighbours):
            continue
        hits.append(Hit(
            f"{quoted(job)} can fail silently: it declares no alerts_on_failure and is connected to no alerting "
            "or alerting orchestrator.",
            components=(job.id,),
        ))
    return hits

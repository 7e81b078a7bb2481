"""Rules of the privacy & security checklist (SEC-*).

Here "component" means a placed block of a design (``mlsd.model.Component``).

Personal data (PII) starts at the blocks marked ``pii: true`` and flows along connections, in their direction.
A flow stops at an ``anonymizer`` or ``differential_privacy`` block (what leaves it is no longer personal data).
It also stops at control and observability blocks that do not pass the data they receive on: a
``drift_detector`` (it compares distributions and sends a trigger), an ``orchestrator`` (it starts jobs), an
``alerting`` block (it pages) and a ``metrics_dashboard`` (it draws aggregates). They may receive personal
data, but what leaves them is a signal, so a retraining trigger from a drift detector is not a route of
personal data into training. ``ab_testing`` and ``experiment_tracking`` are not among them: an experiment
service emits per-user assignments and exposures that analytics joins with outcomes, and experiment tracking
keeps run artifacts (dataset snapshots, evaluation samples, models) that flow on to registries and serving.
A ``request`` connection into a store (storage or features blocks, or a block with ``storage_gb``) is a lookup:
its payload is not kept, so it carries no PII into the store; a request into ``logging`` is kept and does.
The flow is computed once per check, in one pass over the graph.

A block *stores personal data* (SEC-1, SEC-3, SEC-5) when it is marked ``pii`` and keeps data at rest: a store
as above, or a block of a pass-through kind (message queue, cache, stream processor...) that declares how long
it keeps data (``retention_days``, set on the block or its kind's default; 0 means forever). A Kafka topic
keeping 7 days of raw events (the message queue's default) holds them on disk like any database.

Personal data is judged by purpose: a block that declares ``pii_purpose`` keeps identifiable data because its
job needs it (a decision log kept for disputes, a face detector's labels and training set, internal reviewers).
SEC-4, SEC-6 and SEC-7 accept it; SEC-10 (``mlsd.rules.privacy_purpose``) checks its controls. SEC-8 (inference
behind an authenticated gateway) is in ``mlsd.rules.privacy_endpoints``, SEC-9 (transfers between jurisdictions) in
``mlsd.rules.privacy_transfers``.
"""

from __future__ import annotations

from mlsd.catalog import KINDS
from mlsd.model import Connection
from mlsd.rules.context import Context
from mlsd.rules.engine import Hit, NotApplicable, rule
from mlsd.rules.pii_flow import (
    HALT_KINDS,
    ML_SINKS,
    TRAINING_KINDS,
    access_controlled,
    carries,
    encrypted,
    holds,
    pii_flow,
    pii_stores,
    purpose,
    spread,
)
from mlsd.rules.pii_leaks import (
    block_order,
    cause_hit,
    dp_training,
    find_causes,
    is_ml_sink,
    raw_pii_inputs,
)
from mlsd.rules.sla import name
from mlsd.text import counted


@rule(
    "SEC-1", "privacy", "error", "Personal data is encrypted at rest",
    "Set encrypted_at_rest on the store (AES-256 with KMS-managed keys), or connect it to a kms block.",
)
def pii_encrypted_at_rest(ctx: Context) -> list[Hit]:
    """Every store holding personal data encrypts it at rest.

    A store is a storage or features block, any block with ``storage_gb``, or any other block (a message queue,
    cache or stream processor, which pass data through) that declares how long it keeps data
    (``retention_days``, set on the block or its kind's default: a message queue keeps 7 days; 0 means
    forever); it holds personal data when it is marked ``pii``. A stolen disk, snapshot or
    backup of an unencrypted store is a data breach. A store passes with ``encrypted_at_rest`` or a connection
    to a ``kms`` block.
    Why: encryption at rest turns a leaked disk or backup into unreadable bytes (GDPR Art. 34(3)(a) spares
    notifying the people affected when encryption made the data unintelligible), and with managed keys it costs
    next to nothing: no trade-off justifies skipping it.
    Fix: encrypt the store.
    Source: GDPR Art. 32(1)(a) (encryption of personal data); AWS Well-Architected ML Lens, Security pillar.
    """
    return [
        Hit(f"{name(ctx, c.id)} {holds(c)} without encryption at rest.", components=(c.id,))
        for c in pii_stores(ctx)
        if not encrypted(ctx, c)
    ]


@rule(
    "SEC-2", "privacy", "error", "Personal data is encrypted in transit",
    "Set encrypted_in_transit (TLS / mTLS) on at least one end of the connection: the server side that "
    "terminates TLS, usually the target.",
)
def pii_encrypted_in_transit(ctx: Context) -> list[Hit]:
    """Every connection to or from a block marked ``pii`` is encrypted in transit.

    A connection is encrypted when either end declares ``encrypted_in_transit``: the prop says all traffic to
    and from that block uses TLS, so one end is enough (a TLS-terminating gateway encrypts its clients'
    traffic). A connection carrying personal data in clear can be read on any network hop.
    One missing setting is one finding: when several unencrypted connections share a block, setting
    ``encrypted_in_transit`` on that block encrypts them all, so they are reported together at that block
    (the block with the most of them first; ties in design order), pointing at that block, every one of its
    connections and the other ends of the five the message names (the rest are counted). A connection
    that shares no such block is reported on its own, at its source and target.
    Why: TLS is the baseline for personal data on any network (GDPR Art. 32 names encryption) and cheap to turn
    on at one end, so a connection without it is a defect with no trade-off to weigh, not a risk to accept.
    Fix: turn on TLS at one end.
    Source: GDPR Art. 32(1)(a); AWS Well-Architected, Security pillar (encrypt data in transit).
    """
    flow = pii_flow(ctx)
    if not flow.seeds:
        raise NotApplicable("no block is marked pii")
    pii = set(flow.seeds)
    tls = {c.id for c in ctx.design.components if c.flag("encrypted_in_transit")}
    clear: list[Connection] = []
    touching = 0
    for e in ctx.design.connections:
        if e.source not in pii and e.target not in pii:
            continue
        touching += 1
        if e.source in tls or e.target in tls:
            continue
        clear.append(e)
    if not touching:
        raise NotApplicable("no connection touches a block marked pii")
    by_block: dict[str, list[Connection]] = {}
    for e in clear:
        by_block.setdefault(e.source, []).append(e)
        by_block.setdefault(e.target, []).append(e)
    position = block_order(ctx)
    shared = sorted((b for b, edges in by_block.items() if len(edges) > 1),
                    key=lambda b: (-len(by_block[b]), position[b]))
    hits = []
    grouped: set[str] = set()
    for b in shared:
        edges = [e for e in by_block[b] if e.id not in grouped]
        if len(edges) < 2:
            continue
        grouped.update(e.id for e in edges)
        hits.append(_clear_at(ctx, b, edges))
    for e in clear:
        if e.id in grouped:
            continue
        hits.append(Hit(
            f"Connection {name(ctx, e.source)} → {name(ctx, e.target)} ({e.flow}) touches personal data and "
            "neither end declares encrypted_in_transit.",
            components=(e.source, e.target),
            connections=(e.id,),
        ))
    return hits


CONNECTIONS_SHOWN = 5  # connections named in a grouped SEC-2 message; more are counted


def _clear_at(ctx: Context, block_id: str, edges: list[Connection]) -> Hit:
    """SEC-2's finding for several unencrypted connections that one setting on ``block_id`` would encrypt."""
    shown = [f"{ctx.blocks[e.source].title} → {ctx.blocks[e.target].title} ({e.flow})"
             for e in edges[:CONNECTIONS_SHOWN]]
    # the block the one setting goes on, then the other ends the message names (every connection is listed)
    others = [e.target if e.source == block_id else e.source for e in edges[:CONNECTIONS_SHOWN]]
    return Hit(
        f"{len(edges)} connections of {name(ctx, block_id)} touch personal data and neither end declares "
        f"encrypted_in_transit: {counted(shown, len(edges), 'connection', sep='; ')}.",
        components=(block_id, *dict.fromkeys(o for o in others if o != block_id)),
        connections=tuple(e.id for e in edges),
        fix=f"Set encrypted_in_transit (TLS / mTLS) on {name(ctx, block_id)}: one setting encrypts all "
            f"{len(edges)} connections (or set it on the other end of each).",
    )


@rule(
    "SEC-3", "privacy", "error", "Stores of personal data are access-controlled",
    "Set access_controlled (IAM roles, RBAC, least privilege) on the store, or connect an access_control block.",
)
def pii_access_controlled(ctx: Context) -> list[Hit]:
    """Every store holding personal data requires an authorised identity to read or write.

    Stores of personal data are those of SEC-1, including queues, caches and stream processors marked ``pii``
    that keep data for a declared ``retention_days``. Passes with ``access_controlled`` on the store or an
    ``access_control`` block connected to it.
    Why: without access control every service and engineer can read everyone's data; least privilege is
    both a GDPR duty and the main limit on the damage of a leaked credential.
    Fix: restrict access.
    Source: GDPR Art. 32 (security of processing); AWS Well-Architected, Security pillar (least privilege).
    """
    return [
        Hit(f"{name(ctx, c.id)} {holds(c)} without access control.", components=(c.id,))
        for c in pii_stores(ctx)
        if not access_controlled(ctx, c)
    ]


@rule(
    "SEC-4", "privacy", "error", "Personal data is anonymised before ML and analytics sinks",
    "Put an anonymizer (pseudonymise: a token or salted hash in place of ids; drop fields the sinks do not "
    "need) where the personal data comes in, or in front of the sink; a sink that needs the identity declares "
    "pii_purpose with access control, encryption at rest, retention and audit_logged (SEC-10); a training "
    "block can also train with DP-SGD (epsilon on the block).",
)
def pii_anonymised_before_sinks(ctx: Context) -> list[Hit]:
    """Raw personal data does not reach training, labeling, feature stores, logs, warehouses or data lakes.

    The flow is followed across every block (see the module docstring) from each block marked ``pii``; it
    stops at an anonymizer or a differential_privacy block, and does not pass through a drift detector,
    orchestrator, alerting block or metrics dashboard (they send on triggers and charts, not the data: a
    drift detector that starts retraining does not bring personal data into training). An A/B testing service
    and experiment tracking do pass it on (per-user exposures; dataset snapshots and samples). A sink (labeling,
    training_pipeline, hyperparameter_tuning, offline/online feature store, embedding_store, logging,
    data_warehouse, data_lake, hdfs) that receives it fails, even when the sink itself is marked pii (the sink
    declaring it holds PII does not make the copy necessary); a training block with ``epsilon`` (DP-SGD) does
    not.
    Purpose: a sink that declares ``pii_purpose`` (a fraud decision log kept for disputes, the training and
    labelling set of a face detector that must see faces, user content kept for the account's life) keeps
    personal data on purpose and is not a SEC-4 sink; what protects it is access control, encryption at rest,
    retention and an audit trail, checked by SEC-10. The data still flows on from it: a sink after it that
    declares no purpose is a finding.
    One missing control is one finding. Each place where raw personal data first enters the sinks (an
    *entry*, where an anonymizer in front of the sink belongs) is found with the routes into it and every
    further sink the same data reaches from there. Entries are then grouped by the pii blocks their data
    starts from (*roots*: pii blocks that no raw personal data reaches from another block; a pii block fed by
    one holds a copy): entries one root reaches without passing another sink are one finding, since one
    anonymizer on the flow out of that root pseudonymises the data for all of them. So an event source that
    feeds a lake, two feature stores and training through a queue, with no pseudonymiser, is one finding
    naming the sinks, and so is a card switch whose raw card data reaches a decision log, a feature store
    and a warehouse through the scoring service and the payments database; two pii sources that enter the
    sinks at different places and share no sink are two. A sink marked pii that receives raw data is not a
    root (its copy is the problem), and no sink is reported as reaching itself round a cycle. The finding points
    at the sinks where the data first enters and the connections into them (where the anonymizer goes); the
    message names the pii blocks and the first five sinks further on, and counts the rest. The fix is
    fitted to the sink (a log: pseudonymise before logging; a feature store: pseudonymous keys; DP-SGD is
    offered for training blocks only) and names the purpose alternative.
    Why: these systems copy data widely, keep it long and give many people access; data minimisation says
    they should get identifiers only when the purpose needs them.
    Fix: anonymise on the way in, or declare the purpose and its controls.
    Source: GDPR Art. 5(1)(c) (data minimisation) and Art. 25; AWS Well-Architected ML Lens, Security pillar.
    """
    flow = pii_flow(ctx)
    if not flow.seeds:
        raise NotApplicable("no block is marked pii")
    if not any(c.kind in ML_SINKS for c in ctx.design.components):
        raise NotApplicable("no training, labeling, feature store, logging, warehouse or data lake block")
    return [cause_hit(ctx, cause) for cause in find_causes(ctx, flow)]


@rule(
    "SEC-5", "privacy", "warning", "Personal data has a retention period and can be erased",
    "Set retention_days (> 0) on the store, or kept_for_account_lifetime for the user's own content, and "
    "support erasure on request (erasure_supported: a delete path keyed by user id, including backups and "
    "derived copies).",
)
def pii_retention_and_erasure(ctx: Context) -> list[Hit]:
    """Every store of personal data keeps it for a limited time and can delete one person's data on request.

    Stores of personal data are those of SEC-1 (a queue, cache or stream processor marked ``pii`` counts when
    it declares ``retention_days``). ``retention_days`` must be above 0 (0 means forever), or the data is the
    user's own content kept for the account's life (``kept_for_account_lifetime``: posts, a social graph,
    deleted with the account); and ``erasure_supported`` must be true in both cases.
    Why: storage limitation and the right to erasure are legal duties; designing the delete path late means
    scanning every copy by hand.
    Fix: declare retention and an erasure path.
    Source: GDPR Art. 5(1)(e) (storage limitation) and Art. 17 (right to erasure).
    """
    hits = []
    for c in pii_stores(ctx):
        missing = []
        if c.num("retention_days") <= 0 and not c.flag("kept_for_account_lifetime"):
            missing.append("no retention period (retention_days, or kept_for_account_lifetime)")
        if not c.flag("erasure_supported"):
            missing.append("no erasure on request (erasure_supported)")
        if missing:
            hits.append(Hit(
                f"{name(ctx, c.id)} stores personal data with {' and '.join(missing)}.",
                components=(c.id,),
            ))
    return hits


@rule(
    "SEC-6", "privacy", "warning", "Labeling receives anonymised data only",
    "Put an anonymizer before the labeling block (strip user ids, names, faces, free text that identifies "
    "people) so labelers see only what the label needs; internal reviewers who need the identity (fraud "
    "analysts, trust & safety) declare pii_purpose with access control and audit_logged instead.",
)
def labeling_gets_anonymised_data(ctx: Context) -> list[Hit]:
    """Data sent to labeling (often external annotators) comes through an anonymizer.

    User data starts at clients, data sources and blocks marked ``pii``, and flows as in SEC-4; a labeling
    block it reaches without an anonymizer or differential-privacy step fails. Labeling blocks that receive
    data from a block marked ``pii`` are already reported by SEC-4 (as an error) and are not repeated here;
    this rule catches user data that nobody marked as personal.
    The rule is about external annotators, who should see only what the label needs. Internal reviewers whose
    job is to judge the person's own data (fraud analysts confirming an alert, trust & safety reviewing a
    reported post) need it: a labeling block that declares ``pii_purpose`` is accepted, and its access
    control and audit trail are SEC-10's.
    Why: annotators, often an outside vendor, see every item routed to labeling; user data reaching them
    unanonymised goes beyond the purpose it was collected for. A warning, not an error as in SEC-4: nobody
    marked this data personal, and it may not be.
    Fix: anonymise what labelers see, or declare the reviewers' purpose and controls.
    Source: AWS Well-Architected ML Lens, Security pillar (protect sensitive data); GDPR Art. 5(1)(c).
    """
    labeling = ctx.of_kind("labeling")
    if not labeling:
        raise NotApplicable("no labeling block")
    seeds = [c.id for c in ctx.design.components
             if c.kind == "client" or KINDS[c.kind].category == "data_sources" or c.flag("pii")]
    _, origin = spread(ctx, seeds)
    flow = pii_flow(ctx)
    hits = []
    for c in labeling:
        if purpose(c) or raw_pii_inputs(ctx, flow, c):
            continue  # SEC-10's controls; SEC-4's finding
        edges = [e for e in ctx.in_edges.get(c.id, ())
                 if carries(ctx, e) and e.source in origin and ctx.blocks[e.source].kind not in HALT_KINDS]
        if not edges:
            continue
        hits.append(Hit(
            f"{name(ctx, c.id)} receives user data from {name(ctx, origin[edges[0].source])} (via "
            f"{name(ctx, edges[0].source)}) that no anonymizer has seen.",
            components=(c.id,),
            connections=tuple(e.id for e in edges),
        ))
    return hits


@rule(
    "SEC-7", "privacy", "info", "Models trained on personal data use differential privacy",
    "Train with DP-SGD (TensorFlow Privacy, Opacus) and declare its epsilon on the training block, or put a "
    "differential_privacy block before it; if the model must learn from the personal data for its purpose, "
    "declare pii_purpose on the training block (with its controls, SEC-10).",
)
def training_on_pii_uses_dp(ctx: Context) -> list[Hit]:
    """A model trained on personal data that no rule has accepted yet is trained with differential privacy.

    A training block fails when it is marked ``pii`` (its training data is personal data: pseudonymised data
    still is, GDPR Recital 26) and it neither declares ``epsilon`` nor is connected to a differential_privacy
    block. Not repeated here: a training block that raw personal data reaches without a declared purpose is
    already in SEC-4's finding (one missing anonymizer, one finding; SEC-4's fix offers DP-SGD for training);
    a training block that declares ``pii_purpose`` (a face detector that must see faces, a fraud model that
    learns from transactions) trains on personal data on purpose under SEC-10's controls, and DP-SGD, which
    costs accuracy on exactly the rare cases such models exist for, is not asked of it.
    Why: models memorise rare training examples; membership-inference and extraction attacks recover them.
    DP-SGD bounds what a model can reveal about any one person. The design format has no requirement that
    asks for differential privacy, so this stays an info.
    Fix: DP-SGD with a stated epsilon, or a declared purpose.
    Source: Abadi et al., Deep Learning with Differential Privacy (2016); TensorFlow Privacy (DP-SGD); GDPR
    Recital 26 (pseudonymised data is personal data).
    """
    flow = pii_flow(ctx)
    if not flow.seeds:
        raise NotApplicable("no block is marked pii")
    training = ctx.of_kind(*TRAINING_KINDS)
    if not training:
        raise NotApplicable("no training block")
    hits = []
    for c in training:
        if not c.flag("pii") or dp_training(ctx, c) or purpose(c):
            continue
        if is_ml_sink(ctx, c) and raw_pii_inputs(ctx, flow, c):
            continue  # in SEC-4's finding
        hits.append(Hit(
            f"{name(ctx, c.id)} trains on personal data (marked pii) without differential privacy or a declared "
            "purpose: the model can memorise and leak individual records.",
            components=(c.id,),
        ))
    return hits

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
"""

from __future__ import annotations

from collections import deque

from mlsd.analysis.failures import region_of
from mlsd.catalog import KINDS
from mlsd.model import Component, Connection
from mlsd.rules.context import Context
from mlsd.rules.engine import Hit, NotApplicable, rule
from mlsd.rules.pii_flow import (
    HALT_KINDS,
    INFERENCE_KINDS,
    MAX_HOPS_SHOWN,
    ML_SINKS,
    TRAINING_KINDS,
    carries,
    holds,
    neighbours,
    pii_flow,
    pii_stores,
    spread,
)
from mlsd.rules.pii_leaks import block_order, counted, dp_training, find_leaks, leak_hit, raw_pii_inputs
from mlsd.rules.reliability import declared_regions
from mlsd.rules.sla import chain, name, names, on_serving_path


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
    Fix: encrypt the store.
    Source: GDPR Art. 32(1)(a) (encryption of personal data); AWS Well-Architected ML Lens, Security pillar.
    """
    return [
        Hit(f"{name(ctx, c.id)} {holds(c)} without encryption at rest.", components=(c.id,))
        for c in pii_stores(ctx)
        if not c.flag("encrypted_at_rest") and not any(n.kind == "kms" for n in neighbours(ctx, c.id))
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
    (the block with the most of them first; ties in design order), listing its connections. A connection
    that shares no such block is reported on its own, at its source and target.
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
    others = [e.target if e.source == block_id else e.source for e in edges]
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
        if not c.flag("access_controlled") and not any(n.kind == "access_control" for n in neighbours(ctx, c.id))
    ]


@rule(
    "SEC-4", "privacy", "error", "Personal data is anonymised before ML and analytics sinks",
    "Put an anonymizer (drop or hash identifiers, generalise quasi-identifiers) or a differential_privacy "
    "step on the flow where personal data first reaches a sink; a training block can instead train with "
    "DP-SGD (epsilon on the block).",
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
    One missing control is one finding: it is reported at the sink where raw personal data first enters the
    sinks (where the anonymizer belongs; the finding's first block), names the pii blocks it comes from and
    the routes it takes, and lists every further sink the same data reaches from there. A lake that feeds
    feature stores, training and logs without an anonymizer in front of it is one finding, not one per sink;
    two pii sources entering the sinks at two places are two. A sink marked pii that receives raw data is
    not an origin of its own (its copy is the problem), and no sink is reported as reaching itself round a
    cycle. The fix is fitted to the sink where the anonymizer goes (DP-SGD is offered for training blocks only).
    Why: these systems copy data widely, keep it long and give many people access; data minimisation says
    they should get identifiers only when the purpose needs them.
    Known false positives: sinks whose purpose needs the identity (a fraud decision log kept for disputes, the
    training set of a face detector); their control is access, retention and erasure. Accept such a finding
    with a waiver naming all of its blocks and the controls in place.
    Fix: anonymise on the way in.
    Source: GDPR Art. 5(1)(c) (data minimisation) and Art. 25; AWS Well-Architected ML Lens, Security pillar.
    """
    flow = pii_flow(ctx)
    if not flow.seeds:
        raise NotApplicable("no block is marked pii")
    if not any(c.kind in ML_SINKS for c in ctx.design.components):
        raise NotApplicable("no training, labeling, feature store, logging, warehouse or data lake block")
    return [leak_hit(ctx, leak) for leak in find_leaks(ctx, flow)]


@rule(
    "SEC-5", "privacy", "warning", "Personal data has a retention period and can be erased",
    "Set retention_days (> 0) on the store and support erasure on request (erasure_supported: a delete path "
    "keyed by user id, including backups and derived copies).",
)
def pii_retention_and_erasure(ctx: Context) -> list[Hit]:
    """Every store of personal data keeps it for a limited time and can delete one person's data on request.

    Stores of personal data are those of SEC-1 (a queue, cache or stream processor marked ``pii`` counts when
    it declares ``retention_days``). ``retention_days`` must be above 0 (0 means forever) and
    ``erasure_supported`` true.
    Why: storage limitation and the right to erasure are legal duties; designing the delete path late means
    scanning every copy by hand.
    Fix: declare retention and an erasure path.
    Source: GDPR Art. 5(1)(e) (storage limitation) and Art. 17 (right to erasure).
    """
    hits = []
    for c in pii_stores(ctx):
        missing = []
        if c.num("retention_days") <= 0:
            missing.append("no retention period (retention_days)")
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
    "people) so labelers see only what the label needs.",
)
def labeling_gets_anonymised_data(ctx: Context) -> list[Hit]:
    """Data sent to labeling (often external annotators) comes through an anonymizer.

    User data starts at clients, data sources and blocks marked ``pii``, and flows as in SEC-4; a labeling
    block it reaches without an anonymizer or differential-privacy step fails. Labeling blocks that receive
    data from a block marked ``pii`` are already reported by SEC-4 (as an error) and are not repeated here;
    this rule catches user data that nobody marked as personal.
    Fix: anonymise what labelers see.
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
        if raw_pii_inputs(ctx, flow, c):
            continue  # SEC-4's finding
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
    "differential_privacy block before it.",
)
def training_on_pii_uses_dp(ctx: Context) -> list[Hit]:
    """A model trained on raw personal data is trained with differential privacy.

    A training block fails when it is marked ``pii`` or raw personal data reaches it (as in SEC-4), and it
    neither declares ``epsilon`` nor is connected to a differential_privacy block.
    Why: models memorise rare training examples; membership-inference and extraction attacks recover them.
    DP-SGD bounds what a model can reveal about any one person.
    Fix: DP-SGD with a stated epsilon.
    Source: Abadi et al., Deep Learning with Differential Privacy (2016); TensorFlow Privacy (DP-SGD).
    """
    flow = pii_flow(ctx)
    if not flow.seeds:
        raise NotApplicable("no block is marked pii")
    training = ctx.of_kind(*TRAINING_KINDS)
    if not training:
        raise NotApplicable("no training block")
    hits = []
    for c in training:
        if dp_training(ctx, c):
            continue
        edges = raw_pii_inputs(ctx, flow, c)
        if not (c.flag("pii") or edges):
            continue
        source = flow.origin[edges[0].source] if edges else c.id
        hits.append(Hit(
            f"{name(ctx, c.id)} trains on personal data (from {name(ctx, source)}) without differential privacy: "
            "the model can memorise and leak individual records.",
            components=(c.id,),
            connections=tuple(e.id for e in edges),
        ))
    return hits


@rule(
    "SEC-8", "privacy", "warning", "Inference is reached through an authenticated gateway",
    "Route clients through an api_gateway with authenticated: true (OAuth, API keys, mTLS).",
)
def inference_behind_authentication(ctx: Context) -> list[Hit]:
    """Clients reach model inference only through a block that authenticates them.

    Walks request connections from every client; the walk stops at any block with ``authenticated``
    (normally the api_gateway). An inference block (online_inference, candidate_generation, reranker, model
    blocks) reached before that fails.
    Why: an open inference endpoint invites scraping, model extraction and denial of wallet (GPU cost).
    Fix: authenticate at the gateway.
    Source: AWS Well-Architected ML Lens, Security pillar (protect endpoints); OWASP ML Security Top 10, ML05.
    """
    clients = [c.id for c in ctx.of_kind("client") if any(e.flow == "request" for e in ctx.out_edges.get(c.id, ()))]
    if not clients:
        raise NotApplicable("no client makes requests")
    on_path = on_serving_path(ctx)
    if not any(_is_inference(c) for c in ctx.design.components if c.id in on_path):
        raise NotApplicable("no model inference on a request path")
    origin = {c: c for c in clients}
    parent: dict[str, str] = {}
    queue = deque(clients)
    hits = []
    while queue:
        node = queue.popleft()
        for e in ctx.out_edges.get(node, ()):
            nxt = e.target
            if e.flow != "request" or nxt in origin:
                continue
            origin[nxt] = origin[node]
            parent[nxt] = node
            c = ctx.blocks[nxt]
            if c.flag("authenticated"):
                continue
            if _is_inference(c):
                hops = [nxt]
                while hops[-1] in parent and len(hops) <= MAX_HOPS_SHOWN:
                    hops.append(parent[hops[-1]])
                gateways = [h for h in reversed(hops) if ctx.blocks[h].kind == "api_gateway"]
                advice = f"; {names(ctx, gateways)} does not authenticate callers" if gateways else ""
                hits.append(Hit(
                    f"{name(ctx, nxt)} ({c.kind}) is reachable from {name(ctx, origin[nxt])} without "
                    f"authentication: {chain(ctx, tuple(reversed(hops)))}{advice}.",
                    components=(nxt,),
                ))
            queue.append(nxt)
    return hits


def _is_inference(c: Component) -> bool:
    return c.kind in INFERENCE_KINDS or (KINDS[c.kind].category == "models" and c.kind != "heuristic_baseline")


@rule(
    "SEC-9", "privacy", "warning", "Personal data stays in its region",
    "Keep personal data in the region it was collected in (regional stores and pipelines), or document the "
    "transfer mechanism (adequacy decision, SCCs) and waive this finding with it.",
)
def pii_stays_in_region(ctx: Context) -> list[Hit]:
    """Raw personal data does not flow between blocks placed in different regions.

    Checked on every connection carrying raw PII (as in SEC-4) whose two ends both declare ``regions``; zone
    names (eu-west-1a, europe-west1-b) count as their region. The connection fails when the source runs in a
    region where the target has no presence: data from there has to leave its region. A target present in
    more regions than its source (a multi-region service called locally) is not flagged.
    Why: transfers outside the region (notably out of the EU) need a legal basis, and residency rules may
    forbid them outright.
    Fix: keep the flow regional, or document the transfer.
    Source: GDPR Chapter V (Art. 44-49, transfers of personal data to third countries).
    """
    flow = pii_flow(ctx)
    if not flow.seeds:
        raise NotApplicable("no block is marked pii")
    placement = {c.id: frozenset(region_of(r) for r in zones)
                 for c in ctx.design.components if (zones := declared_regions(c))}
    hits = []
    placed = 0
    for e in ctx.design.connections:
        s_regions = placement.get(e.source)
        t_regions = placement.get(e.target)
        if not s_regions or not t_regions or not flow.carrier(ctx, e.source) or not carries(ctx, e):
            continue
        placed += 1
        away = s_regions - t_regions
        if not away:
            continue
        hits.append(Hit(
            f"Personal data flows from {name(ctx, e.source)} ({', '.join(sorted(s_regions))}) to "
            f"{name(ctx, e.target)} ({', '.join(sorted(t_regions))}): data from {', '.join(sorted(away))} "
            "leaves its region.",
            components=(e.source, e.target),
            connections=(e.id,),
        ))
    if not placed:
        raise NotApplicable("no connection carrying personal data has both ends placed in regions")
    return hits

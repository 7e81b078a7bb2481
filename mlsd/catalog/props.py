"""The typed properties a block may carry, defined once for every kind.

A prop name means the same thing on every kind (``p99_ms`` is always the block's own p99 latency in
milliseconds), so each is specified here once: its type, unit, bounds and help text. A kind's defaults
(in its category module) say which props it starts with; a block may carry any prop listed here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Literal

PropType = Literal["float", "int", "bool", "str", "enum", "list"]
PropValue = float | int | bool | str | list[str]

MAX_STR_PROP = 200


@dataclass(frozen=True)
class PropSpec:
    """How one prop is typed, bounded and explained."""

    name: str
    type: PropType
    unit: str
    help: str
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    label: str = ""  # what a person reads ("Throughput per replica"); filled in from LABELS

    def check(self, value: object) -> str | None:
        """Return a problem with ``value`` for this prop, or None when it is valid."""
        if self.type in ("float", "int"):
            if isinstance(value, bool) or not isinstance(value, int | float):
                return f"must be a number, got {_show(value)}"
            if self.type == "int" and not (isinstance(value, int) or float(value).is_integer()):
                return f"must be a whole number, got {_show(value)}"
            if value != value or value in (float("inf"), float("-inf")):
                return "must be a finite number"
            if self.minimum is not None and value < self.minimum:
                return f"must be ≥ {_num(self.minimum)}, got {_num(value)}"
            if self.maximum is not None and value > self.maximum:
                return f"must be ≤ {_num(self.maximum)}, got {_num(value)}"
            return None
        if self.type == "bool":
            return None if isinstance(value, bool) else f"must be true or false, got {_show(value)}"
        if self.type == "str":
            if not isinstance(value, str):
                return f"must be text, got {_show(value)}"
            return None if len(value) <= MAX_STR_PROP else f"must be at most {MAX_STR_PROP} characters"
        if self.type == "enum":
            if value not in self.choices:
                return f"must be one of {', '.join(self.choices)}; got {_show(value)}"
            return None
        # list of short strings
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return f"must be a list of text values, got {_show(value)}"
        if len(value) > 100 or any(len(v) > MAX_STR_PROP for v in value):
            return f"must hold at most 100 values of at most {MAX_STR_PROP} characters"
        return None


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _specs(labels: dict[str, str], *specs: PropSpec) -> dict[str, PropSpec]:
    """The specs by name, each with its human label from ``labels``; a prop specified twice, a prop without a
    label and a label without a prop are refused."""
    out: dict[str, PropSpec] = {}
    for spec in specs:
        if spec.name in out:
            raise ValueError(f"prop {spec.name!r} is specified twice")
        if not labels.get(spec.name):
            raise ValueError(f"prop {spec.name!r} has no label")
        out[spec.name] = replace(spec, label=labels[spec.name])
    extra = sorted(set(labels) - set(out))
    if extra:
        raise ValueError(f"labels of props that are not specified: {', '.join(extra)}")
    return out


F: PropType = "float"
INT: PropType = "int"
B: PropType = "bool"
S: PropType = "str"
E: PropType = "enum"
L: PropType = "list"

# What a person reads for each prop (the inspector's labels); the unit is shown beside it, the help under it.
LABELS: dict[str, str] = {
    "p50_ms": "Median latency",
    "p99_ms": "p99 latency",
    "timeout_ms": "Timeout on calls",
    "calls": "Calls downstream",
    "hedged_requests": "Hedged requests",
    "qps_per_replica": "Throughput per replica",
    "replicas": "Replicas",
    "autoscaling": "Autoscaling",
    "max_replicas": "Most replicas",
    "hit_rate": "Cache hit rate",
    "achievable_hit_rate": "Achievable hit rate",
    "stateful": "Stateful",
    "traffic_share": "Share of peak traffic",
    "items_scored": "Items scored",
    "ms_per_item": "Scoring time",
    "batch_size": "Batch size",
    "max_batch_wait_ms": "Longest batch wait",
    "batch_overhead_ms": "Time per batch",
    "shards": "Shards",
    "memory_gb_per_replica": "Memory per replica",
    "regions": "Regions",
    "fallback": "Has a fallback",
    "managed": "Managed service",
    "cost_per_hour": "Replica price",
    "storage_gb": "Data stored",
    "cost_per_gb_month": "Storage price",
    "retention_days": "Retention",
    "pii": "Personal data",
    "encrypted_at_rest": "Encrypted at rest",
    "encrypted_in_transit": "Encrypted in transit",
    "access_controlled": "Access controlled",
    "authenticated": "Callers authenticate",
    "erasure_supported": "Erasure on request",
    "epsilon": "Privacy budget ε",
    "freshness_minutes": "Freshness",
    "point_in_time": "Point-in-time joins",
    "versioned": "Versioned",
    "supervised": "Supervised",
    "split": "Evaluation split",
    "imbalance_strategy": "Class imbalance handling",
    "offline_metric": "Offline metric",
    "online_metric": "Online metric",
    "slice_eval": "Evaluated by slice",
    "reproducible": "Reproducible runs",
    "retrain_every_hours": "Retrain every",
    "explores": "Explores",
    "model_version_kept": "Previous model kept",
    "rollout": "Rollout",
    "gpu": "Runs on GPUs",
    "params_millions": "Model size",
    "alerts_on_failure": "Alerts on failure",
    "ttl_minutes": "Time to live",
    "cold_start": "Serves newcomers",
    "label_delay_hours": "Label delay",
    "label_maturity_hours": "Label maturity wait",
    "censors_labels": "Censors its labels",
    "holdout_share": "Holdout share",
    "deploy_minutes": "Time to deploy",
    "keys_per_item": "Store keys read",
    "keys_per_read": "Multi-get size",
    "local_cache_hit_rate": "Local cache hit rate",
    "scale_up_minutes": "Scale-up time",
    "cost_per_million_requests": "Request price",
    "max_lag_minutes": "Longest lag",
    "items_per_run": "Items per run",
    "items_per_sec_per_replica": "Batch throughput per replica",
    "hours_per_run": "Hours per run",
    "items_per_day": "Daily items",
    "routed_share": "Share routed here",
    "capacity_per_day": "Review capacity",
    "pii_purpose": "Why it keeps personal data",
    "audit_logged": "Access audit-logged",
    "kept_for_account_lifetime": "Kept for the account's lifetime",
}

PROP_SPECS: dict[str, PropSpec] = _specs(
    LABELS,
    # latency and throughput
    PropSpec("p50_ms", F, "ms", "Median latency this block adds to a request it serves.", 0, 3_600_000),
    PropSpec("p99_ms", F, "ms", "99th-percentile latency this block adds to a request it serves.", 0, 3_600_000),
    PropSpec("timeout_ms", F, "ms", "Timeout this block sets on its downstream calls (0 = none).", 0, 3_600_000),
    PropSpec(
        "calls", E, "", "How this block calls its downstream request targets: one after another, or all "
        "at once (the path then waits for the slowest).", choices=("sequential", "parallel"),
    ),
    PropSpec("hedged_requests", B, "", "Sends a backup request when the first is slow (Tail at Scale)."),
    PropSpec("qps_per_replica", F, "req/s", "Requests per second one replica sustains at its p99.", 0, 1e9),
    PropSpec("replicas", INT, "replicas", "Number of running replicas (instances, pods, nodes).", 1, 1_000_000),
    PropSpec("autoscaling", B, "", "Replicas scale with load (HPA, managed autoscaling)."),
    PropSpec("max_replicas", INT, "replicas", "Upper bound of autoscaling.", 1, 1_000_000),
    PropSpec("hit_rate", F, "0..1", "Share of requests answered here without calling downstream.", 0, 1),
    PropSpec(
        "achievable_hit_rate", F, "0..1", "Highest hit rate this cache can reach (a larger cache, a longer TTL; "
        "measured or estimated): python -m mlsd size may raise hit_rate up to it when that makes the design "
        "cheaper.", 0, 1,
    ),
    PropSpec("stateful", B, "", "Replicas hold state a request depends on (sessions, local index)."),
    PropSpec(
        "traffic_share", F, "0..1", "Share of the design's peak QPS that enters here (entry blocks; entries "
        "without one split the rest equally).", 0, 1,
    ),
    PropSpec("items_scored", INT, "items/request", "Items this block scores or returns per request.", 0, 1e12),
    PropSpec(
        "ms_per_item", F, "ms/item", "Replica time to score one item at full load: a request costs items_scored "
        "× this, so a replica scores at most 1000 / (items_scored × this) requests per second.", 0, 60_000,
    ),
    PropSpec(
        "batch_size", INT, "requests", "Most requests a replica groups into one batch (dynamic batching, e.g. "
        "Triton's max_batch_size); 1 = no batching.", 1, 65_536,
    ),
    PropSpec(
        "max_batch_wait_ms", F, "ms", "Longest a request waits for its batch to fill (Triton's "
        "max_queue_delay); 0 = batch only what is already queued.", 0, 60_000,
    ),
    PropSpec(
        "batch_overhead_ms", F, "ms/batch", "Fixed replica time of one batch whatever its size (kernel launch, "
        "weight reads): a batch of b requests takes this + b × the work of one request (items_scored × "
        "ms_per_item), so python -m mlsd size may pick the batch size (Clipper, NSDI 2017).", 0, 60_000,
    ),
    PropSpec(
        "shards", INT, "shards", "Shards the block's data is split over; every request fans out to all of them and "
        "waits for the slowest (replicas are per shard).", 1, 100_000,
    ),
    PropSpec(
        "memory_gb_per_replica", F, "GB", "Memory one replica has for the block's data (storage_gb): the data "
        "needs at least ceil(storage_gb / this) shards, which python -m mlsd size raises shards to.", 0, 1e6,
    ),
    # reliability and placement
    PropSpec("regions", L, "", "Regions or zones the replicas run in (e.g. eu-west-1a)."),
    PropSpec("fallback", B, "", "A fallback answers when this block fails (cached, popular, rules)."),
    PropSpec("managed", B, "", "A managed, multi-zone service whose provider gives the redundancy."),
    # cost and storage
    PropSpec("cost_per_hour", F, "USD/replica-hour", "On-demand price of one replica for one hour.", 0, 1e6),
    PropSpec("storage_gb", F, "GB", "Data this block stores.", 0, 1e12),
    PropSpec("cost_per_gb_month", F, "USD/GB-month", "Storage price per GB and month.", 0, 1e4),
    PropSpec("retention_days", F, "days", "How long stored data is kept (0 = forever).", 0, 36_500),
    # privacy and security
    PropSpec("pii", B, "", "Holds or carries personal data (names, ids, locations, contents of users)."),
    PropSpec("encrypted_at_rest", B, "", "Stored data is encrypted (AES-256, KMS-managed keys)."),
    PropSpec("encrypted_in_transit", B, "", "Traffic to and from this block uses TLS."),
    PropSpec("access_controlled", B, "", "Reads and writes require an authorised identity (IAM, RBAC)."),
    PropSpec("authenticated", B, "", "Callers must authenticate (OAuth, mTLS, API keys)."),
    PropSpec("erasure_supported", B, "", "A user's data can be deleted on request (GDPR Art. 17)."),
    PropSpec("epsilon", F, "", "Differential-privacy budget ε of the mechanism.", 0, 100),
    # data, features, training
    PropSpec("freshness_minutes", F, "min", "How old the data or features served here may be.", 0, 1e7),
    PropSpec("point_in_time", B, "", "Training rows join features as of the label's time (no leakage)."),
    PropSpec("versioned", B, "", "Datasets or artifacts are versioned so a run can be reproduced."),
    PropSpec("supervised", B, "", "The model learns from labels."),
    PropSpec("split", E, "", "How evaluation data is split off.", choices=("random", "time", "group")),
    PropSpec(
        "imbalance_strategy", E, "", "How a rare positive class is handled.",
        choices=("none", "class_weights", "resampling", "focal_loss", "threshold_tuning"),
    ),
    PropSpec("offline_metric", S, "", "The offline evaluation metric (e.g. PR-AUC, NDCG@10)."),
    PropSpec("online_metric", S, "", "The online business metric (e.g. CTR, watch time)."),
    PropSpec("slice_eval", B, "", "Evaluation is broken down by slices (country, device, new users)."),
    PropSpec("reproducible", B, "", "Runs pin code, data and seeds so that results can be reproduced."),
    PropSpec("retrain_every_hours", F, "h", "How often the model is retrained (0 = on trigger only).", 0, 1e6),
    PropSpec("explores", B, "", "Serves some exploration traffic or corrects position bias."),
    PropSpec("model_version_kept", B, "", "The previous model version stays deployable for rollback."),
    PropSpec(
        "rollout", E, "", "How a new model reaches traffic.",
        choices=("none", "canary", "shadow", "blue_green", "ab_test"),
    ),
    PropSpec("gpu", B, "", "Runs on GPUs."),
    PropSpec("params_millions", F, "M params", "Model size in millions of parameters.", 0, 1e7),
    PropSpec("alerts_on_failure", B, "", "A failed run or job pages someone."),
    # lineage, freshness and cold start
    PropSpec(
        "ttl_minutes", F, "min", "How long a cached or materialised answer is kept before it is recomputed "
        "(a reader may see an answer this old).", 0, 1e7,
    ),
    PropSpec(
        "cold_start", E, "", "Which newcomers this block serves without any history of theirs: new items "
        "(content-based or fresh-upload retrieval), new users (popular or onboarding answers), or both. "
        "heuristic_baseline declares new_users by default; other kinds count when they declare it (SRV-5).",
        choices=("none", "new_items", "new_users", "both"),
    ),
    # labels and model staleness
    PropSpec(
        "label_delay_hours", F, "h", "How long after a prediction its label arrives (clicks: minutes; "
        "chargebacks: 30-90 days).", 0, 1e6,
    ),
    PropSpec(
        "label_maturity_hours", F, "h", "Training uses only examples at least this old, so that late labels "
        "have arrived.", 0, 1e6,
    ),
    PropSpec(
        "censors_labels", B, "", "Acting on this block's prediction hides the outcome it predicts (a declined "
        "payment never gets a chargeback, a removed post no reports, an unshown item no click).",
    ),
    PropSpec(
        "holdout_share", F, "0..1", "Share of the model's decisions left out at random (a would-be decline "
        "approved, a would-be removal kept up, an unranked item shown: holdout or exploration), so that unbiased "
        "labels keep arriving.", 0, 1,
    ),
    PropSpec(
        "deploy_minutes", F, "min", "Time from a trained model to full traffic (evaluation gate, canary, "
        "rollout).", 0, 1e6,
    ),
    # work a caller puts on the stores it reads; managed and autoscaled tiers
    PropSpec(
        "keys_per_item", F, "keys/item", "Store keys this block reads for every item it scores (a candidate's "
        "features); 0 = it reads per request only.", 0, 1e6,
    ),
    PropSpec(
        "keys_per_read", INT, "keys/call", "Keys fetched per store round trip (multi-get or batch-get size); "
        "1 = one key per call.", 1, 1e6,
    ),
    PropSpec(
        "local_cache_hit_rate", F, "0..1", "Share of per-item keys this block answers from its own in-process "
        "cache instead of the store.", 0, 1,
    ),
    PropSpec(
        "scale_up_minutes", F, "min", "Time autoscaling takes to bring a new replica into service (node "
        "provisioning, image pull, model load).", 0, 1e4,
    ),
    PropSpec(
        "cost_per_million_requests", F, "USD/M req", "Price of a managed service per million requests "
        "(on-demand, request-billed pricing).", 0, 1e6,
    ),
    # asynchronous paths
    PropSpec(
        "max_lag_minutes", F, "min", "Longest an asynchronous consumer may fall behind its queue or stream: "
        "its target in place of the request SLA.", 0, 1e7,
    ),
    # batch windows and people
    PropSpec(
        "items_per_run", F, "items", "Items one batch run processes (a full re-embed or backfill is the whole "
        "corpus).", 0, 1e15,
    ),
    PropSpec(
        "items_per_sec_per_replica", F, "items/s", "Items one replica processes per second in a batch run.",
        0, 1e12,
    ),
    PropSpec(
        "hours_per_run", F, "h", "Hours one batch run takes; batch cost is billed for these hours (derived from "
        "the run's items when not declared).", 0, 1e5,
    ),
    PropSpec(
        "items_per_day", F, "items/day", "Items this source produces per day (posts, uploads, payments).", 0, 1e15,
    ),
    PropSpec(
        "routed_share", F, "0..1", "Share of the upstream items this block receives (the review band of a "
        "classifier).", 0, 1,
    ),
    PropSpec(
        "capacity_per_day", F, "items/day", "Items the people of this block can review or label per day "
        "(reviewers x items per reviewer-day).", 0, 1e12,
    ),
    # privacy by purpose
    PropSpec(
        "pii_purpose", S, "", "Why this block must keep personal data (dispute evidence, a detector's training "
        "set, the user's own content); with access control, retention and audit it is accepted.",
    ),
    PropSpec("audit_logged", B, "", "Every access to the data is logged and reviewable (audit trail)."),
    PropSpec(
        "kept_for_account_lifetime", B, "", "Data is kept while the user's account exists and erased with it "
        "(user content such as posts).",
    ),
)

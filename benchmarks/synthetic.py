"""Synthetic layered designs of any size, for benchmarks (plain dicts in the design format, not yet validated).

``synthetic_design(n_blocks, seed)`` builds a design shaped like a large real one: clients call gateways, which
call layers of online services (retrieval, ranking, caches, models) that end in online stores; beside the
request path, data sources stream and batch into processing, storage, training, monitoring and privacy blocks.
Request connections form a DAG (every service has a caller in the layer above, so the entry blocks are the
clients); there are about two connections per block. The same ``(n_blocks, seed)`` always gives the same design.
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

# (kind, share of blocks) per role; shares within a role are relative
ROLES: dict[str, tuple[float, tuple[str, ...]]] = {
    "client": (0.02, ("client",)),
    "gateway": (0.02, ("api_gateway", "load_balancer")),
    "service": (0.34, ("candidate_generation", "online_inference", "reranker", "cache", "ab_testing",
                       "access_control", "gbdt", "dnn", "two_tower", "multi_stage_ranker")),
    "store": (0.16, ("online_feature_store", "embedding_store", "kv_store", "vector_index", "relational_db")),
    "source": (0.05, ("user_events", "transactional_db", "sensor_logs", "third_party_api")),
    "processing": (0.10, ("message_queue", "stream_processor", "batch_etl", "data_validation", "orchestrator",
                          "feature_pipeline")),
    "storage": (0.08, ("object_storage", "data_lake", "data_warehouse", "offline_feature_store", "hdfs")),
    "training": (0.08, ("labeling", "training_pipeline", "hyperparameter_tuning", "experiment_tracking",
                        "model_registry", "validation_gate", "batch_prediction")),
    "monitoring": (0.10, ("metrics_dashboard", "logging", "drift_detector", "alerting", "shadow_deployment",
                          "kms", "anonymizer", "differential_privacy")),
}
SERVICE_LAYERS = 4


def _counts(n_blocks: int) -> dict[str, int]:
    counts = {role: max(1, int(share * n_blocks)) for role, (share, _) in ROLES.items()}
    counts["service"] += n_blocks - sum(counts.values())  # services absorb the rounding
    if counts["service"] < 1:
        raise ValueError(f"n_blocks must be at least {n_blocks - counts['service'] + 1}, got {n_blocks}")
    return counts


def synthetic_design(n_blocks: int, seed: int = 0) -> dict[str, Any]:
    """A valid design dict with exactly ``n_blocks`` blocks and about ``2 * n_blocks`` connections."""
    rng = random.Random(seed)
    blocks: list[dict[str, Any]] = []
    by_role: dict[str, list[str]] = {}
    for role, count in _counts(n_blocks).items():
        kinds = ROLES[role][1]
        ids = by_role.setdefault(role, [])
        for i in range(count):
            kind = kinds[i % len(kinds)]
            bid = f"{kind}_{len(blocks)}"
            props: dict[str, Any] = {}
            if role in ("service", "gateway", "store") and rng.random() < 0.5:
                props["replicas"] = rng.randint(2, 12)
            if kind == "cache":
                props["hit_rate"] = round(rng.uniform(0.5, 0.95), 2)
            blocks.append({"id": bid, "kind": kind, "label": f"{kind.replace('_', ' ')} {i}", "props": props,
                           "position": {"x": 0.0, "y": 0.0}})
            ids.append(bid)

    edges: list[dict[str, Any]] = []

    def connect(source: str, target: str, flow: str) -> None:
        edges.append({"id": f"e{len(edges)}", "source": source, "target": target, "flow": flow})

    services = by_role["service"]
    layers = [services[i::SERVICE_LAYERS] for i in range(SERVICE_LAYERS)]
    layers = [layer for layer in layers if layer]
    stores = by_role["store"]
    # request DAG: client -> gateway -> layer 0 -> ... -> last layer -> stores; only clients are entries
    clients, gateways = by_role["client"], by_role["gateway"]
    for i, c in enumerate(clients):
        connect(c, gateways[i % len(gateways)], "request")
    for i, gw in enumerate(gateways[len(clients):]):  # more gateways than clients: each still has a caller
        connect(clients[i % len(clients)], gw, "request")
    for depth, layer in enumerate(layers):
        callers = layers[depth - 1] if depth else gateways
        deeper = layers[depth + 1] if depth + 1 < len(layers) else stores
        for i, svc in enumerate(layer):
            connect(callers[i % len(callers)], svc, "request")  # every service has a caller
            connect(svc, rng.choice(stores), "request")
            if rng.random() < 0.4:
                connect(svc, rng.choice(deeper), "request")
    # data side: sources -> processing -> storage / stores; storage -> training -> services; monitoring
    processing, storage = by_role["processing"], by_role["storage"]
    training, monitoring = by_role["training"], by_role["monitoring"]
    for src in by_role["source"]:
        connect(src, rng.choice(processing), rng.choice(("stream", "batch")))
        connect(src, rng.choice(storage), "batch")
    for proc in processing:
        connect(proc, rng.choice(storage), "batch")
        connect(proc, rng.choice(stores), "stream")
    for st in storage:
        connect(st, rng.choice(training), "batch")
        connect(st, rng.choice(processing), "batch")
    for tr in training:
        connect(tr, rng.choice(services), "batch")
        connect(tr, rng.choice(monitoring), "stream")
    for mon in monitoring:
        connect(rng.choice(services), mon, "stream")
        connect(mon, rng.choice(by_role["source"] + training), "feedback")
    for store in stores:
        connect(store, rng.choice(monitoring), "stream")

    for i, b in enumerate(blocks):
        b["position"] = {"x": float(250 * (i % 40)), "y": float(120 * (i // 40))}
    return {
        "format": "mlsd/1",
        "name": f"Synthetic design, {n_blocks} blocks (seed {seed})",
        "requirements": {"sla_p99_ms": 200, "peak_qps": 50_000, "headroom": 0.3},
        "components": blocks,
        "connections": edges,
    }


SOUND = Path(__file__).resolve().parent.parent / "designs" / "reference" / "video_recommendations.json"


def tiled_reference_design(n_blocks: int, reference: Path = SOUND) -> dict[str, Any]:
    """A large *sound* design: as many copies of a reference design (designs/reference/, with no finding) as fit
    in ``n_blocks``, every id prefixed by its copy (``t3.``), the peak multiplied by the number of copies (the
    entries share it equally, so each copy carries the reference's own peak). The opposite of
    ``synthetic_design``, whose random wiring gives about two findings per block: here, as in a design under
    review, the rules pass and the report is mostly numbers."""
    ref = json.loads(reference.read_text(encoding="utf-8"))
    copies = max(1, n_blocks // len(ref["components"]))
    blocks: list[dict[str, Any]] = []
    edges: list[dict[str, Any]] = []
    waivers: list[dict[str, Any]] = []
    for k in range(copies):
        prefix = f"t{k}."
        for b in ref["components"]:
            pos = b.get("position", {"x": 0.0, "y": 0.0})
            blocks.append({**b, "id": prefix + b["id"], "position": {"x": pos["x"], "y": pos["y"] + 1_000.0 * k}})
        for e in ref["connections"]:
            edges.append({**e, "id": prefix + e["id"], "source": prefix + e["source"], "target": prefix + e["target"]})
        for w in ref.get("waivers", []):
            waivers.append({**w, "components": [prefix + c for c in w.get("components", [])]})
    requirements = dict(ref.get("requirements", {}))
    if requirements.get("peak_qps"):
        requirements["peak_qps"] *= copies
    return {
        "format": "mlsd/1",
        "name": f"{ref['name']} × {copies} ({len(blocks)} blocks)",
        "requirements": requirements,
        "components": blocks,
        "connections": edges,
        "waivers": waivers,
    }

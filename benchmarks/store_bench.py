"""Measure the design library with many designs: save a revision, open the latest, search, list a page.

    python benchmarks/store_bench.py [--designs 10000] [--repeat 200] [--db PATH] [--json]

Builds a library of realistic ~25-block designs with varied names and labels (one in a hundred mentions
"zebrafish", the search word), imported in one transaction, then prints medians in milliseconds.
Targets (reported, not asserted): save <= 10 ms, open <= 10 ms, search <= 50 ms.
``--json`` prints one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from mlsd.model import Design
from mlsd.store import Store, summarize

BLOCKS = [
    ("client", "client"), ("gw", "api_gateway"), ("lb", "load_balancer"), ("cache", "cache"),
    ("cand", "candidate_generation"), ("ann", "vector_index"), ("emb", "embedding_store"),
    ("ofs", "online_feature_store"), ("rank", "online_inference"), ("rerank", "reranker"), ("ab", "ab_testing"),
    ("log", "logging"), ("dash", "metrics_dashboard"), ("drift", "drift_detector"), ("alert", "alerting"),
    ("events", "user_events"), ("mq", "message_queue"), ("stream", "stream_processor"), ("lake", "data_lake"),
    ("etl", "batch_etl"), ("offs", "offline_feature_store"), ("train", "training_pipeline"),
    ("exp", "experiment_tracking"), ("registry", "model_registry"), ("gate", "validation_gate"),
]
EDGES = [
    ("client", "gw", "request"), ("gw", "lb", "request"), ("lb", "cache", "request"), ("cache", "cand", "request"),
    ("cand", "ann", "request"), ("ann", "emb", "request"), ("cand", "ofs", "request"), ("cand", "rank", "request"),
    ("rank", "ofs", "request"), ("rank", "rerank", "request"), ("rerank", "ab", "request"),
    ("rank", "log", "stream"), ("log", "dash", "stream"), ("log", "drift", "stream"), ("drift", "alert", "stream"),
    ("client", "events", "stream"), ("events", "mq", "stream"), ("mq", "stream", "stream"),
    ("stream", "ofs", "stream"), ("mq", "lake", "stream"), ("lake", "etl", "batch"), ("etl", "offs", "batch"),
    ("offs", "train", "batch"), ("train", "exp", "batch"), ("train", "gate", "batch"),
    ("gate", "registry", "batch"), ("registry", "rank", "batch"), ("log", "lake", "feedback"),
]
WORDS = ["video", "news", "ads", "search", "fraud", "music", "jobs", "shop", "maps", "photo", "games", "travel",
         "food", "health", "bank", "sports", "books", "dating", "courses", "podcasts"]
PARTS = ["ranking", "recommendations", "retrieval", "scoring", "feed", "alerts", "personalisation", "matching"]


def make_design(i: int, rng: random.Random) -> Design:
    topic, part = rng.choice(WORDS), rng.choice(PARTS)
    rare = i % 100 == 0
    components = []
    for n, (block_id, kind) in enumerate(BLOCKS):
        label = f"{rng.choice(WORDS).title()} {kind.replace('_', ' ')} {rng.randint(1, 99)}"
        if rare and n == 8:
            label = "Zebrafish ranker"
        components.append({"id": block_id, "kind": kind, "label": label,
                           "position": {"x": 160 * (n % 6), "y": 120 * (n // 6)}})
    components[8]["props"] = {"p99_ms": rng.randint(10, 120), "replicas": rng.randint(2, 40)}
    connections = [{"id": f"e{k}", "source": s, "target": t, "flow": f} for k, (s, t, f) in enumerate(EDGES)]
    return Design.model_validate({
        "name": f"{topic.title()} {part} #{i}",
        "tags": [topic, part],
        "notes": f"Design {i} for {topic} {part}. " + " ".join(rng.choices(WORDS + PARTS, k=40)),
        "requirements": {"sla_p99_ms": rng.choice([100, 150, 200, 300]), "peak_qps": rng.randint(100, 80_000)},
        "components": components,
        "connections": connections,
    })


def median_ms(func: Callable[[int], object], repeat: int) -> float:
    times = []
    for i in range(repeat):
        start = time.perf_counter()
        func(i)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


TARGETS_MS = {"store_save_ms": 10.0, "store_open_ms": 10.0, "store_search_ms": 50.0}


def measure(n_designs: int, repeat: int, db: Path | None = None) -> tuple[dict[str, float], dict[str, float]]:
    """Fill a library with ``n_designs`` designs and time it: (medians in ms by measure, facts about the run)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = db or Path(tmp) / "bench.db"
        rng = random.Random(42)
        t0 = time.perf_counter()
        designs = [make_design(i, rng) for i in range(n_designs)]
        build_s = time.perf_counter() - t0
        store = Store(path)
        t0 = time.perf_counter()
        store.import_designs(designs)
        import_s = time.perf_counter() - t0
        ids = [d.id for d in store.list_designs(limit=None).items]
        base = {i: store.get(i).revisions for i in ids}

        def save(i: int, precomputed: bool = False) -> None:
            design_id = ids[rng.randrange(len(ids))]
            design = designs[i % len(designs)]
            checks = summaries[i % len(summaries)] if precomputed else None
            rev = store.save(design_id, design, base_revision=base[design_id], message=f"bench {i}", checks=checks)
            base[design_id] = rev.number

        summaries = [summarize(d) for d in designs[:50]]
        hits = store.list_designs(search="zebrafish", limit=50).total  # before any save changes the content
        results = {
            "store_open_ms": median_ms(lambda i: store.open(ids[rng.randrange(len(ids))]), repeat),
            "store_search_ms": median_ms(lambda i: store.list_designs(search="zebrafish", limit=50), repeat),
            "store_list_ms": median_ms(
                lambda i: store.list_designs(limit=50, offset=50 * rng.randrange(max(1, len(ids) // 50))),
                repeat),
            "store_save_ms": median_ms(save, repeat),
            "store_save_precomputed_checks_ms": median_ms(lambda i: save(i, True), repeat),
            "check_ms": median_ms(lambda i: summarize(designs[i % len(designs)]), repeat),
        }
        size_mb = path.stat().st_size / 1e6
        store.close()
        t0 = time.perf_counter()
        Store(path).close()  # opening runs PRAGMA quick_check over the whole file
        results["store_reopen_ms"] = (time.perf_counter() - t0) * 1000
    facts = {"designs": n_designs, "build_s": round(build_s, 1), "import_s": round(import_s, 1),
             "size_mb": round(size_mb), "search_hits": hits}
    return results, facts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--designs", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=200)
    parser.add_argument("--db", type=Path, default=None, help="keep the library here (default: a temporary file)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    results, facts = measure(args.designs, args.repeat, args.db)
    print(f"library: {args.designs} designs of {len(BLOCKS)} blocks; built in {facts['build_s']} s, "
          f"imported (checks included) in {facts['import_s']} s; {facts['size_mb']} MB; "
          f"search word matches {facts['search_hits']}")
    print(f"{'measure':<34} {'median ms':>10} {'target':>8}")
    for name, value in results.items():
        target = TARGETS_MS.get(name)
        print(f"{name:<34} {value:>10.2f} {('<= ' + format(target, 'g')) if target else '':>8}")
    if args.json:
        print(json.dumps({**{k: round(v, 3) for k, v in results.items()}, **facts}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

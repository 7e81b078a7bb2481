"""The nine privacy & security rules (SEC-*) together: not applicable without personal data, silent on a sound
architecture, fast on a 10,000-block chain."""

from __future__ import annotations

import itertools
import time

from mlsd.rules import REGISTRY, all_rules
from mlsd.rules.context import Context
from mlsd.rules.engine import run_rule
from tests.conftest import design_of
from tests.rule_helpers import block, flow, run

all_rules()
SEC = [f"SEC-{i}" for i in range(1, 10)]


def test_no_pii_anywhere_is_not_applicable():
    design = design_of(
        [block("ev", "user_events", "Page views", pii=False), block("lake", "data_lake", "Lake"),
         block("train", "training_pipeline", "Training")],
        [flow("ev", "lake", "batch"), flow("lake", "train", "batch")],
    )
    for rid in ("SEC-1", "SEC-2", "SEC-3", "SEC-4", "SEC-5", "SEC-7", "SEC-9"):
        result = run(rid, design)
        assert result.status == "not_applicable", rid
        assert "pii" in result.reason, rid


def test_sound_mini_architecture_has_no_privacy_findings():
    design = design_of(
        [
            block("app", "client", "Mobile app"),
            block("gw", "api_gateway", "Gateway", authenticated=True, encrypted_in_transit=True),
            block("svc", "online_inference", "Ranker"),
            block("fs", "online_feature_store", "Features"),
            block("ev", "user_events", "Clicks", encrypted_in_transit=True),
            block("mq", "message_queue", "Kafka"),
            block("anon", "anonymizer", "Anonymizer"),
            block("lake", "data_lake", "Lake"),
            block("train", "training_pipeline", "Training"),
            block("db", "relational_db", "Profiles", pii=True, encrypted_at_rest=True, access_controlled=True,
                  retention_days=365, erasure_supported=True, encrypted_in_transit=True),
        ],
        [flow("app", "gw"), flow("gw", "svc"), flow("svc", "fs"), flow("svc", "db"), flow("ev", "mq", "stream"),
         flow("mq", "anon", "stream"), flow("anon", "lake", "batch"), flow("lake", "train", "batch"),
         flow("anon", "fs", "stream")],
    )
    found = {rid: run(rid, design) for rid in SEC}
    assert {rid: [f.message for f in r.findings] for rid, r in found.items() if r.findings} == {}


def test_privacy_rules_stay_fast_on_a_10000_block_chain():
    n = 10_000
    blocks = [block("ev", "user_events", "Clicks", encrypted_in_transit=True)]
    blocks += [block(f"p{i}", "stream_processor", f"Step {i}") for i in range(n - 2)]
    blocks.append(block("lake", "data_lake", "Lake"))
    ids = [b["id"] for b in blocks]
    design = design_of(blocks, [flow(a, b, "stream") for a, b in itertools.pairwise(ids)])
    ctx = Context(design)
    start = time.perf_counter()
    results = {rid: run_rule(REGISTRY[rid], ctx) for rid in SEC}
    elapsed = time.perf_counter() - start
    (finding,) = results["SEC-4"].findings
    assert finding.components == ("lake",)
    hops = " → ".join(f"Step {i}" for i in range(9992, 9998))
    assert finding.message.endswith(f"step: Clicks → … → {hops} → Lake.")
    assert elapsed < 2.0, elapsed

"""Batch runs and their windows (mlsd.analysis.batch, CAP-11) and people capacity (CAP-12)."""

from __future__ import annotations

import math

import pytest

from mlsd.analysis import analyze
from mlsd.model import Design
from mlsd.rules import load_rules
from mlsd.rules.context import Context
from mlsd.rules.engine import REGISTRY, run_rule
from tests.conftest import design_of


def re_embed(embed: dict[str, object], corpus: float | None = 150e9, retrain: float = 168) -> Design:
    """Images → re-embed job → ANN index, the job triggered by releases of a weekly encoder training."""
    return design_of(
        [{"id": "images", "kind": "object_storage"},
         {"id": "train", "kind": "training_pipeline", "props": {"retrain_every_hours": retrain}},
         {"id": "gate", "kind": "validation_gate"},
         {"id": "registry", "kind": "model_registry"},
         {"id": "embed", "kind": "batch_prediction", "props": embed},
         {"id": "ann", "kind": "vector_index"}],
        [{"id": "c1", "source": "images", "target": "train", "flow": "batch"},
         {"id": "c2", "source": "train", "target": "gate", "flow": "batch"},
         {"id": "c3", "source": "gate", "target": "registry", "flow": "batch"},
         {"id": "c4", "source": "registry", "target": "embed", "flow": "batch"},
         {"id": "c5", "source": "images", "target": "embed", "flow": "batch"},
         {"id": "c6", "source": "embed", "target": "ann", "flow": "batch"}],
        requirements={"corpus_size": corpus} if corpus is not None else {},
    )


def cap(rule_id: str, design: Design):
    load_rules()
    return run_rule(REGISTRY[rule_id], Context(design))


@pytest.mark.parametrize("per_gpu, days", [(1000, 27.1), (3000, 9.0)])
def test_visual_search_re_embed_takes_9_to_27_days(per_gpu: float, days: float) -> None:
    # the senior review's hand figure: 150B images on 64 GPUs at 1,000-3,000 images/s each
    job = analyze(re_embed({"replicas": 64, "items_per_sec_per_replica": per_gpu})).batch["embed"]
    assert job.items_per_run == 150e9 and job.items_from == "corpus_size"
    assert job.hours_needed == pytest.approx(150e9 / (64 * per_gpu) / 3600)
    assert job.hours_needed / 24 == pytest.approx(days, abs=0.05)
    assert job.period_hours == 168 and job.release_of == "train"  # through the gate and the registry
    assert job.workers_to_fit == math.ceil(150e9 / (per_gpu * 168 * 3600))


def test_cap11_names_hours_window_and_workers() -> None:
    result = cap("CAP-11", re_embed({"replicas": 64, "items_per_sec_per_replica": 1000}))
    assert result.status == "failed"
    (finding,) = result.findings
    assert finding.components == ("embed",)
    assert "27.1 days" in finding.message and "7.0 days" in finding.message
    assert "249 workers would fit" in finding.message  # ceil(150e9 / (1000 × 168 × 3600)) = 249


def test_throughput_from_ms_per_item_and_declared_items() -> None:
    # 1e9 items at 2 ms an item = 500 items/s per replica, 10 replicas: 1e9 / 5,000 / 3,600 = 55.6 h
    job = analyze(re_embed({"replicas": 10, "ms_per_item": 2, "items_per_run": 1e9})).batch["embed"]
    assert job.items_from == "items_per_run"
    assert job.hours_needed == pytest.approx(1e9 / 5000 / 3600)


def test_own_freshness_is_the_window_before_the_release() -> None:
    # a job that declares its own schedule is held to it: 55.6 h against 24 h
    d = re_embed({"replicas": 10, "items_per_sec_per_replica": 500, "items_per_run": 1e9, "freshness_minutes": 1440})
    job = analyze(d).batch["embed"]
    assert job.period_hours == 24 and job.period_from == "freshness_minutes"
    assert cap("CAP-11", d).status == "failed"


def test_declared_hours_are_checked_when_the_items_are_not_given() -> None:
    d = re_embed({"replicas": 10, "hours_per_run": 200}, corpus=None)
    assert cap("CAP-11", d).status == "failed"  # 200 h against a weekly release
    assert cap("CAP-11", re_embed({"replicas": 10, "hours_per_run": 100}, corpus=None)).status == "passed"


def test_cap11_not_applicable_without_runs() -> None:
    result = cap("CAP-11", re_embed({"replicas": 10}, corpus=None))
    assert result.status == "not_applicable"


def review(app_per_day: float | None, classifier_share: float | None = None, own_share: float | None = None,
           capacity: float = 10_000) -> Design:
    review_props: dict[str, object] = {"capacity_per_day": capacity}
    if own_share is not None:
        review_props["routed_share"] = own_share
    classifier: dict[str, object] = {} if classifier_share is None else {"routed_share": classifier_share}
    return design_of(
        [{"id": "app", "kind": "client", "props": {} if app_per_day is None else {"items_per_day": app_per_day}},
         {"id": "queue", "kind": "message_queue"},
         {"id": "classifier", "kind": "online_inference", "props": classifier},
         {"id": "review", "kind": "labeling", "props": review_props},
         {"id": "train", "kind": "training_pipeline"}],
        [{"id": "c1", "source": "app", "target": "queue", "flow": "stream"},
         {"id": "c2", "source": "queue", "target": "classifier", "flow": "stream"},
         {"id": "c3", "source": "classifier", "target": "review", "flow": "stream"},
         {"id": "c4", "source": "review", "target": "train", "flow": "batch"}],
    )


def test_cap12_harmful_content_500k_against_10k() -> None:
    result = cap("CAP-12", review(500e6, classifier_share=0.001))
    (finding,) = result.findings
    assert "500k items/day" in finding.message and "10k/day" in finding.message and "50.0× over" in finding.message
    assert "0.0020%" in finding.message  # 10k / 500M
    assert set(finding.components) == {"review", "app", "classifier"}


def test_cap12_own_share_wins_and_small_volume_passes() -> None:
    assert cap("CAP-12", review(500e6, classifier_share=0.001, own_share=0.00001)).status == "passed"
    assert cap("CAP-12", review(5e6, classifier_share=0.001)).status == "passed"  # 5k a day
    everything = cap("CAP-12", review(5e6))  # no share declared: all 5M reach the people
    assert everything.status == "failed" and "no routed_share declared" in everything.findings[0].message


def test_cap12_not_applicable_without_capacity_or_volume() -> None:
    assert cap("CAP-12", review(None, classifier_share=0.001)).status == "not_applicable"
    d = design_of([{"id": "review", "kind": "labeling"}])
    assert cap("CAP-12", d).status == "not_applicable"

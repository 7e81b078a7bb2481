"""The building-block catalog: every kind is complete, its defaults are valid, and duplicates are refused."""

from __future__ import annotations

import pytest

import mlsd.catalog as catalog
from mlsd.catalog import CATEGORIES, KINDS, Kind, kinds_in
from mlsd.model import Component

# Node shapes Graphviz knows (https://graphviz.org/doc/info/shapes.html), polygon-based ones.
GRAPHVIZ_SHAPES = {
    "box", "polygon", "ellipse", "oval", "circle", "point", "egg", "triangle", "plaintext", "plain",
    "diamond", "trapezium", "parallelogram", "house", "pentagon", "hexagon", "septagon", "octagon",
    "doublecircle", "doubleoctagon", "tripleoctagon", "invtriangle", "invtrapezium", "invhouse",
    "Mdiamond", "Msquare", "Mcircle", "rect", "rectangle", "square", "star", "none", "underline",
    "cylinder", "note", "tab", "folder", "box3d", "component", "promoter", "cds", "terminator", "utr",
    "primersite", "restrictionsite", "fivepoverhang", "threepoverhang", "noverhang", "assembly",
    "signature", "insulator", "ribosite", "rnastab", "proteasesite", "proteinstab", "rpromoter",
    "rarrow", "larrow", "lpromoter",
}  # fmt: skip

# The kind ids other modules (rules, example designs) are written against.
EXPECTED = {
    "clients": ["client"],
    "data_sources": ["user_events", "transactional_db", "third_party_api", "sensor_logs"],
    "storage": [
        "object_storage", "block_storage", "hdfs", "data_lake", "data_warehouse", "relational_db",
        "kv_store", "vector_index",
    ],
    "processing": ["message_queue", "stream_processor", "batch_etl", "data_validation", "orchestrator"],
    "features": ["offline_feature_store", "online_feature_store", "embedding_store", "feature_pipeline"],
    "training": [
        "labeling", "training_pipeline", "hyperparameter_tuning", "experiment_tracking", "model_registry",
        "validation_gate",
    ],
    "models": [
        "heuristic_baseline", "logistic_regression", "gbdt", "dnn", "two_tower", "transformer",
        "multi_stage_ranker",
    ],
    "serving": [
        "api_gateway", "load_balancer", "cdn", "cache", "candidate_generation", "online_inference",
        "reranker", "batch_prediction",
    ],
    "monitoring": [
        "metrics_dashboard", "logging", "drift_detector", "alerting", "ab_testing", "shadow_deployment",
    ],
    "privacy": ["access_control", "kms", "anonymizer", "differential_privacy"],
}  # fmt: skip

# A rule flags batch-tier blocks on synchronous request paths, so these tiers are part of the contract.
MUST_BE_ONLINE = [
    "relational_db", "kv_store", "vector_index", "online_feature_store", "cache", "message_queue",
    "api_gateway", "load_balancer", "online_inference", "candidate_generation",
]  # fmt: skip
MUST_BE_BATCH = [
    "data_warehouse", "hdfs", "data_lake", "object_storage", "offline_feature_store", "batch_etl",
    "training_pipeline", "labeling", "batch_prediction",
]  # fmt: skip

# Only data sources that really carry personal data start with pii = true.
PII_BY_DEFAULT = {"user_events", "transactional_db", "sensor_logs"}

ALL_KINDS = sorted(KINDS)


def test_catalog_has_enough_kinds_in_every_category() -> None:
    assert len(KINDS) >= 45
    assert len(CATEGORIES) == 11  # the ten of the palette and 'other' (generic boxes, mlsd.catalog.other)
    for category in CATEGORIES:
        assert kinds_in(category), f"category {category!r} has no kinds"


@pytest.mark.parametrize("category", sorted(EXPECTED))
def test_the_agreed_kind_ids_exist_in_their_category(category: str) -> None:
    ids = [k.kind for k in kinds_in(category)]
    missing = [kind for kind in EXPECTED[category] if kind not in ids]
    assert not missing, f"{category}: missing {missing}"


def test_each_module_holds_only_its_own_category() -> None:
    for module in catalog._MODULES:
        category = module.__name__.rsplit(".", 1)[-1]
        assert category in CATEGORIES
        assert {entry.category for entry in module.KINDS} == {category}


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_defaults_form_a_valid_block(kind: str) -> None:
    entry = KINDS[kind]
    block = Component(id="x", kind=kind, props=dict(entry.props))
    assert block.props == entry.props
    assert block.title == entry.label


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_kind_metadata_is_complete(kind: str) -> None:
    entry = KINDS[kind]
    assert entry.kind == kind
    assert entry.label.strip()
    assert entry.purpose.strip()
    assert entry.source.strip()
    assert "\n" not in entry.purpose and "\n" not in entry.source  # one line each
    assert entry.tier in ("online", "batch")
    assert entry.shape in GRAPHVIZ_SHAPES
    assert entry.category in CATEGORIES


@pytest.mark.parametrize("kind", [k for k in ALL_KINDS if "qps_per_replica" in KINDS[k].props])
def test_kinds_with_capacity_also_state_their_latency(kind: str) -> None:
    props = KINDS[kind].props
    assert "p99_ms" in props and "p50_ms" in props
    p50, p99 = props["p50_ms"], props["p99_ms"]
    assert isinstance(p50, int | float) and isinstance(p99, int | float)
    assert 0 < p50 <= p99
    assert "replicas" in props


@pytest.mark.parametrize("kind", MUST_BE_ONLINE)
def test_request_path_stores_and_services_are_online(kind: str) -> None:
    assert KINDS[kind].tier == "online"


@pytest.mark.parametrize("kind", MUST_BE_BATCH)
def test_offline_stores_and_jobs_are_batch(kind: str) -> None:
    assert KINDS[kind].tier == "batch"


def test_only_personal_data_sources_default_to_pii() -> None:
    with_pii = {kind for kind, entry in KINDS.items() if entry.props.get("pii") is True}
    assert with_pii == PII_BY_DEFAULT


def test_serving_latencies_are_ordered_as_the_literature_says() -> None:
    def p99(kind: str) -> float:
        value = KINDS[kind].props["p99_ms"]
        assert isinstance(value, int | float)
        return float(value)

    assert p99("load_balancer") <= p99("cache") < p99("online_feature_store") < p99("online_inference")
    assert p99("online_inference") < p99("transformer") < p99("data_warehouse")
    assert KINDS["transformer"].props.get("gpu") is True


def test_catalog_builds_cleanly_without_duplicates() -> None:
    assert list(catalog._build()) == list(KINDS)


def test_catalog_refuses_a_duplicate_kind(monkeypatch: pytest.MonkeyPatch) -> None:
    from mlsd.catalog import storage

    copy = Kind(
        kind="cache",  # already defined in serving
        label="Another cache",
        purpose="A second definition of an existing kind.",
        category="storage",
        tier="online",
        shape="cylinder",
        source="test",
    )
    monkeypatch.setattr(storage, "KINDS", [*storage.KINDS, copy])
    with pytest.raises(ValueError, match="'cache' is defined twice"):
        catalog._build()


def test_catalog_refuses_a_duplicate_within_one_module(monkeypatch: pytest.MonkeyPatch) -> None:
    from mlsd.catalog import privacy

    monkeypatch.setattr(privacy, "KINDS", [*privacy.KINDS, privacy.KINDS[0]])
    with pytest.raises(ValueError, match="defined twice"):
        catalog._build()

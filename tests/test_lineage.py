"""Lineage and freshness (mlsd.analysis.lineage): writers, online reads, and staleness along write paths."""

from __future__ import annotations

from mlsd.analysis.lineage import hop_minutes, lineage
from mlsd.model import Design
from tests.conftest import design_of


def B(id: str, kind: str, **props: object) -> dict:
    return {"id": id, "kind": kind, "label": id, "props": props}


def mk(blocks: list[dict], edges: list[tuple[str, str, str]]) -> Design:
    return design_of(blocks, [{"id": f"{s}-{t}", "source": s, "target": t, "flow": f} for s, t, f in edges])


def test_requests_are_reads_and_non_request_connections_are_writes():
    design = mk([B("app", "client"), B("svc", "online_inference"), B("kv", "kv_store"),
                 B("sp", "stream_processor")],
                [("app", "svc", "request"), ("svc", "kv", "request"), ("sp", "kv", "stream")])
    lin = lineage(design)
    assert lin.online_reads == {"kv": ("svc",)}
    assert lin.writers_of("kv") == ("sp",)
    assert "kv" not in lin.fresh  # the stream processor reads nothing: no source reaches the store


def test_keys_schedules_and_monitoring_are_not_writes():
    design = mk([B("kms", "kms"), B("orch", "orchestrator"), B("drift", "drift_detector"), B("kv", "kv_store")],
                [("kms", "kv", "batch"), ("orch", "kv", "batch"), ("drift", "kv", "stream")])
    assert lineage(design).writers_of("kv") == ()


def test_a_job_fed_only_a_model_reads_no_data():
    blocks = [B("lake", "data_lake"), B("train", "training_pipeline"), B("reg", "model_registry"),
              B("embed", "batch_prediction"), B("ann", "vector_index")]
    edges = [("lake", "train", "batch"), ("train", "reg", "batch"), ("reg", "embed", "batch"),
             ("embed", "ann", "batch")]
    assert "ann" not in lineage(mk(blocks, edges)).fresh  # the registry hands over a model, not items
    blocks.append(B("catalog", "transactional_db"))
    assert "ann" in lineage(mk(blocks, [*edges, ("catalog", "embed", "batch")])).fresh


def test_staleness_is_the_slowest_hop_of_the_freshest_path():
    # events -> stream (2 min) -> store, and events -> lake -> daily ETL -> hourly pipeline -> store
    blocks = [B("ev", "user_events", freshness_minutes=1), B("sp", "stream_processor", freshness_minutes=2),
              B("lake", "data_lake"), B("etl", "batch_etl", freshness_minutes=1440),
              B("fp", "feature_pipeline", freshness_minutes=60), B("ofs", "online_feature_store"),
              B("idx", "vector_index")]
    edges = [("ev", "sp", "stream"), ("sp", "ofs", "stream"), ("ev", "lake", "stream"), ("lake", "etl", "batch"),
             ("etl", "fp", "batch"), ("fp", "ofs", "batch"), ("fp", "idx", "batch")]
    lin = lineage(mk(blocks, edges))
    # hand-checked: the stream path's slowest hop is the 2-minute processor (the source's own minute is not
    # counted: staleness runs from when the source has the data); the batch path's is the daily ETL
    assert (lin.fresh["ofs"].minutes, lin.fresh["ofs"].slowest) == (2.0, "sp")
    assert (lin.fresh["idx"].minutes, lin.fresh["idx"].slowest) == (1440.0, "etl")
    assert lin.fresh["idx"].origin == "ev"


def test_on_a_tie_the_hop_nearer_the_reader_is_named():
    blocks = [B("db", "transactional_db"), B("etl", "batch_etl", freshness_minutes=1440),
              B("emb", "batch_prediction", freshness_minutes=1440), B("idx", "vector_index")]
    edges = [("db", "etl", "batch"), ("etl", "emb", "batch"), ("emb", "idx", "batch")]
    assert lineage(mk(blocks, edges)).fresh["idx"].slowest == "emb"


def test_a_training_pipeline_writing_what_is_served_delays_it_by_its_retrain_period():
    blocks = [B("ev", "user_events"), B("train", "training_pipeline", retrain_every_hours=6),
              B("emb", "embedding_store")]
    lin = lineage(mk(blocks, [("ev", "train", "stream"), ("train", "emb", "batch")]))
    assert (lin.fresh["emb"].minutes, lin.fresh["emb"].slowest) == (360.0, "train")


def test_kind_defaults_give_the_hop_when_the_block_declares_none():
    assert hop_minutes("batch_etl", {}, {"freshness_minutes": 1440}) == 1440
    assert hop_minutes("batch_etl", {"freshness_minutes": 30}, {"freshness_minutes": 1440}) == 30
    assert hop_minutes("kv_store", {"freshness_minutes": 30}, {}) == 0  # a store's freshness is a target


def test_cycles_such_as_log_and_wait_loops_terminate():
    blocks = [B("svc", "online_inference"), B("q", "message_queue"), B("logs", "logging"),
              B("sp", "stream_processor", freshness_minutes=5), B("ofs", "online_feature_store")]
    edges = [("svc", "q", "stream"), ("q", "logs", "stream"), ("logs", "q", "feedback"), ("q", "sp", "stream"),
             ("sp", "ofs", "stream")]
    assert lineage(mk(blocks, edges)).fresh["ofs"].minutes == 5.0


def test_an_unwritten_store_of_records_stands_for_existing_data_but_a_derived_view_does_not():
    blocks = [B("lake", "data_lake"), B("kv", "kv_store"), B("fp", "feature_pipeline"),
              B("ofs", "online_feature_store")]
    lin = lineage(mk(blocks, [("lake", "fp", "batch"), ("fp", "ofs", "batch"), ("kv", "fp", "batch")]))
    assert "lake" in lin.fresh and "kv" not in lin.fresh and "ofs" in lin.fresh
    assert "db" in lineage(mk([B("db", "relational_db")], [])).fresh  # the product's own records


def test_items_only_skips_user_events_and_serving_logs():
    blocks = [B("app", "client"), B("ev", "user_events"), B("svc", "online_inference"), B("logs", "logging"),
              B("sp", "stream_processor"), B("idx", "vector_index"), B("db", "transactional_db"),
              B("emb", "batch_prediction"), B("idx2", "vector_index")]
    edges = [("app", "ev", "stream"), ("ev", "sp", "stream"), ("svc", "logs", "stream"), ("logs", "sp", "feedback"),
             ("sp", "idx", "stream"), ("db", "emb", "batch"), ("emb", "idx2", "batch")]
    design = mk(blocks, edges)
    assert "idx" in lineage(design).fresh
    items = lineage(design, item_only=True)
    assert "idx" not in items.fresh  # interactions and impressions only
    assert items.fresh["idx2"].origin == "db"


"""Lineage, freshness and cold-start rules: DAT-7 (a writer for every store read online), DAT-8 (readers see data as
fresh as required), SRV-5 (new items and new users can be served)."""

from __future__ import annotations

from mlsd.model import Design
from mlsd.rules import REGISTRY, all_rules
from mlsd.rules.context import Context
from mlsd.rules.engine import RuleResult, run_rule
from tests.conftest import design_of

all_rules()


def run(rule_id: str, design: Design) -> RuleResult:
    return run_rule(REGISTRY[rule_id], Context(design))


def B(id: str, kind: str, label: str = "", **props: object) -> dict:
    return {"id": id, "kind": kind, "label": label or id, "props": props}


def mk(blocks: list[dict], edges: list[tuple[str, str, str]], **fields: object) -> Design:
    conns = [{"id": f"{s}-{t}-{f}", "source": s, "target": t, "flow": f} for s, t, f in edges]
    return design_of(blocks, conns, **fields)


APP, SVC = B("app", "client", "App"), B("svc", "online_inference", "Service")
SERVED = [("app", "svc", "request")]


# ------------------------------------------------------------------------------------------- DAT-7


def test_dat7_names_the_unwritten_store_and_its_reader():
    design = mk([APP, SVC, B("inbox", "kv_store", "Inbox")], [*SERVED, ("svc", "inbox", "request")])
    (finding,) = run("DAT-7", design).findings
    assert "'Inbox' is read online by 'Service' but nothing writes it" in finding.message
    assert finding.components[:2] == ("inbox", "svc")


def test_dat7_names_where_the_write_chain_stops():
    blocks = [APP, SVC, B("ann", "vector_index", "Index"), B("emb", "batch_prediction", "Embed job"),
              B("reg", "model_registry", "Registry")]
    edges = [*SERVED, ("svc", "ann", "request"), ("reg", "emb", "batch"), ("emb", "ann", "batch")]
    (finding,) = run("DAT-7", mk(blocks, edges)).findings
    assert "'Embed job' reads only a model (from 'Registry'), no data" in finding.message


def test_dat7_one_finding_for_stores_sharing_one_missing_writer():
    # the index is built from the metadata store; neither is written: one cause, one finding
    blocks = [APP, SVC, B("meta", "kv_store", "Metadata"), B("ann", "vector_index", "Index"),
              B("emb", "batch_prediction", "Embed job")]
    edges = [*SERVED, ("svc", "meta", "request"), ("svc", "ann", "request"), ("meta", "emb", "batch"),
             ("emb", "ann", "batch")]
    (finding,) = run("DAT-7", mk(blocks, edges)).findings
    assert finding.components[:2] == ("meta", "ann")
    assert "'Index', read online too, is filled from it" in finding.message


def test_dat7_accepts_a_service_writing_what_its_traffic_carries():
    design = mk([APP, SVC, B("counters", "kv_store", "Counters")],
                [*SERVED, ("svc", "counters", "request"), ("svc", "counters", "stream")])
    assert run("DAT-7", design).status == "passed"


def test_dat7_does_not_judge_sources_of_record_or_stores_read_offline():
    design = mk([APP, SVC, B("db", "transactional_db", "Payments DB"), B("kv", "kv_store", "Offline only")],
                [*SERVED, ("svc", "db", "request"), ("kv", "svc", "batch")])
    assert run("DAT-7", design).status == "not_applicable"


# ------------------------------------------------------------------------------------------- DAT-8


def indexed(embed_minutes: float, freshness: float | None, *extra: dict, edges: tuple = (), **index: object) -> Design:
    blocks = [APP, SVC, B("cand", "candidate_generation", "Retrieval"), B("ann", "vector_index", "Index", **index),
              B("db", "transactional_db", "Catalogue"),
              B("emb", "batch_prediction", "Embed job", freshness_minutes=embed_minutes), *extra]
    base = [*SERVED, ("svc", "cand", "request"), ("cand", "ann", "request"), ("db", "emb", "batch"),
            ("emb", "ann", "batch")]
    req = {} if freshness is None else {"freshness_minutes": freshness}
    return mk(blocks, [*base, *edges], requirements=req)


def test_dat8_names_the_slowest_hop_and_the_target():
    (finding,) = run("DAT-8", indexed(1440, 5)).findings
    assert finding.message == (
        "'Index' (read online by 'Retrieval') serves data at least 1,440 min old: new data reaches it only after "
        "'Embed job' (every 1,440 min), while requirements.freshness_minutes is 5 min.")
    assert finding.components == ("ann", "emb")


def test_dat8_passes_within_the_target_and_uses_the_store_own_target_first():
    assert run("DAT-8", indexed(60, 60)).status == "passed"
    assert run("DAT-8", indexed(1440, 5, freshness_minutes=1440)).status == "passed"
    (finding,) = run("DAT-8", indexed(60, 1440, freshness_minutes=30)).findings
    assert "its own freshness_minutes is 30 min" in finding.message


def test_dat8_a_fresh_source_beside_a_slow_index_serves_the_new_items():
    fresh = (B("fresh", "candidate_generation", "Fresh uploads"), B("recent", "kv_store", "Recent uploads"),
             B("sp", "stream_processor", "Upload stream", freshness_minutes=1))
    edges = (("cand", "fresh", "request"), ("fresh", "recent", "request"), ("db", "sp", "stream"),
             ("sp", "recent", "stream"))
    assert run("DAT-8", indexed(1440, 5, *fresh, edges=edges)).status == "passed"


def test_dat8_a_fresh_store_of_another_role_does_not_excuse_a_stale_index():
    # fresh features read by the service above a day-old candidate index: new items still wait a day
    extra = (B("kv", "kv_store", "Features"), B("sp", "stream_processor", "Stream", freshness_minutes=1))
    edges = (("svc", "kv", "request"), ("db", "sp", "stream"), ("sp", "kv", "stream"))
    result = run("DAT-8", indexed(1440, 5, *extra, edges=edges))
    assert [f.components[0] for f in result.findings] == ["ann"]


def test_dat8_cache_ttl_longer_than_the_requirement():
    cache = B("slates", "cache", "Slate cache", ttl_minutes=10)
    (finding,) = run("DAT-8", indexed(1, 5, cache, edges=(("svc", "slates", "request"),))).findings
    assert finding.message == ("'Slate cache' keeps answers for 10 min (ttl_minutes), so a reader can be served an "
                               "answer 10 min old while requirements.freshness_minutes is 5 min.")
    ok = B("slates", "cache", "Slate cache", ttl_minutes=5)
    assert run("DAT-8", indexed(1, 5, ok, edges=(("svc", "slates", "request"),))).status == "passed"


def test_dat8_a_cached_answer_is_its_ttl_plus_the_staleness_behind_the_cache():
    # the cache fronts retrieval over an index rebuilt every 2 min: a cached slate can be 4 + 2 = 6 min old
    def design(ttl: float) -> Design:
        cache = B("slates", "cache", "Slate cache", ttl_minutes=ttl)
        return indexed(2, 5, cache, edges=(("svc", "slates", "request"), ("slates", "cand", "request")))

    (finding,) = run("DAT-8", design(4)).findings
    assert "keeps answers for 4 min (ttl_minutes) on top of data at least 2 min old in 'Index'" in finding.message
    assert "an answer 6 min old" in finding.message and finding.components == ("slates", "ann")
    assert "Lower ttl_minutes of 'Slate cache' to 3 or less" in (finding.fix or "")
    assert run("DAT-8", design(3)).status == "passed"


def test_dat8_leaves_unwritten_stores_to_dat7_and_fast_features_to_dat3():
    design = mk([APP, SVC, B("inbox", "kv_store", "Inbox"), B("ofs", "online_feature_store", "Features"),
                 B("lake", "data_lake", "Lake"), B("fp", "feature_pipeline", "Daily", freshness_minutes=1440)],
                [*SERVED, ("svc", "inbox", "request"), ("svc", "ofs", "request"), ("lake", "fp", "batch"),
                 ("fp", "ofs", "batch")], requirements={"freshness_minutes": 5})
    assert run("DAT-8", design).status == "not_applicable"
    assert run("DAT-7", design).status == "failed"
    assert run("DAT-3", design).status == "failed"


def test_dat8_not_applicable_without_a_target():
    assert run("DAT-8", indexed(1440, None)).status == "not_applicable"


# ------------------------------------------------------------------------------------------- SRV-5


def recommender(*extra: dict, edges: tuple = (), tags: tuple = ("recsys",), name: str = "Home recommendations"
                ) -> Design:
    blocks = [APP, SVC, B("cand", "candidate_generation", "Retrieval"), B("ann", "vector_index", "Index"),
              B("ev", "user_events", "Events"), B("sp", "stream_processor", "Embeddings stream"), *extra]
    base = [*SERVED, ("svc", "cand", "request"), ("cand", "ann", "request"), ("app", "ev", "stream"),
            ("ev", "sp", "stream"), ("sp", "ann", "stream")]
    return mk(blocks, [*base, *edges], tags=list(tags), name=name)


POPULAR = B("popular", "heuristic_baseline", "Popular")


def test_srv5_one_finding_names_the_newcomers_not_served():
    (finding,) = run("SRV-5", recommender()).findings
    assert finding.message.startswith("'Retrieval' cannot serve new items ('Index' is written only from interactions")
    assert "nor new users" in finding.message


def test_srv5_a_popular_fallback_serves_new_users_by_default():
    (finding,) = run("SRV-5", recommender(POPULAR, edges=(("svc", "popular", "request"),))).findings
    assert "new items" in finding.message and "new users" not in finding.message


def test_srv5_a_baseline_not_called_online_does_not_count():
    result = run("SRV-5", recommender(POPULAR, edges=(("ev", "popular", "batch"),)))
    assert "new users" in result.findings[0].message


def test_srv5_content_path_or_declared_source_serves_new_items():
    content = (B("db", "transactional_db", "Catalogue"),)
    design = recommender(POPULAR, *content, edges=(("svc", "popular", "request"), ("db", "sp", "stream")))
    assert run("SRV-5", design).status == "passed"
    declared = B("fresh", "candidate_generation", "Fresh uploads", cold_start="new_items")
    design = recommender(POPULAR, declared, edges=(("svc", "popular", "request"), ("cand", "fresh", "request")))
    assert run("SRV-5", design).status == "passed"


def test_srv5_leaves_an_unwritten_candidate_store_to_dat7():
    design = mk([APP, SVC, B("cand", "candidate_generation"), B("inbox", "kv_store"), POPULAR],
                [*SERVED, ("svc", "cand", "request"), ("cand", "inbox", "request"), ("svc", "popular", "request")],
                tags=["feed"])
    assert run("SRV-5", design).status == "passed"


def test_srv5_applies_to_recommenders_only():
    assert run("SRV-5", recommender(tags=("search",), name="Video search")).status == "not_applicable"
    assert run("SRV-5", recommender(tags=(), name="Untitled")).status == "not_applicable"
    tower = B("tower", "two_tower", "User tower")
    untagged = recommender(tower, edges=(("cand", "tower", "request"),), tags=(), name="Untitled")
    assert run("SRV-5", untagged).status == "failed"  # personalised retrieval called online

"""The PostgreSQL backend's own behaviour: URLs and their errors, its migration runner, and the same answers as SQLite.

The store suite (test_store_*.py) already runs every store method on both backends; here: what only PostgreSQL
has (connection errors, advisory-locked migrations, schemas) and side-by-side comparisons of search and order.
"""

from __future__ import annotations

import multiprocessing

import psycopg
import pytest

from mlsd.model import Design
from mlsd.store import CheckSummary, Store, StoreError, open_store
from mlsd.store.postgres import describe, migrate, to_pyformat
from mlsd.store.schema import LATEST_VERSION, MIGRATIONS, Migration
from tests.postgres_server import Server
from tests.store_helpers import HOSTILE, make_design

FORK = multiprocessing.get_context("fork")


def _rows(url: str, sql: str) -> list[tuple]:
    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(sql).fetchall()


# ------------------------------------------------------------------ URLs and connection errors


def test_a_closed_port_is_one_clear_error_without_the_password(pg_server: Server) -> None:
    closed = pg_server.port + 1 if pg_server.port < 65535 else pg_server.port - 1
    url = f"postgresql://alice:s3cret-pw@127.0.0.1:{closed}/team_lib?connect_timeout=2"
    with pytest.raises(StoreError) as info:
        open_store(url)
    message = str(info.value)
    assert f"cannot connect to PostgreSQL database team_lib on 127.0.0.1:{closed}" in message
    assert "s3cret-pw" not in message and "\n" not in message


def test_a_missing_database_is_named(pg_server: Server) -> None:
    url = pg_server.url("no_such_library").replace("postgres@", "postgres:hunter2@")
    with pytest.raises(StoreError, match="no_such_library") as info:
        open_store(url)
    assert "hunter2" not in str(info.value) and "does not exist" in str(info.value)


def test_an_invalid_url_is_a_store_error() -> None:
    with pytest.raises(StoreError, match="not a valid PostgreSQL URL"):
        open_store("postgresql://me@db:notaport/lib?nonsense_option=1")
    assert describe("postgresql://u:pw@db.example:6543/lib") == "PostgreSQL database lib on db.example:6543"


def test_postgres_scheme_and_upper_case_work_too(postgres_url: str) -> None:
    with open_store("POSTGRES://" + postgres_url.split("://", 1)[1]) as s:
        assert s.path is None and s.schema_version == LATEST_VERSION


def test_placeholders_become_pyformat_leaving_quoted_text_alone() -> None:
    assert to_pyformat("SELECT ? , 'a?b', '50%', x LIKE '%' || ? FROM t WHERE y = ? % 2") == (
        "SELECT %s , 'a?b', '50%%', x LIKE '%%' || %s FROM t WHERE y = %s %% 2")
    assert to_pyformat("SELECT 'it''s ?'") == "SELECT 'it''s ?'"


def test_literal_question_marks_and_percents_reach_the_database(postgres_url: str) -> None:
    with open_store(postgres_url) as s, s.db.transaction(write=False) as tx:
        assert tx.fetchone("SELECT '?', '100%', ? || '%'", ("5",)) == ("?", "100%", "5%")
        assert tx.fetchone("SELECT '50%'") == ("50%",)


# ------------------------------------------------------------------ migrations


def test_schema_and_recorded_migrations(postgres_url: str) -> None:
    with open_store(postgres_url) as s:
        assert s.schema_version == LATEST_VERSION
    rows = _rows(postgres_url, "SELECT version, name FROM schema_migrations ORDER BY version")
    assert rows == [(m.version, m.name) for m in MIGRATIONS]
    tables = {r[0] for r in _rows(postgres_url, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}
    assert {"designs", "revisions", "shares", "practice_sessions", "schema_migrations"} <= tables


def _open_and_report(url: str, results) -> None:
    try:
        with open_store(url) as s:
            results.put(("ok", s.schema_version))
    except BaseException as exc:  # reported to the parent
        results.put(("error", repr(exc)))


def test_processes_opening_a_new_database_at_once_migrate_it_once(postgres_url: str) -> None:
    results = FORK.Queue()
    procs = [FORK.Process(target=_open_and_report, args=(postgres_url, results)) for _ in range(5)]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert outcomes == [("ok", LATEST_VERSION)] * 5
    assert _rows(postgres_url, "SELECT count(*) FROM schema_migrations") == [(len(MIGRATIONS),)]


def test_a_new_migration_runs_once_and_is_recorded(postgres_url: str) -> None:
    open_store(postgres_url).close()
    extra = (*MIGRATIONS, Migration(LATEST_VERSION + 1, "test table", ("CREATE TABLE test_extra (x INTEGER)",),
                                    ("CREATE TABLE test_extra (x INTEGER)",)))
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        assert migrate(conn, extra) == [LATEST_VERSION + 1]
        assert migrate(conn, extra) == []
    assert _rows(postgres_url, "SELECT name FROM schema_migrations ORDER BY version")[-1] == ("test table",)
    with pytest.raises(StoreError, match="newer"):
        open_store(postgres_url)  # this code knows one version less


def test_another_programs_tables_are_refused_and_nothing_is_written(postgres_url: str) -> None:
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(StoreError, match="invoices"):
        open_store(postgres_url)
    tables = _rows(postgres_url, "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    assert tables == [("invoices",)]


# ------------------------------------------------------------------ the same answers as SQLite


def _fill(store: Store) -> None:
    names = ["Homepage video recommendations", "Card fraud scoring", "News feed", "apple pie", "Apple Tart",
             "Éclair shop", "éclair bakery", "zebra", "Zulu", "_under", "10 nodes", "9 nodes", "Vídeo ranking"]
    for i, name in enumerate(names):
        design = make_design(name, notes=f"Note {i}: e-mail ops@example.com, café-bar, two-tower, naïve, p99",
                             gateway=f"Gateway {i % 3}", ranker="Two-tower retrieval" if i % 2 else "Ranker",
                             tags=["recsys", "Video"] if i % 3 == 0 else ["fraud"] if i % 3 == 1 else [])
        checks = CheckSummary(errors=i % 4, warnings=i % 3, score=None if i % 5 == 0 else 50 + (i * 7) % 40)
        store.create(design, checks=checks)
    data = make_design("Plain").model_dump()
    data["connections"][0]["label"] = "clickstream → Kafka"
    store.create(Design.model_validate(data))


QUERIES = ["video", "VIDEO", "vid", "vídeo", "video ranking", "two-tower", "two tower", "tower", "café", "cafe",
           "naive", "naïve", "example.com", "ops@example", "example", "p99", "p9", "note", "note 3", "eclair", "éclair",
           "Éclair", "kafka", "clickstream", "→", "appl", "10", "nodes", "feed news", "x", "gateway 2", *HOSTILE]


@pytest.fixture(scope="module")
def both(pg_server: Server, tmp_path_factory: pytest.TempPathFactory):
    from tests.postgres_server import fresh_schema

    with fresh_schema(pg_server) as url, open_store(tmp_path_factory.mktemp("cmp") / "lib.db") as lite, \
            open_store(url) as pg:
        _fill(lite)
        _fill(pg)
        yield lite, pg


@pytest.mark.parametrize("text", QUERIES)
def test_search_finds_the_same_designs_on_both(both: tuple[Store, Store], text: str) -> None:
    lite, pg = both
    found = [{d.name for d in s.list_designs(search=text, limit=None).items} for s in (lite, pg)]
    assert found[0] == found[1]


def test_the_comparison_searches_find_something(both: tuple[Store, Store]) -> None:
    lite, _ = both
    for text, expected in (("vid", 2), ("cafe", 13), ("eclair", 2), ("two-tower", 13), ("kafka", 1), ("p9", 13),
                           ("naive", 13), ("note 3", 1)):
        assert lite.list_designs(search=text).total == expected, text


@pytest.mark.parametrize("order", ["name", "score", "errors", "updated", "created"])
@pytest.mark.parametrize("trash", [False, True])
def test_orders_match_on_both(both: tuple[Store, Store], order: str, trash: bool) -> None:
    lite, pg = both
    if trash:
        for s in (lite, pg):  # the same two designs in the trash on each, then back
            for d in s.list_designs(order="name", limit=3).items[1:]:
                s.delete(d.id)
    try:
        pages = [s.list_designs(order=order, trash=trash, limit=None).items for s in (lite, pg)]  # type: ignore[arg-type]
        assert [(d.name, d.score, d.errors) for d in pages[0]] == [(d.name, d.score, d.errors) for d in pages[1]]
    finally:
        if trash:
            for s in (lite, pg):
                for d in s.list_designs(trash=True, limit=None).items:
                    s.restore(d.id)
    if order == "name" and not trash:  # SQLite's NOCASE: ASCII letters folded, then code points
        assert [d.name for d in pages[0]][:5] == ["10 nodes", "9 nodes", "_under", "apple pie", "Apple Tart"]


def test_tags_and_tag_filters_match_on_both(both: tuple[Store, Store]) -> None:
    lite, pg = both
    assert lite.tags() == pg.tags()
    for tag in ("recsys", "Video", "video", "fraud", "none"):
        assert ({d.name for d in lite.list_designs(tag=tag, limit=None).items}
                == {d.name for d in pg.list_designs(tag=tag, limit=None).items}), tag


def test_a_long_design_text_is_searchable_and_saves(postgres_url: str) -> None:
    notes = " ".join(f"w{i:05d}x" for i in range(11_000))[:100_000]  # notes at their limit, all distinct words
    with open_store(postgres_url) as pg:
        design_id = pg.create(make_design("Long", notes=notes)).design_id
        assert [d.id for d in pg.list_designs(search="w10999x").items] == [design_id]

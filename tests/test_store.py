"""The design library (mlsd.store): revisions, conflicts, crash safety, trash, shares, search, sessions.

Tests taking ``store`` or ``library_target`` (tests/conftest.py) run on both backends, SQLite and PostgreSQL; the
ones about the SQLite file itself (PRAGMAs, damaged files, its migration runner) take ``sqlite_store``/``tmp_db``.
PostgreSQL's own (URLs, its migration runner, advisory lock) are in test_store_postgres.py."""

from __future__ import annotations

import inspect
import multiprocessing
import os
import random
import signal
import sqlite3
import threading
import time
from pathlib import Path

import pytest
import sqlite_utils
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mlsd.io import DesignError
from mlsd.model import Design
from mlsd.rules import check
from mlsd.store import (
    CheckSummary,
    ConflictError,
    NotFound,
    ShareNotFound,
    Store,
    StoreError,
    default_path,
    fts_query,
    open_store,
)
from mlsd.store.dialect import ts_query
from mlsd.store.schema import LATEST_VERSION, MIGRATIONS, Migration
from mlsd.store.sqlite import migrate
from tests.conftest import design_of

FORK = multiprocessing.get_context("fork")


def make_design(name: str = "Video recs", *, notes: str = "", gateway: str = "Gateway", ranker: str = "Ranker",
                tags: list[str] | None = None, p99: float = 40) -> Design:
    return design_of(
        [
            {"id": "client", "kind": "client", "label": "Mobile app"},
            {"id": "gw", "kind": "api_gateway", "label": gateway},
            {"id": "inf", "kind": "online_inference", "label": ranker, "props": {"p99_ms": p99}},
        ],
        [
            {"id": "c1", "source": "client", "target": "gw", "flow": "request"},
            {"id": "c2", "source": "gw", "target": "inf", "flow": "request"},
        ],
        name=name, notes=notes, tags=tags or [], requirements={"sla_p99_ms": 200, "peak_qps": 1000},
    )


@pytest.fixture
def sqlite_store(tmp_db: Path):
    s = Store(tmp_db)
    yield s
    s.close()


def count_rows(store: Store, sql: str, *params: object) -> int:
    with store.db.read() as tx:
        row = tx.fetchone(sql, params)
    assert row is not None
    return int(row[0])


# ------------------------------------------------------------------ opening, schema, migrations


def test_wal_foreign_keys_and_recorded_schema_version(sqlite_store: Store, tmp_db: Path) -> None:
    store = sqlite_store
    assert store.db.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.schema_version == LATEST_VERSION
    rows = store.db.conn.execute("SELECT version, name FROM schema_migrations ORDER BY version").fetchall()
    assert rows == [(m.version, m.name) for m in MIGRATIONS]
    assert {"designs", "revisions", "shares", "practice_sessions"} <= set(sqlite_utils.Database(tmp_db).table_names())


def test_opening_twice_is_idempotent(tmp_db: Path) -> None:
    with Store(tmp_db) as first:
        design_id = first.create(make_design()).design_id
    with Store(tmp_db) as second, Store(tmp_db) as third:
        assert second.schema_version == third.schema_version == LATEST_VERSION
        assert migrate(second.db.conn) == []
        count = second.db.conn.execute("SELECT count(*) FROM schema_migrations").fetchone()[0]
        assert count == len(MIGRATIONS)
        assert third.open(design_id).number == 1


def test_a_new_migration_runs_once_and_is_recorded(sqlite_store: Store) -> None:
    store = sqlite_store
    extra = (*MIGRATIONS, Migration(LATEST_VERSION + 1, "test table", ("CREATE TABLE test_extra (x INTEGER)",)))
    assert migrate(store.db.conn, extra) == [LATEST_VERSION + 1]
    assert migrate(store.db.conn, extra) == []
    assert store.schema_version == LATEST_VERSION + 1
    names = [r[0] for r in store.db.conn.execute("SELECT name FROM schema_migrations ORDER BY version")]
    assert names[-1] == "test table"


def test_a_newer_schema_is_refused(tmp_db: Path) -> None:
    Store(tmp_db).close()
    with sqlite3.connect(tmp_db) as conn:
        conn.execute(f"PRAGMA user_version = {LATEST_VERSION + 5}")
    with pytest.raises(StoreError, match="newer"):
        Store(tmp_db)


def test_garbage_file_is_a_clear_store_error(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_bytes(b"this is not a database, just some text\n" * 200)
    with pytest.raises(StoreError) as info:
        Store(path)
    message = str(info.value)
    assert "\n" not in message
    assert str(path) in message and "not a valid SQLite database" in message and "MLSD_DB" in message
    assert path.read_bytes().startswith(b"this is not a database")  # left untouched


def test_damaged_database_pages_are_a_clear_store_error(tmp_path: Path) -> None:
    path = tmp_path / "lib.db"
    with Store(path) as s:
        s.import_designs([make_design(f"design {i}", notes="n" * 3000) for i in range(30)])
    size = path.stat().st_size
    assert size > 8 * 4096
    rng = random.Random(7)
    with path.open("r+b") as f:
        f.seek(2 * 4096)
        f.write(rng.randbytes(size - 2 * 4096))
    with pytest.raises(StoreError) as info:
        Store(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_a_folder_or_an_impossible_path_is_a_store_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="folder"):
        Store(tmp_path)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot create"):
        Store(blocker / "sub" / "lib.db")


def test_another_programs_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER)")
    with pytest.raises(StoreError, match="invoices"):
        Store(path)


def test_open_store_honours_mlsd_db_and_defaults_to_the_user_data_dir(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("MLSD_DB", str(tmp_path / "env" / "lib.db"))
    with open_store() as s:
        assert s.path == tmp_path / "env" / "lib.db"
    assert (tmp_path / "env" / "lib.db").exists()
    monkeypatch.delenv("MLSD_DB")
    import platformdirs

    monkeypatch.setattr(platformdirs, "user_data_dir", lambda app: str(tmp_path / "data" / app))
    assert default_path() == tmp_path / "data" / "mlsd-whiteboard" / "library.db"
    monkeypatch.setenv("MLSD_DB", " postgresql://me@db.example/lib ")
    assert default_path() == "postgresql://me@db.example/lib"  # a URL stays text (a Path would eat its '//')


# ------------------------------------------------------------------ revisions and conflicts


def test_revisions_are_numbered_and_hold_every_save(store: Store) -> None:
    first = store.create(make_design(p99=10), author="Ada")
    assert first.number == 1
    second = store.save(first.design_id, make_design(p99=20), base_revision=1, message="slower ranker")
    third = store.save(first.design_id, make_design(p99=30), base_revision=2, message="even slower")
    assert (second.number, third.number) == (2, 3)
    history = store.history(first.design_id)
    assert [r.number for r in history] == [1, 2, 3]
    assert [r.message for r in history] == ["created", "slower ranker", "even slower"]
    assert history[0].author == "Ada"
    for number, p99 in ((1, 10), (2, 20), (3, 30)):
        assert store.open(first.design_id, number).design.by_id()["inf"].props["p99_ms"] == p99
    assert store.open(first.design_id).number == 3
    assert store.get(first.design_id).revisions == 3


def test_a_stale_save_is_refused_and_nothing_is_overwritten(store: Store) -> None:
    design_id = store.create(make_design(p99=10)).design_id
    store.save(design_id, make_design(p99=20), base_revision=1)
    with pytest.raises(ConflictError) as info:
        store.save(design_id, make_design(p99=99), base_revision=1)
    assert info.value.latest_revision == 2 and info.value.base_revision == 1
    assert "revision 2" in str(info.value)
    assert [r.number for r in store.history(design_id)] == [1, 2]
    assert store.open(design_id).design.by_id()["inf"].props["p99_ms"] == 20
    with pytest.raises(ConflictError):
        store.save(design_id, make_design(), base_revision=7)


def test_checklist_summary_is_stored_with_each_revision(store: Store) -> None:
    design = make_design()
    expected = CheckSummary.from_report(check(design))
    rev = store.create(design)
    assert rev.checks == expected
    assert store.history(rev.design_id)[0].checks == expected
    row = store.get(rev.design_id)
    assert (row.errors, row.warnings, row.infos, row.score) == (
        expected.errors, expected.warnings, expected.infos, expected.score)
    given_summary = CheckSummary(errors=5, warnings=1, score=40)
    saved = store.save(rev.design_id, design, base_revision=1, checks=given_summary)
    assert store.history(rev.design_id)[1].checks == saved.checks == given_summary
    assert store.get(rev.design_id).errors == 5


def test_a_design_that_would_not_load_back_is_refused(store: Store) -> None:
    design = make_design()
    broken = design.model_copy(update={"name": "   "})  # model_copy skips validation
    with pytest.raises(DesignError):
        store.create(broken)
    assert store.list_designs().total == 0


def test_revisions_are_append_only_in_the_schema(store: Store) -> None:
    design_id = store.create(make_design()).design_id
    for sql in ("UPDATE revisions SET message = 'x' WHERE design_id = ?", "DELETE FROM revisions WHERE design_id = ?"):
        with pytest.raises(StoreError, match="append-only"), store.db.transaction() as tx:
            tx.execute(sql, (design_id,))
    assert store.history(design_id)[0].message == "created"
    assert count_rows(store, "SELECT count(*) FROM revisions WHERE design_id = ?", design_id) == 1


def test_rename_restore_and_duplicate_make_new_revisions(store: Store) -> None:
    design_id = store.create(make_design("Old name", p99=10)).design_id
    store.save(design_id, make_design("Old name", p99=50), base_revision=1)
    renamed = store.rename(design_id, "New name")
    assert renamed.number == 3 and "Old name" in renamed.message and "New name" in renamed.message
    assert store.get(design_id).name == "New name"
    restored = store.restore_revision(design_id, 1)
    assert restored.number == 4 and restored.message == "restored revision 1"
    assert store.open(design_id).design == store.open(design_id, 1).design
    with pytest.raises(ConflictError):
        store.restore_revision(design_id, 2, base_revision=3)
    with pytest.raises(DesignError):
        store.rename(design_id, "  ")
    copy = store.duplicate(design_id)
    assert copy.design_id != design_id and copy.number == 1 and copy.name == "Old name (copy)"
    assert store.open(copy.design_id).design.components == store.open(design_id).design.components
    assert len(store.history(design_id)) == 4


def test_unknown_designs_and_revisions_are_not_found(store: Store) -> None:
    design_id = store.create(make_design()).design_id
    for call in (lambda: store.open("nope"), lambda: store.open(design_id, 9), lambda: store.history("x y"),
                 lambda: store.save("nope", make_design(), base_revision=1), lambda: store.get("")):
        with pytest.raises(NotFound):
            call()


def _save_once(target: str, design_id: str, index: int, barrier, results) -> None:
    store = open_store(target)
    design = make_design(f"writer {index}", p99=index + 1)
    barrier.wait()
    try:
        rev = store.save(design_id, design, base_revision=1, message=f"writer {index}")
        results.put(("saved", index, rev.number))
    except ConflictError as exc:
        results.put(("conflict", index, exc.latest_revision))
    finally:
        store.close()


def test_concurrent_saves_on_the_same_base_exactly_one_wins(library_target: str) -> None:
    with open_store(library_target) as s:
        design_id = s.create(make_design("start")).design_id
    writers = 6
    barrier, results = FORK.Barrier(writers), FORK.Queue()
    procs = [FORK.Process(target=_save_once, args=(library_target, design_id, i, barrier, results))
             for i in range(writers)]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    saved = [o for o in outcomes if o[0] == "saved"]
    conflicts = [o for o in outcomes if o[0] == "conflict"]
    assert len(saved) == 1 and len(conflicts) == writers - 1
    assert saved[0][2] == 2 and all(c[2] == 2 for c in conflicts)
    with open_store(library_target) as s:
        history = s.history(design_id)
        assert [r.number for r in history] == [1, 2]
        assert history[1].message == f"writer {saved[0][1]}"
        assert s.open(design_id).design.name == f"writer {saved[0][1]}"


def _save_with_retries(target: str, design_id: str, index: int, saves: int, results) -> None:
    store = open_store(target)
    done = conflicts = 0
    while done < saves:
        latest = store.open(design_id)
        try:
            store.save(design_id, make_design(f"w{index}", p99=done + 1), base_revision=latest.number,
                       message=f"w{index}-{done}")
            done += 1
        except ConflictError:
            conflicts += 1
    results.put(conflicts)
    store.close()


def test_concurrent_writers_that_reload_on_conflict_lose_no_save(library_target: str) -> None:
    with open_store(library_target) as s:
        design_id = s.create(make_design("start")).design_id
    writers, saves = 4, 5
    results = FORK.Queue()
    procs = [FORK.Process(target=_save_with_retries, args=(library_target, design_id, i, saves, results))
             for i in range(writers)]
    for p in procs:
        p.start()
    [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0
    with open_store(library_target) as s:
        history = s.history(design_id)
    assert [r.number for r in history] == list(range(1, writers * saves + 2))
    assert {r.message for r in history[1:]} == {f"w{i}-{n}" for i in range(writers) for n in range(saves)}


def test_threads_sharing_one_store(store: Store) -> None:
    ids = [store.create(make_design(f"d{i}")).design_id for i in range(4)]
    errors: list[BaseException] = []

    def work(design_id: str) -> None:
        try:
            for n in range(1, 6):
                store.save(design_id, make_design(p99=n), base_revision=n)
                store.list_designs(search="ranker")
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert all(store.get(i).revisions == 6 for i in ids)


def _save_until_killed(target: str, design_id: str, conn) -> None:
    store = open_store(target)
    rng = random.Random(os.getpid())
    base = store.open(design_id).number
    i = 0
    while True:
        i += 1
        notes = f"payload {i} " + rng.randbytes(30_000).hex()[: rng.randint(1_000, 60_000)]
        rev = store.save(design_id, make_design("crash test", notes=notes), base_revision=base, message=f"save {i}")
        base = rev.number
        conn.send((rev.number, i))


def test_a_process_killed_while_writing_leaves_every_committed_revision(library_target: str) -> None:
    with open_store(library_target) as s:
        design_id = s.create(make_design("crash test")).design_id
    committed: dict[int, int] = {}
    for round_ in range(3):
        receiver, sender = FORK.Pipe(duplex=False)
        proc = FORK.Process(target=_save_until_killed, args=(library_target, design_id, sender))
        proc.start()
        sender.close()
        wanted = len(committed) + 10 + round_ * 5
        while len(committed) < wanted:
            number, i = receiver.recv()
            committed[number] = i
        time.sleep(random.uniform(0.0, 0.05))  # land the kill at an arbitrary point of a write
        os.kill(proc.pid, signal.SIGKILL)
        proc.join(timeout=30)
        assert proc.exitcode == -signal.SIGKILL
        while receiver.poll():
            try:
                number, i = receiver.recv()
            except EOFError:
                break
            committed[number] = i
        receiver.close()
        with open_store(library_target) as s:
            if s.path is not None:
                check_conn = sqlite3.connect(s.path)
                assert check_conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
                check_conn.close()
            numbers = [r.number for r in s.history(design_id)]
            assert numbers == list(range(1, len(numbers) + 1))
            for number, i in committed.items():
                assert s.open(design_id, number).design.notes.startswith(f"payload {i} ")


# ------------------------------------------------------------------ trash


def test_soft_delete_restore_and_hard_delete(store: Store) -> None:
    keep = store.create(make_design("keep")).design_id
    gone = store.create(make_design("gone")).design_id
    share = store.create_share(gone)
    session = store.start_session("video-recs")
    store.update_session(session.id, design_id=gone)
    store.delete(gone)
    assert [d.id for d in store.list_designs().items] == [keep]
    trash = store.list_designs(trash=True)
    assert [d.id for d in trash.items] == [gone] and trash.items[0].in_trash
    with pytest.raises(NotFound, match="trash"):
        store.save(gone, make_design(), base_revision=1)
    with pytest.raises(ShareNotFound):
        store.open_share(share.token)
    assert store.open(gone).design.name == "gone"  # still readable from the trash
    store.restore(gone)
    assert {d.id for d in store.list_designs().items} == {keep, gone}
    assert store.open_share(share.token).name == "gone"
    with pytest.raises(StoreError, match="not in the trash"):
        store.purge(gone, confirm=True)
    store.delete(gone)
    with pytest.raises(StoreError, match="confirm"):
        store.purge(gone)
    with pytest.raises(StoreError, match="confirm"):
        store.purge(gone, confirm="yes")  # type: ignore[arg-type]
    assert store.open(gone).number == 1
    store.purge(gone, confirm=True)
    with pytest.raises(NotFound):
        store.open(gone)
    assert count_rows(store, "SELECT count(*) FROM revisions WHERE design_id = ?", gone) == 0
    assert count_rows(store, "SELECT count(*) FROM shares WHERE design_id = ?", gone) == 0
    record = store.get_session(session.id)
    assert record.design_id is None and record.design_revision is None
    assert store.list_designs(trash=True).total == 0
    store.delete(keep)
    assert store.empty_trash(confirm=True) == 1
    assert store.list_designs().total == 0


# ------------------------------------------------------------------ sharing


def test_share_links_open_latest_or_pinned_read_only(store: Store) -> None:
    design_id = store.create(make_design("Shared", notes="v1", p99=10)).design_id
    latest = store.create_share(design_id)
    pinned = store.create_share(design_id, revision=1)
    assert len(latest.token) >= 32 and latest.token != pinned.token  # 32 random bytes, url-safe
    store.save(design_id, make_design("Shared", notes="v2", p99=20), base_revision=1)
    view = store.open_share(latest.token)
    assert (view.name, view.notes, view.revision, view.pinned) == ("Shared", "v2", 2, False)
    old = store.open_share(pinned.token)
    assert (old.notes, old.revision, old.pinned) == ("v1", 1, True)
    assert old.design == store.open(design_id, 1).design
    assert {s.id for s in store.list_shares(design_id)} == {latest.id, pinned.id}
    with pytest.raises(NotFound):
        store.create_share(design_id, revision=5)


def test_revoked_and_unknown_tokens_give_the_same_error(store: Store) -> None:
    design_id = store.create(make_design()).design_id
    share = store.create_share(design_id)
    store.revoke_share(share.id)
    errors = []
    for token in (share.token, share.token[:-1] + ("A" if share.token[-1] != "A" else "B"), "", "x" * 5000,
                  "' OR 1=1 --", None):
        with pytest.raises(ShareNotFound) as info:
            store.open_share(token)  # type: ignore[arg-type]
        errors.append(str(info.value))
    assert len(set(errors)) == 1
    assert store.list_shares(design_id) == []
    assert store.list_shares(design_id, include_revoked=True)[0].revoked_at is not None


def test_tokens_cannot_modify_anything(store: Store) -> None:
    design_id = store.create(make_design("Mine")).design_id
    share = store.create_share(design_id)
    # no method takes a token except open_share
    for name, method in inspect.getmembers(Store, inspect.isfunction):
        if name != "open_share":
            assert "token" not in inspect.signature(method).parameters, name
    # a token is not a design id: every write refuses it
    for write in (lambda: store.save(share.token, make_design("Hacked"), base_revision=1),
                  lambda: store.rename(share.token, "Hacked"), lambda: store.delete(share.token),
                  lambda: store.restore_revision(share.token, 1), lambda: store.create_share(share.token)):
        with pytest.raises(NotFound):
            write()
    with pytest.raises(NotFound):
        store.revoke_share(share.token)
    assert store.open_share(share.token).name == "Mine"
    assert store.get(design_id).revisions == 1


# ------------------------------------------------------------------ listing and search


@pytest.fixture
def library(store: Store) -> Store:
    store.create(make_design("Homepage video recommendations", gateway="Edge gateway", tags=["recsys", "video"]))
    store.create(make_design("Card fraud scoring", notes="Chargebacks arrive 60 days late", tags=["fraud"]))
    store.create(make_design("News feed", ranker="Two-tower retrieval", tags=["recsys"]))
    for i in range(12):
        store.create(make_design(f"Filler {i:02d}", ranker=f"Model {i}"))
    return store


def test_search_names_notes_and_labels(library: Store) -> None:
    def names(text: str) -> set[str]:
        return {d.name for d in library.list_designs(search=text, limit=None).items}

    assert names("video") == {"Homepage video recommendations"}
    assert names("chargebacks") == {"Card fraud scoring"}
    assert names("two-tower") == {"News feed"}
    assert names("edge") == {"Homepage video recommendations"}
    assert names("recommend") == {"Homepage video recommendations"}  # prefix
    assert names("video fraud") == set()  # every word is required
    assert names("FRAUD") == {"Card fraud scoring"}
    data = make_design("Plain").model_dump()
    data["connections"][0]["label"] = "clickstream"
    library.create(Design.model_validate(data))
    assert names("clickstream") == {"Plain"}  # connection labels too


HOSTILE = ['"', '""', "*", "video*", "OR", "video OR fraud", "NEAR(", "NEAR(video fraud)", "'; DROP TABLE designs; --",
           "video'", "(", ")", "-video", "name:video", "^video", "video AND", "NOT", "\\", "%", "_", "\x00",
           "a" * 10_000, "video\x00fraud", "🎬", "vídeo", '"video', "{video}", "+", ":", "col:\"x\"", "/* */"]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_search_strings_are_plain_words(library: Store, text: str) -> None:
    page = library.list_designs(search=text)
    assert page.total >= len(page.items)
    assert library.list_designs().total == 15  # nothing was dropped
    words = [w for w in text.split() if any(ch.isalnum() for ch in w)]
    if words == ["video"] or text in ('"video', "video'", "video*", "^video", "{video}"):
        assert {d.name for d in page.items} == {"Homepage video recommendations"}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=60))
def test_any_search_text_runs(library: Store, text: str) -> None:
    page = library.list_designs(search=text, limit=10)
    assert page.total >= len(page.items)


def test_fts_query_quotes_every_token() -> None:
    assert fts_query('say "hi" NEAR(x) OR *') == '"say"* """hi"""* "NEAR(x)"* "OR"*'
    assert fts_query("  *  ") is None


def test_postgres_tsquery_quotes_every_word_and_splits_at_punctuation_like_fts5() -> None:
    assert ts_query("it's a\\b & x") == "('it' <-> 's':*) & ('a' <-> 'b':*) & 'x':*"
    assert ts_query("Vídeo two-tower") == "'Video':* & ('two' <-> 'tower':*)"  # accents folded, as unicode61 does
    assert ts_query("  &  ") is None


def test_pagination_tags_and_order(library: Store) -> None:
    page = library.list_designs(limit=5, offset=0)
    assert page.total == 15 and len(page.items) == 5
    seen = [d.id for off in range(0, 15, 5) for d in library.list_designs(limit=5, offset=off).items]
    assert len(seen) == len(set(seen)) == 15
    assert library.list_designs(limit=5, offset=15).items == ()
    newest = page.items[0]
    assert newest.name == "Filler 11" and newest.updated_at >= page.items[1].updated_at
    recsys = library.list_designs(tag="recsys")
    assert recsys.total == 2 and {d.name for d in recsys.items} == {"Homepage video recommendations", "News feed"}
    assert library.list_designs(tag="recsys", search="feed").total == 1
    by_name = [d.name for d in library.list_designs(order="name", limit=3).items]
    assert by_name == ["Card fraud scoring", "Filler 00", "Filler 01"]
    assert dict(library.tags()) == {"recsys": 2, "video": 1, "fraud": 1}
    for bad in ({"limit": 0}, {"limit": 5000}, {"offset": -1}, {"order": "relevance"}, {"order": "id; DROP"}):
        with pytest.raises(StoreError):
            library.list_designs(**bad)  # type: ignore[arg-type]


def test_export_designs_round_trip(library: Store, tmp_path: Path) -> None:
    exported = list(library.export_designs(batch=4))
    assert len(exported) == 15
    with Store(tmp_path / "copy.db") as other:
        other.import_designs([d for _, d in exported])
        again = {d.name: d.model_dump() for _, d in other.export_designs()}
    assert again == {d.name: d.model_dump() for _, d in exported}


# ------------------------------------------------------------------ practice sessions


def test_practice_sessions(store: Store) -> None:
    design_id = store.create(make_design()).design_id
    session = store.start_session("video-recs", state={"phase": "requirements"})
    assert session.finished_at is None and session.state == {"phase": "requirements"}
    store.save(design_id, make_design(p99=5), base_revision=1)
    updated = store.update_session(session.id, state={"phase": "design"}, design_id=design_id)
    assert updated.design_revision == 2 and updated.state == {"phase": "design"}
    done = store.update_session(session.id, design_id=design_id, design_revision=1, rubric={"clarity": 3},
                                scores={"overall": 72.5}, finished=True)
    assert done.finished_at is not None and done.rubric == {"clarity": 3} and done.scores == {"overall": 72.5}
    assert done.design_revision == 1 and done.state == {"phase": "design"}
    store.start_session("fraud")
    assert [s.id for s in store.list_sessions(prompt_id="video-recs")] == [session.id]
    assert len(store.list_sessions()) == 2
    with pytest.raises(NotFound):
        store.update_session(session.id, design_id=design_id, design_revision=9)
    with pytest.raises(StoreError):
        store.update_session(session.id, state={"bad": float("nan")})
    store.delete_session(session.id)
    with pytest.raises(NotFound):
        store.get_session(session.id)

"""The design library (mlsd.store): opening, schema and migrations on the SQLite file (PRAGMAs, damaged or
foreign files, its migration runner) and where the library is (MLSD_DB, the user data folder).

These take ``sqlite_store``/``tmp_db``; PostgreSQL's own (URLs, its migration runner, advisory lock) are in
test_store_postgres.py.
"""

from __future__ import annotations

import random
import sqlite3
from pathlib import Path

import pytest
import sqlite_utils

from mlsd.store import Store, StoreError, default_path, open_store
from mlsd.store.schema import LATEST_VERSION, MIGRATIONS, Migration
from mlsd.store.sqlite import migrate
from tests.store_helpers import make_design


@pytest.fixture
def sqlite_store(tmp_db: Path):
    s = Store(tmp_db)
    yield s
    s.close()


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

"""The library database schema and its versioned migrations.

Each migration has a version (1, 2, 3, ...), a name, and statements for each backend (``sqlite``, ``postgres``),
and runs once, inside one transaction (``BEGIN IMMEDIATE`` on SQLite) that also records it in the
``schema_migrations`` table (and in ``PRAGMA user_version`` on SQLite; ``mlsd.store.sqlite.migrate`` runs them).
Opening a database runs whatever is pending, so opening it twice (or from two processes at once) is harmless: the second
opener finds the version already recorded. A database whose version is newer than this code knows is refused.
Never edit a migration once released; append a new one.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlsd.store import team_tables as team


@dataclass(frozen=True)
class Migration:
    """One schema step: its version, a short name, and the statements it runs on each backend.

    ``sqlite`` is run by ``mlsd.store.sqlite.migrate``; ``postgres`` by the PostgreSQL backend. Both describe the
    same tables, columns and constraints (the store's logic is shared); released ``sqlite`` statements never change.
    """

    version: int
    name: str
    sqlite: tuple[str, ...]
    postgres: tuple[str, ...] = ()


_V1 = (
    # One row per design: identity, trash state, and a summary of its latest revision (for the library table).
    # The revisions table is the source of truth; these columns are rewritten on every save. The row is kept
    # narrow (no notes) so that listing and paging stay fast with many designs.
    """
    CREATE TABLE designs (
        pk INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        tags TEXT NOT NULL DEFAULT '[]',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        deleted_at TEXT,
        latest_revision INTEGER NOT NULL CHECK (latest_revision >= 1),
        errors INTEGER NOT NULL DEFAULT 0,
        warnings INTEGER NOT NULL DEFAULT 0,
        infos INTEGER NOT NULL DEFAULT 0,
        score INTEGER
    )
    """,
    "CREATE INDEX designs_updated ON designs (deleted_at, updated_at)",
    # Append-only revisions: the full design JSON and the checklist summary computed when it was saved.
    """
    CREATE TABLE revisions (
        design_id TEXT NOT NULL REFERENCES designs (id) ON DELETE CASCADE,
        number INTEGER NOT NULL CHECK (number >= 1),
        created_at TEXT NOT NULL,
        message TEXT NOT NULL DEFAULT '',
        author TEXT,
        name TEXT NOT NULL,
        body TEXT NOT NULL,
        errors INTEGER NOT NULL DEFAULT 0,
        warnings INTEGER NOT NULL DEFAULT 0,
        infos INTEGER NOT NULL DEFAULT 0,
        waived INTEGER NOT NULL DEFAULT 0,
        score INTEGER,
        checks TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (design_id, number)
    )
    """,
    """
    CREATE TRIGGER revisions_append_only BEFORE UPDATE ON revisions
    BEGIN
        SELECT RAISE(ABORT, 'revisions are append-only');
    END
    """,
    # A revision may only disappear together with its design (hard delete from the trash).
    """
    CREATE TRIGGER revisions_keep BEFORE DELETE ON revisions
    WHEN EXISTS (SELECT 1 FROM designs WHERE id = OLD.design_id)
    BEGIN
        SELECT RAISE(ABORT, 'revisions are append-only');
    END
    """,
    # Read-only share links: to the latest revision (revision NULL) or a pinned one.
    """
    CREATE TABLE shares (
        id TEXT PRIMARY KEY,
        token TEXT NOT NULL UNIQUE,
        design_id TEXT NOT NULL REFERENCES designs (id) ON DELETE CASCADE,
        revision INTEGER,
        created_at TEXT NOT NULL,
        revoked_at TEXT
    )
    """,
    "CREATE INDEX shares_design ON shares (design_id)",
    # Interview-practice sessions.
    """
    CREATE TABLE practice_sessions (
        id TEXT PRIMARY KEY,
        prompt_id TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        state TEXT NOT NULL DEFAULT '{}',
        design_id TEXT REFERENCES designs (id) ON DELETE SET NULL,
        design_revision INTEGER,
        rubric TEXT,
        scores TEXT
    )
    """,
    "CREATE INDEX practice_sessions_prompt ON practice_sessions (prompt_id, started_at)",
    "CREATE INDEX practice_sessions_design ON practice_sessions (design_id)",
    # Full-text search over the latest revision's name, notes and block and connection labels: every new
    # revision (always the latest: revisions are append-only) replaces its design's entry.
    """
    CREATE VIRTUAL TABLE design_search USING fts5 (
        name, notes, labels, tokenize = 'unicode61 remove_diacritics 2'
    )
    """,
    """
    CREATE TRIGGER revisions_search AFTER INSERT ON revisions
    BEGIN
        DELETE FROM design_search WHERE rowid = (SELECT pk FROM designs WHERE id = NEW.design_id);
        INSERT INTO design_search (rowid, name, notes, labels)
        SELECT d.pk, NEW.name, coalesce(json_extract(NEW.body, '$.notes'), ''),
               coalesce((SELECT group_concat(json_extract(value, '$.label'), char(10))
                         FROM json_each(NEW.body, '$.components')), '') || char(10) ||
               coalesce((SELECT group_concat(json_extract(value, '$.label'), char(10))
                         FROM json_each(NEW.body, '$.connections')), '')
        FROM designs d WHERE d.id = NEW.design_id;
    END
    """,
    """
    CREATE TRIGGER designs_search_delete AFTER DELETE ON designs
    BEGIN
        DELETE FROM design_search WHERE rowid = OLD.pk;
    END
    """,
)

# The same schema on PostgreSQL: an identity pk, the search index as a tsvector table (GIN) kept by a trigger on new
# revisions instead of an FTS5 table, and plpgsql triggers that refuse changes to revisions. The tsvector has a table
# of its own, like FTS5's, so that the designs rows stay narrow (counting and paging 100,000 of them read little).
_V1_POSTGRES = (
    """
    CREATE TABLE designs (
        pk BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        tags TEXT NOT NULL DEFAULT '[]',
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        deleted_at TEXT,
        latest_revision INTEGER NOT NULL CHECK (latest_revision >= 1),
        errors INTEGER NOT NULL DEFAULT 0,
        warnings INTEGER NOT NULL DEFAULT 0,
        infos INTEGER NOT NULL DEFAULT 0,
        score INTEGER
    )
    """,
    # SQLite's index ends with the rowid (pk) implicitly; here it is written out, so that "newest first, then pk"
    # pages are read from the index instead of sorting every live design.
    "CREATE INDEX designs_updated ON designs (deleted_at, updated_at, pk)",
    """
    CREATE TABLE revisions (
        design_id TEXT NOT NULL REFERENCES designs (id) ON DELETE CASCADE,
        number INTEGER NOT NULL CHECK (number >= 1),
        created_at TEXT NOT NULL,
        message TEXT NOT NULL DEFAULT '',
        author TEXT,
        name TEXT NOT NULL,
        body TEXT NOT NULL,
        errors INTEGER NOT NULL DEFAULT 0,
        warnings INTEGER NOT NULL DEFAULT 0,
        infos INTEGER NOT NULL DEFAULT 0,
        waived INTEGER NOT NULL DEFAULT 0,
        score INTEGER,
        checks TEXT NOT NULL DEFAULT '{}',
        PRIMARY KEY (design_id, number)
    )
    """,
    # Updates are refused; a delete only together with its design (the cascade runs after the design is gone).
    """
    CREATE FUNCTION revisions_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'DELETE' AND NOT EXISTS (SELECT 1 FROM designs WHERE id = OLD.design_id) THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'revisions are append-only';
    END
    $$
    """,
    """
    CREATE TRIGGER revisions_append_only BEFORE UPDATE OR DELETE ON revisions
    FOR EACH ROW EXECUTE FUNCTION revisions_append_only()
    """,
    """
    CREATE TABLE shares (
        id TEXT PRIMARY KEY,
        token TEXT NOT NULL UNIQUE,
        design_id TEXT NOT NULL REFERENCES designs (id) ON DELETE CASCADE,
        revision INTEGER,
        created_at TEXT NOT NULL,
        revoked_at TEXT
    )
    """,
    "CREATE INDEX shares_design ON shares (design_id)",
    """
    CREATE TABLE practice_sessions (
        id TEXT PRIMARY KEY,
        prompt_id TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        state TEXT NOT NULL DEFAULT '{}',
        design_id TEXT REFERENCES designs (id) ON DELETE SET NULL,
        design_revision INTEGER,
        rubric TEXT,
        scores TEXT
    )
    """,
    "CREATE INDEX practice_sessions_prompt ON practice_sessions (prompt_id, started_at)",
    "CREATE INDEX practice_sessions_design ON practice_sessions (design_id)",
    # The search index: one row per design, dropped with it.
    """
    CREATE TABLE design_search (
        pk BIGINT PRIMARY KEY REFERENCES designs (pk) ON DELETE CASCADE,
        search TSVECTOR NOT NULL
    )
    """,
    "CREATE INDEX design_search_words ON design_search USING GIN (search)",
    # The searchable text as FTS5's unicode61 tokenizer (remove_diacritics 2) sees it: accents removed, punctuation
    # a word break (the ranges of mlsd.store.dialect.PG_SEPARATORS, whatever the database's LC_CTYPE), cut to
    # 200,000 characters (a tsvector holds at most 1 MB). Not unaccent: that extension is not always installed.
    r"""
    CREATE FUNCTION mlsd_search_text(t TEXT) RETURNS TEXT LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
        SELECT regexp_replace(
            normalize(regexp_replace(normalize(left(t, 200000), NFD), '[\u0300-\u036f]', '', 'g'), NFC),
            '[\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\x7f\u00a0-\u00bf\u2000-\u206f\u3000-\u303f]+', ' ', 'g')
    $$
    """,
    # Every new revision (always the latest) replaces its design's search vector: name, notes, labels. The body is
    # read as json, not jsonb (jsonb refuses the \u0000 that a prop's text may hold).
    """
    CREATE FUNCTION revisions_search() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        body JSON := NEW.body::json;
    BEGIN
        INSERT INTO design_search (pk, search)
        SELECT d.pk, to_tsvector('simple', mlsd_search_text(
            NEW.name || E'\\n' || coalesce(body ->> 'notes', '') || E'\\n' ||
            coalesce((SELECT string_agg(c ->> 'label', E'\\n')
                      FROM json_array_elements(coalesce(body -> 'components', '[]'::json)) c), '') || E'\\n' ||
            coalesce((SELECT string_agg(c ->> 'label', E'\\n')
                      FROM json_array_elements(coalesce(body -> 'connections', '[]'::json)) c), '')))
        FROM designs d WHERE d.id = NEW.design_id
        ON CONFLICT (pk) DO UPDATE SET search = EXCLUDED.search;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE TRIGGER revisions_search AFTER INSERT ON revisions
    FOR EACH ROW EXECUTE FUNCTION revisions_search()
    """,
)

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "designs, revisions, shares, practice sessions, search", _V1, _V1_POSTGRES),
    Migration(2, "workspaces, members, the workspace of each design", team.V2, team.V2_POSTGRES),
    Migration(3, "presence: who has a design open", team.V3_PRESENCE, team.V3_PRESENCE),
    Migration(4, "review comments, audit log, share expiry", team.V4, team.V4_POSTGRES),
    Migration(5, "practice sessions: who they belong to", team.V5_SESSION_OWNER, team.V5_SESSION_OWNER),
)

OUR_TABLES = frozenset({"designs", "revisions", "shares", "practice_sessions", "schema_migrations", "workspaces",
                        "members", "presence", "comment_threads", "comments", "audit_log",
                        "design_search"})


def _check_sequence(migrations: tuple[Migration, ...]) -> None:
    versions = [m.version for m in migrations]
    if versions != list(range(1, len(migrations) + 1)):
        raise ValueError(f"migrations must be numbered 1, 2, 3, ... without gaps or repeats; got {versions}")
    names = [m.name for m in migrations]
    if len(set(names)) != len(names):
        raise ValueError("two migrations have the same name")


_check_sequence(MIGRATIONS)
LATEST_VERSION = MIGRATIONS[-1].version


class SchemaError(Exception):
    """The database's schema cannot be used by this version of the code."""

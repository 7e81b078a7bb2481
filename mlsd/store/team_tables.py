"""The statements of the team edition's migrations (issue 14), for both backends: workspaces and members (2),
presence (3), review comments, the audit log and share expiry (4), owners of practice sessions (5).

``mlsd.store.schema`` lists them as ``Migration``s, after migration 1 (the library itself). Never edit a released
migration; append a new one there.
"""

from __future__ import annotations

# Workspaces and their members (sign-in, issue 14): every design belongs to one workspace; a member is a person
# (their e-mail, lower-cased, or the provider's subject when it gives no e-mail) with one role. The designs made
# before this migration go to the workspace 'local' ("Local"), which is also where every design goes when the app
# runs without sign-in. ``designs.workspace_id`` has no REFERENCES clause: SQLite cannot add a column with a
# foreign key and a non-NULL default to an existing table, so the store checks it (a workspace is deleted only when
# it holds no design, and a new design holds its workspace row: ``mlsd.store.workspaces``).
_LOCAL_WORKSPACE = "INSERT INTO workspaces (id, name, created_at) VALUES ('local', 'Local', {stamp})"
_V2_TABLES = (
    """
    CREATE TABLE workspaces (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        created_at TEXT NOT NULL
    )
    """,
    """
    CREATE TABLE members (
        workspace_id TEXT NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
        person TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('viewer', 'editor', 'owner')),
        added_at TEXT NOT NULL,
        PRIMARY KEY (workspace_id, person)
    )
    """,
    "CREATE INDEX members_person ON members (person)",
    "ALTER TABLE designs ADD COLUMN workspace_id TEXT NOT NULL DEFAULT 'local'",
    "CREATE INDEX designs_workspace ON designs (workspace_id, deleted_at, updated_at)",
)
V2 = (*_V2_TABLES, _LOCAL_WORKSPACE.format(stamp="strftime('%Y-%m-%dT%H:%M:%fZ', 'now')"))
V2_POSTGRES = (*_V2_TABLES, _LOCAL_WORKSPACE.format(
    stamp="""to_char(clock_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""))

# Who has a design open (issue 14): one row per browser session and design, stamped at each heartbeat; a row not
# stamped for a while is stale (``mlsd.store.presence``). Plain SQL, the same on both backends.
V3_PRESENCE = (
    """
    CREATE TABLE presence (
        design_id TEXT NOT NULL REFERENCES designs (id) ON DELETE CASCADE,
        session_id TEXT NOT NULL,
        who TEXT NOT NULL,
        seen_at TEXT NOT NULL,
        PRIMARY KEY (design_id, session_id)
    )
    """,
    "CREATE INDEX presence_seen ON presence (design_id, seen_at)",
    "CREATE INDEX presence_session ON presence (session_id)",
)

# Review comments (issue 14 item 3), the audit log (item 6) and share links that expire or show comments.
# A thread is anchored on a block, a connection or a finding (``rule@blocks``, ``mlsd.rules.Finding.id``) of one
# design and keeps the revision it was made on; its comments are replies in order. Resolving stamps the thread.
# The audit log is append-only (triggers refuse UPDATE and DELETE) and has no foreign key: a purged design's
# entries stay. Booleans are INTEGER 0/1 on both backends. The PostgreSQL statements were tried with psql on
# PostgreSQL 15 (the logic's inserts and selects, the anchor check, append-only refusals, purge cascade).
_V4_TABLES = (
    """
    CREATE TABLE comment_threads (
        id TEXT PRIMARY KEY,
        design_id TEXT NOT NULL REFERENCES designs (id) ON DELETE CASCADE,
        anchor_kind TEXT NOT NULL CHECK (anchor_kind IN ('block', 'connection', 'finding')),
        anchor TEXT NOT NULL,
        revision INTEGER NOT NULL CHECK (revision >= 1),
        created_at TEXT NOT NULL,
        author TEXT,
        resolved_at TEXT,
        resolved_by TEXT
    )
    """,
    "CREATE INDEX comment_threads_design ON comment_threads (design_id, created_at)",
    """
    CREATE TABLE comments (
        id TEXT PRIMARY KEY,
        thread_id TEXT NOT NULL REFERENCES comment_threads (id) ON DELETE CASCADE,
        created_at TEXT NOT NULL,
        author TEXT,
        body TEXT NOT NULL
    )
    """,
    "CREATE INDEX comments_thread ON comments (thread_id, created_at)",
    """
    CREATE TABLE audit_log (
        id TEXT PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT,
        action TEXT NOT NULL,
        design_id TEXT,
        target TEXT,
        detail TEXT NOT NULL DEFAULT ''
    )
    """,
    "CREATE INDEX audit_log_design ON audit_log (design_id, at)",
    "ALTER TABLE shares ADD COLUMN expires_at TEXT",
    "ALTER TABLE shares ADD COLUMN show_comments INTEGER NOT NULL DEFAULT 0",
)

V4 = (
    *_V4_TABLES,
    """
    CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN
        SELECT RAISE(ABORT, 'the audit log is append-only');
    END
    """,
    """
    CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN
        SELECT RAISE(ABORT, 'the audit log is append-only');
    END
    """,
)

V4_POSTGRES = (
    *_V4_TABLES,
    """
    CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'the audit log is append-only';
    END
    $$
    """,
    """
    CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only()
    """,
)

# Practice sessions belong to the person who started them (issue 14): rows from before are the local user's.
# Plain SQL, the same on both backends (tried on PostgreSQL 15 over a migration-4 database with a session in it).
V5_SESSION_OWNER = (
    "ALTER TABLE practice_sessions ADD COLUMN person TEXT NOT NULL DEFAULT 'local'",
    "CREATE INDEX practice_sessions_person ON practice_sessions (person, started_at)",
)

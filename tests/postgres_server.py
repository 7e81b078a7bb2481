"""A throwaway PostgreSQL server for the store tests, started from the PostgreSQL binaries by pytest-postgresql.

``pg_ctl`` is looked up on PATH, then in ``/usr/lib/postgresql/<version>/bin`` (where Debian's ``postgresql``
package puts it, off PATH). initdb and the server refuse to run as root (CI runs as root): then they run as the
``postgres`` user (Debian's package creates it) or ``nobody``, through a small ``runuser`` wrapper handed to
pytest-postgresql's ``PostgreSQLExecutor`` as its ``pg_ctl``, with the data directory owned by that user.

Each test gets its own schema in one database (``schema_url``): creating a schema is much cheaper than a database,
and the library lives in the connection's current schema (``options=-csearch_path=...``).
"""

from __future__ import annotations

import glob
import os
import pwd
import re
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

DATABASE = "mlsd_tests"
SUPERUSER = "postgres"


def find_pg_ctl() -> str | None:
    """``pg_ctl`` on PATH, else the newest ``/usr/lib/postgresql/*/bin/pg_ctl``, else None."""
    found = shutil.which("pg_ctl")
    if found:
        return found

    def version(path: str) -> int:
        match = re.search(r"/postgresql/(\d+)/", path)
        return int(match.group(1)) if match else 0

    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=version, reverse=True)
    return candidates[0] if candidates else None


def _unprivileged_user() -> str:
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
            return name
        except KeyError:
            continue
    raise RuntimeError("running as root and neither a 'postgres' nor a 'nobody' user exists to run PostgreSQL")


@dataclass(frozen=True)
class Server:
    host: str
    port: int

    def url(self, dbname: str = DATABASE, schema: str | None = None) -> str:
        url = f"postgresql://{SUPERUSER}@{self.host}:{self.port}/{dbname}"
        return url if schema is None else url + "?options=" + quote(f"-csearch_path={schema}")


@contextmanager
def running_server(pg_ctl: str, *, durable: bool = False) -> Iterator[Server]:
    """Start a fresh server on a free port (as an unprivileged user when we are root); stop and remove it after.

    Not ``durable`` (the tests): fsync off, commits do not wait for the disk. Durable (the benchmarks): defaults."""
    import port_for
    from pytest_postgresql.executors import PostgreSQLExecutor

    base = Path(tempfile.mkdtemp(prefix="mlsd-pg-"))
    executable = pg_ctl
    if os.geteuid() == 0:
        user = pwd.getpwnam(_unprivileged_user())
        os.chown(base, user.pw_uid, user.pw_gid)
        wrapper = base / "pg_ctl"
        wrapper.write_text(f'#!/bin/sh\nexec runuser -u {user.pw_name} -- "{pg_ctl}" "$@"\n', encoding="utf-8")
        wrapper.chmod(0o755)
        executable = str(wrapper)
    port = port_for.select_random()
    executor = PostgreSQLExecutor(
        executable=executable, host="127.0.0.1", port=port, datadir=str(base / "data"), unixsocketdir=str(base),
        logfile=str(base / "server.log"), startparams="-w -t 180", dbname=DATABASE, user=SUPERUSER,
        postgres_options="-c max_connections=200" + ("" if durable else " -c fsync=off -c full_page_writes=off"),
        timeout=120,
    )
    try:
        executor.start()
        server = Server("127.0.0.1", port)
        with _first_connection(server.url("postgres")) as conn:
            conn.execute(f"CREATE DATABASE {DATABASE} ENCODING 'UTF8' TEMPLATE template0")
        yield server
    finally:
        try:
            executor.stop()
        finally:
            shutil.rmtree(base, ignore_errors=True)


def _first_connection(url: str, wait_s: float = 180.0) -> Any:
    """A connection to a server that may still be starting up (a loaded machine can take a while)."""
    import psycopg

    deadline = time.monotonic() + wait_s
    while True:
        try:
            return psycopg.connect(url, autocommit=True)
        except psycopg.OperationalError as exc:
            if "starting up" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@contextmanager
def fresh_schema(server: Server) -> Iterator[str]:
    """A new empty schema for one test, dropped (with everything in it) afterwards; yields the URL using it."""
    import psycopg

    schema = "t_" + secrets.token_hex(6)
    with psycopg.connect(server.url(), autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield server.url(schema=schema)
    finally:
        with psycopg.connect(server.url(), autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")

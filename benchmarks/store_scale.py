"""The library at team scale: 100,000 designs on PostgreSQL (and SQLite beside it), save / open / search timed.

    python benchmarks/store_scale.py [--designs 100000] [--repeat 300] [--backend both|postgres|sqlite]
                                     [--url postgresql://...] [--json]

Fills each library in bulk (PostgreSQL: COPY; SQLite: executemany in one transaction; the search index is kept by
the schema's own triggers as rows arrive) with ``store_bench``'s realistic 25-block designs: 200 distinct designs
built and checked once, then given their own name, notes and (one in a hundred) the label "Zebrafish ranker".
Then times single calls through the ``Store`` API, median and p99 in milliseconds:
``save`` (a new revision of a random design, checklist summary given, as the Board saves it after its checks;
``save_with_checks`` runs the checklists too), ``open`` (the latest revision of a random design), ``search``
(a rare word, 1% of designs; page of 50 and its total), ``search_common`` (a word in nearly every design: the
worst case: every match counted, the 1,000 newest ranked; a tenth of the repeats), ``list`` (a random page of 50
by last saved, read by keyset cursor as the Library page's pager does) and ``list_offset`` (the same with OFFSET,
as before keyset paging). Targets (issue 14): save <= 10 ms, open <= 10 ms, search <= 50 ms.

Without ``--url`` a throwaway PostgreSQL server is started (``tests.postgres_server``: pg_ctl on PATH or in
/usr/lib/postgresql/*/bin) with its default, durable settings (a commit waits for the disk, as SQLite's do).
``--json`` prints one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.store_bench import PARTS, WORDS, make_design
from mlsd.io import dumps
from mlsd.model import Design
from mlsd.store import CheckSummary, Store, open_store, summarize
from mlsd.store.handle import new_id
from mlsd.store.keyset import Cursor

TARGETS_MS = {"save": 10.0, "open": 10.0, "search": 50.0}
TEMPLATES = 200
COMMON = "video"  # one of store_bench.WORDS: in the notes (40 random words) of nearly every design


def rows(n: int, templates: list[tuple[Design, CheckSummary]], rng: random.Random
         ) -> Iterator[tuple[tuple[Any, ...], tuple[Any, ...]]]:
    """(designs row, revisions row) for ``n`` designs made from the templates."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    bases = [(json.loads(dumps(d)), c) for d, c in templates]
    for i in range(n):
        data, checks = bases[i % len(bases)]
        data = dict(data)
        topic, part = rng.choice(WORDS), rng.choice(PARTS)
        data["name"] = f"{topic.title()} {part} #{i}"
        data["tags"] = [topic, part]
        data["notes"] = f"Design {i} for {topic} {part}. " + " ".join(rng.choices(WORDS + PARTS, k=40))
        if i % 100 == 0:
            data["components"] = [dict(c, label="Zebrafish ranker") if c["id"] == "rank" else c
                                  for c in data["components"]]
        body = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
        stamp = (start + timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        design_id = new_id()
        yield ((design_id, data["name"], data.get("description", ""), json.dumps(data["tags"]), stamp, stamp, 1,
                checks.errors, checks.warnings, checks.infos, checks.score),
               (design_id, 1, stamp, "bulk load", None, data["name"], body, checks.errors, checks.warnings,
                checks.infos, checks.waived, checks.score, checks.to_json()))


DESIGN_COLUMNS = ("id, name, description, tags, created_at, updated_at, latest_revision, errors, warnings, infos, "
                  "score")
REVISION_COLUMNS = ("design_id, number, created_at, message, author, name, body, errors, warnings, infos, waived, "
                    "score, checks")


def bulk_load(store: Store, target: str, n: int, templates: list[tuple[Design, CheckSummary]]) -> None:
    rng = random.Random(7)
    if store.path is not None:  # SQLite: one transaction, executemany
        with store.db.transaction() as tx:
            conn = tx.conn  # type: ignore[attr-defined]
            for chunk in _chunks(rows(n, templates, rng), 5_000):
                conn.executemany(f"INSERT INTO designs ({DESIGN_COLUMNS}) VALUES ({', '.join('?' * 11)})",
                                 [d for d, _ in chunk])
                conn.executemany(f"INSERT INTO revisions ({REVISION_COLUMNS}) VALUES ({', '.join('?' * 13)})",
                                 [r for _, r in chunk])
        return
    import psycopg

    with psycopg.connect(target) as conn, conn.cursor() as cur:
        for chunk in _chunks(rows(n, templates, rng), 5_000):
            with cur.copy(f"COPY designs ({DESIGN_COLUMNS}) FROM STDIN") as copy:
                for d, _ in chunk:
                    copy.write_row(d)
            with cur.copy(f"COPY revisions ({REVISION_COLUMNS}) FROM STDIN") as copy:
                for _, r in chunk:
                    copy.write_row(r)
    with psycopg.connect(target, autocommit=True) as conn:  # what autovacuum does soon after a bulk load
        conn.execute("VACUUM (ANALYZE) designs, revisions, design_search")


def _chunks(items: Iterator[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def timings(func: Callable[[int], object], repeat: int) -> dict[str, float]:
    times = []
    for i in range(repeat):
        start = time.perf_counter()
        func(i)
        times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return {"median": round(statistics.median(times), 2), "p99": round(times[min(len(times) - 1,
                                                                                 int(len(times) * 0.99))], 2)}


def measure(target: str, n: int, repeat: int, templates: list[tuple[Design, CheckSummary]]) -> dict[str, Any]:
    store = open_store(target)
    t0 = time.perf_counter()
    bulk_load(store, target, n, templates)
    load_s = time.perf_counter() - t0
    print(f"{target.split('://')[0]}: {n:,} designs loaded in {load_s:.1f} s", file=sys.stderr)
    ids = [d.id for d in store.list_designs(limit=None).items]
    assert len(ids) == n, (len(ids), n)
    rng = random.Random(42)
    base = {i: 1 for i in ids}
    facts = {"designs": n, "load_s": round(load_s, 1),
             "search_hits": store.list_designs(search="zebrafish", limit=1).total,
             "common_hits": store.list_designs(search=COMMON, limit=1).total}

    with store.db.read() as tx:  # the cursors the Library page's "Next" would hold, at every depth
        keys = tx.fetchall("SELECT updated_at, pk FROM designs WHERE deleted_at IS NULL ORDER BY updated_at DESC, "
                           "pk DESC")
    cursors = [Cursor("updated", "after", 0, tuple(keys[k]), k + 1).encode() for k in range(49, len(keys) - 1, 50)]

    def save(i: int, checks: bool = False) -> None:
        design_id = ids[rng.randrange(len(ids))]
        design, summary = templates[i % len(templates)]
        rev = store.save(design_id, design, base_revision=base[design_id], message=f"bench {i}",
                         checks=None if checks else summary)
        base[design_id] = rev.number

    results = {
        "open": timings(lambda i: store.open(ids[rng.randrange(len(ids))]), repeat),
        "search": timings(lambda i: store.list_designs(search="zebrafish", limit=50), repeat),
        "search_common": timings(lambda i: store.list_designs(search=COMMON, limit=50), max(10, repeat // 10)),
        "list": timings(lambda i: store.list_designs(limit=50, cursor=rng.choice(cursors)), repeat),
        "list_offset": timings(lambda i: store.list_designs(limit=50, offset=50 * rng.randrange(len(ids) // 50)),
                               repeat),
        "save": timings(save, repeat),
        "save_with_checks": timings(lambda i: save(i, True), max(20, repeat // 5)),
    }
    store.close()
    return {"results": results, "facts": facts}


@contextmanager
def postgres_target(url: str | None) -> Iterator[str]:
    if url:
        yield url
        return
    from tests.postgres_server import find_pg_ctl, fresh_schema, running_server

    pg_ctl = find_pg_ctl()
    if pg_ctl is None:
        raise SystemExit("no PostgreSQL here (pg_ctl): pass --url or install postgresql")
    with running_server(pg_ctl, durable=True) as server, fresh_schema(server) as schema_url:
        yield schema_url


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--designs", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--backend", choices=("both", "postgres", "sqlite"), default="both")
    parser.add_argument("--url", default=None, help="an empty PostgreSQL database or schema (default: a throwaway "
                                                    "server)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rng = random.Random(42)
    t0 = time.perf_counter()
    templates = [(d, summarize(d)) for d in (make_design(i, rng) for i in range(TEMPLATES))]
    print(f"{TEMPLATES} template designs built and checked in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    report: dict[str, Any] = {}
    with ExitStack() as stack:
        backends = ["postgres", "sqlite"] if args.backend == "both" else [args.backend]
        for backend in backends:
            if backend == "sqlite":
                target = str(Path(stack.enter_context(tempfile.TemporaryDirectory())) / "scale.db")
            else:
                target = stack.enter_context(postgres_target(args.url))
            report[backend] = measure(target, args.designs, args.repeat, templates)
            facts = report[backend]["facts"]
            print(f"\n{backend}: {facts['designs']:,} designs loaded in {facts['load_s']} s; 'zebrafish' in "
                  f"{facts['search_hits']:,}, '{COMMON}' in {facts['common_hits']:,}")
            out = io.StringIO()
            out.write(f"{'call':<18} {'median ms':>10} {'p99 ms':>8} {'target':>8}\n")
            for name, t in report[backend]["results"].items():
                target_ms = TARGETS_MS.get(name)
                out.write(f"{name:<18} {t['median']:>10.2f} {t['p99']:>8.2f} "
                          f"{('<= ' + format(target_ms, 'g')) if target_ms else '':>8}\n")
            print(out.getvalue(), end="")
    if args.json:
        print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())

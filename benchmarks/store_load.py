"""Many clients saving and opening designs at once: throughput, p50/p99, and afterwards nothing lost or hidden.

    python -m benchmarks.store_load [--db PATH_OR_URL | --postgres] [--clients 50] [--seconds 60] [--designs 10]
                                    [--json]

Each client is its own **process** (so SQLite sees real cross-process lock contention, and PostgreSQL real
concurrent connections), with its own store opened on ``--db`` (a SQLite file, default a temporary one, or a
``postgresql://`` URL; ``--postgres`` starts a throwaway durable server, as ``store_scale`` does). The library is
seeded with ``--designs`` designs of ~25 blocks at revision 2; then, for ``--seconds``, every client loops: open the
latest revision of a random design, and half the time save a change to it (new notes naming the client and step)
from the revision it opened. One client in ``--stale-every`` saves deliberately from the revision *before* the one
it opened: every such save must be refused with ``ConflictError``. The others race each other on few designs, so
some of their saves are refused too.

Afterwards the library is reopened and checked: every acknowledged (returned) save is there with exactly the body
that was sent; no revision number was acknowledged twice (a lost update) or sits on a base other than the one
sent; every refused save really was stale (the revision after its base exists); every deliberately stale save was
refused; a save that failed with another error (SQLite: "database is locked" once the busy timeout is out) told
its client so and wrote nothing (no revision exists that no client was given). Such errors are counted and shown,
not failures of the checks. Timings are printed, never asserted; the exit status is 1 when a check fails.
Checks run with a summary computed once per client (``checks=``), as the app passes its own report.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing as mp
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.store_bench import make_design
from benchmarks.store_scale import postgres_target
from mlsd.io import dumps
from mlsd.model import Design
from mlsd.store import ConflictError, StoreError, open_store, summarize

SAVE_SHARE = 0.5  # of a client's steps, how many save after opening
START_TIMEOUT_S = 300.0  # how long clients may take to start and open their stores on a loaded machine


def body_hash(design: Design) -> str:
    """What a save is checked against afterwards: the design's stored text, hashed."""
    return hashlib.sha256(dumps(design).encode()).hexdigest()


def shown(target: str) -> str:
    """The target as printed: a URL without its password."""
    if "://" in target and "@" in target:
        scheme, rest = target.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        return f"{scheme}://{creds.split(':', 1)[0]}:***@{host}"
    return target


@dataclass
class Attempt:
    """One save: which design, from which base, deliberately stale or not, and what the client was told."""

    design_id: str
    base: int
    stale: bool
    outcome: str  # "ack" | "conflict" | "error"
    number: int = 0  # ack: the revision returned; conflict: the latest revision the error named
    body: str = ""  # ack: body_hash of what was sent; error: the message


@dataclass
class ClientResult:
    client: int
    open_ms: list[float] = field(default_factory=list)
    save_ms: list[float] = field(default_factory=list)
    attempts: list[Attempt] = field(default_factory=list)
    failure: str = ""  # the client could not run at all


# ----------------------------------------------------------------------------------------------- the workload


def seed(target: str, designs: int) -> list[str]:
    """``designs`` designs at revision 2 (so that a base one behind the latest always exists)."""
    rng = random.Random(7)
    with open_store(target) as store:
        ids = []
        for i in range(designs):
            design = make_design(i, rng)
            info = store.create(design, message="load seed", checks=summarize(design))
            store.save(info.design_id, design, base_revision=1, message="load seed 2", checks=summarize(design))
            ids.append(info.design_id)
    return ids


def client(index: int, target: str, ids: list[str], seconds: float, stale: bool, barrier: Any, out: Any) -> None:
    """One client process: open its store, wait for every other, then open and save until the time is up."""
    result = ClientResult(index)
    try:
        store = open_store(target)
    except StoreError as exc:
        result.failure = str(exc)
    try:
        barrier.wait()
    except Exception as exc:  # a broken barrier: the run is over for everyone
        result.failure = result.failure or f"start: {exc!r}"
    if result.failure:
        if "store" in locals():
            store.close()
        out.put(result)
        return
    rng = random.Random(index)
    checks = None
    deadline = time.perf_counter() + seconds
    step = 0
    try:
        while time.perf_counter() < deadline:
            design_id = rng.choice(ids)
            start = time.perf_counter()
            rev = store.open(design_id)
            result.open_ms.append((time.perf_counter() - start) * 1000)
            if rng.random() >= SAVE_SHARE:
                continue
            step += 1
            design = rev.design.model_copy(update={"notes": f"client {index} step {step}"})
            checks = checks or summarize(design)
            base = rev.number - 1 if stale else rev.number
            start = time.perf_counter()
            try:
                info = store.save(design_id, design, base_revision=base, message=f"c{index}", checks=checks)
                attempt = Attempt(design_id, base, stale, "ack", info.number, body_hash(design))
            except ConflictError as exc:
                attempt = Attempt(design_id, base, stale, "conflict", exc.latest_revision)
            except StoreError as exc:
                attempt = Attempt(design_id, base, stale, "error", 0, str(exc))
            result.save_ms.append((time.perf_counter() - start) * 1000)
            result.attempts.append(attempt)
    except StoreError as exc:
        result.failure = f"open failed: {exc}"
    finally:
        store.close()
    out.put(result)


def run_clients(target: str, ids: list[str], clients: int, seconds: float, stale_every: int) -> list[ClientResult]:
    """Start ``clients`` processes (forked), release them together, collect what each saw."""
    ctx = mp.get_context("fork")
    barrier = ctx.Barrier(clients, timeout=START_TIMEOUT_S)
    out = ctx.Queue()
    stale = [stale_every > 0 and i % stale_every == stale_every - 1 for i in range(clients)]  # not client 0
    procs = [ctx.Process(target=client, args=(i, target, ids, seconds, stale[i], barrier, out), daemon=True)
             for i in range(clients)]
    for p in procs:
        p.start()
    results: list[ClientResult] = []
    deadline = time.monotonic() + START_TIMEOUT_S + seconds + 120
    while len(results) < clients and time.monotonic() < deadline:
        try:
            results.append(out.get(timeout=5))
        except Exception:  # queue.Empty: see whether the missing clients died
            if all(not p.is_alive() for p in procs) and out.empty():
                break
    for p in procs:
        p.join(timeout=10)
    seen = {r.client for r in results}
    results += [ClientResult(i, failure="the client process died without reporting") for i in range(clients)
                if i not in seen]
    return sorted(results, key=lambda r: r.client)


# ----------------------------------------------------------------------------------------------- the checks


def verify(target: str, ids: list[str], attempts: list[Attempt], seed_revisions: int = 2) -> dict[str, int]:
    """Count what went wrong (every count should be 0) by reading the library back."""
    problems: Counter[str] = Counter()
    acks = [a for a in attempts if a.outcome == "ack"]
    by_number = Counter((a.design_id, a.number) for a in acks)
    problems["revision_acknowledged_twice"] = sum(n - 1 for n in by_number.values() if n > 1)
    problems["ack_not_on_its_base"] = sum(1 for a in acks if a.number != a.base + 1)
    problems["stale_save_accepted"] = sum(1 for a in acks if a.stale)
    with open_store(target) as store:
        latest: dict[str, int] = {}
        for design_id in ids:
            numbers = [r.number for r in store.history(design_id)]
            latest[design_id] = numbers[-1]
            problems["revision_numbers_with_gaps"] += numbers != list(range(1, len(numbers) + 1))
            problems["revision_without_ack"] += sum(
                1 for n in numbers if n > seed_revisions and (design_id, n) not in by_number)
        for a in acks:
            if a.number > latest.get(a.design_id, 0):
                problems["acknowledged_revision_missing"] += 1
            elif body_hash(store.open(a.design_id, a.number).design) != a.body:
                problems["acknowledged_body_changed"] += 1
    for a in attempts:
        if a.outcome == "conflict" and not (a.number > a.base and latest.get(a.design_id, 0) > a.base):
            problems["conflict_on_a_current_base"] += 1
    return {k: problems[k] for k in sorted(problems)}


def percentiles(values: list[float], seconds: float) -> dict[str, float]:
    if not values:
        return {"count": 0, "per_s": 0.0, "p50_ms": 0.0, "p99_ms": 0.0}
    p99 = statistics.quantiles(values, n=100)[98] if len(values) > 1 else values[0]
    return {"count": len(values), "per_s": round(len(values) / seconds, 1),
            "p50_ms": round(statistics.median(values), 2), "p99_ms": round(p99, 2)}


def measure(target: str, clients: int, seconds: float, designs: int, stale_every: int) -> dict[str, Any]:
    """Seed, run the clients, check; everything the report prints."""
    ids = seed(target, designs)
    started = time.perf_counter()
    results = run_clients(target, ids, clients, seconds, stale_every)
    wall = max(seconds, 1e-9)
    attempts = [a for r in results for a in r.attempts]
    problems = verify(target, ids, attempts)
    failures = [f"client {r.client}: {r.failure}" for r in results if r.failure]
    problems["clients_failed"] = len(failures)
    stale = [a for a in attempts if a.stale]
    return {
        "backend": "postgresql" if "://" in target else "sqlite",
        "clients": clients, "mode": "processes", "seconds": seconds, "designs": designs,
        "run_s": round(time.perf_counter() - started, 1),
        "open": percentiles([t for r in results for t in r.open_ms], wall),
        "save": percentiles([t for r in results for t in r.save_ms], wall),
        "acknowledged": sum(1 for a in attempts if a.outcome == "ack"),
        "conflicts": sum(1 for a in attempts if a.outcome == "conflict" and not a.stale),
        "stale_attempts": len(stale),
        "stale_conflicts": sum(1 for a in stale if a.outcome == "conflict"),
        "errors": sum(1 for a in attempts if a.outcome == "error"),
        "problems": problems,
        "failures": failures[:5] + [f"{a.design_id}: {a.body}" for a in attempts if a.outcome == "error"][:5],
        "ok": not any(problems.values()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default=None, help="a SQLite file or a postgresql:// URL (default: a temporary file)")
    parser.add_argument("--postgres", action="store_true",
                        help="start a throwaway PostgreSQL server with its default, durable settings and use it")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--designs", type=int, default=10, help="designs the clients share (fewer: more races)")
    parser.add_argument("--stale-every", type=int, default=5, help="every Nth client saves from a stale base (0: none)")
    parser.add_argument("--json", action="store_true", help="end with the figures as one JSON line")
    args = parser.parse_args(argv)
    if args.clients < 1 or args.seconds <= 0 or args.designs < 1:
        parser.error("--clients, --seconds and --designs must be positive")
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        if args.postgres:
            target = stack.enter_context(postgres_target(args.db))
        else:
            target = args.db or str(Path(tmp) / "library.db")
        r = measure(target, args.clients, args.seconds, args.designs, args.stale_every)
    print(f"{r['clients']} client processes x {r['seconds']:g} s on {r['backend']} ({shown(target)}), "
          f"{r['designs']} shared designs")
    print(f"{'operation':<10} {'count':>7} {'per s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    for op in ("open", "save"):
        row = r[op]
        print(f"{op:<10} {row['count']:>7} {row['per_s']:>8} {row['p50_ms']:>8} {row['p99_ms']:>8}")
    print(f"saves: {r['acknowledged']} acknowledged, {r['conflicts']} refused as conflicts in races, "
          f"{r['stale_conflicts']} of {r['stale_attempts']} deliberately stale saves refused as conflicts; "
          f"{r['errors']} refused with an error (the client was told; the checks show nothing was written)")
    bad = {k: v for k, v in r["problems"].items() if v}
    print("checks: every acknowledged save read back exactly; every conflict reported" if not bad
          else f"CHECKS FAILED: {bad}")
    if r["failures"]:
        print("errors (first few), as their clients were told:")
    for line in r["failures"]:
        print(f"  {line}")
    if args.json:
        print(json.dumps(r))
    return 0 if r["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())

"""The design library (mlsd.store): saves from several processes and threads at once, and crash safety.
Of concurrent saves on one base exactly one wins; writers that reload on conflict lose no save; threads may share
one store; a process killed while writing leaves every committed revision.

Tests taking ``store`` or ``library_target`` (tests/conftest.py) run on both backends, SQLite and PostgreSQL.
"""

from __future__ import annotations

import multiprocessing
import os
import random
import signal
import sqlite3
import threading
import time

from mlsd.store import ConflictError, Store, open_store
from tests.store_helpers import make_design

FORK = multiprocessing.get_context("fork")


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

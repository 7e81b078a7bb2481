"""kill -9 during saves loses no acknowledged revision (issue 14, "Load and reliability"), on both backends.

A writer process (tests/store_writer.py) saves one design in a loop and prints each revision number once its save
has returned; the test SIGKILLs it mid-run (it is always inside a save by then), reopens the library, and checks
that every printed revision is there with exactly the body sent, that the numbers have no gap, and that the library
still opens and takes a save. Three kills in a row, each after a different number of saves.
"""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.store_bench import make_design
from benchmarks.store_load import body_hash
from mlsd.store import open_store, summarize

ROOT = Path(__file__).resolve().parent.parent
READ_TIMEOUT_S = 120.0  # a loaded machine starts a Python process slowly; never a timing assertion


def read_line(proc: subprocess.Popen[str], deadline: float) -> str:
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 1.0)
        if ready:
            line = proc.stdout.readline()
            assert line, f"the writer ended early (exit {proc.poll()}): {proc.stderr.read() if proc.stderr else ''}"
            return line.strip()
    raise AssertionError("the writer printed nothing in time")


def kill_during_saves(target: str, design_id: str, saves: int) -> list[tuple[int, str]]:
    """Start a writer, let it acknowledge ``saves`` saves, SIGKILL it; every (number, hash) it printed."""
    proc = subprocess.Popen([sys.executable, "-m", "tests.store_writer", target, design_id], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + READ_TIMEOUT_S
        assert read_line(proc, deadline) == "ready"
        acked = []
        for _ in range(saves):
            number, digest = read_line(proc, deadline).split()
            acked.append((int(number), digest))
        os.kill(proc.pid, signal.SIGKILL)
        rest, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == -signal.SIGKILL
    acked += [(int(n), d) for n, d in (line.split() for line in rest.splitlines())]  # printed before it died
    return acked


def check_kills(target: str) -> None:
    """Three writers killed in turn on the library at ``target`` (a SQLite file or a PostgreSQL URL)."""
    design = make_design(1, random.Random(1))
    with open_store(target) as store:
        design_id = store.create(design, checks=summarize(design)).design_id
    all_acked: list[tuple[int, str]] = []
    for saves in (5, 17, 40):
        acked = kill_during_saves(target, design_id, saves)
        assert len(acked) >= saves
        all_acked += acked
        with open_store(target) as store:  # opens (and on SQLite passes quick_check) after the kill
            numbers = [r.number for r in store.history(design_id)]
            assert numbers == list(range(1, len(numbers) + 1))
            for number, digest in all_acked:
                assert body_hash(store.open(design_id, number).design) == digest, f"revision {number} changed"
            latest = numbers[-1]
            assert latest >= max(n for n, _ in acked)  # a save cut off before its answer may or may not be there
            info = store.save(design_id, design, base_revision=latest, message="after the kill")
            assert info.number == latest + 1


def test_kill_9_during_saves_loses_no_acknowledged_revision(library_target: str) -> None:
    check_kills(library_target)

"""Many clients saving and opening at once (benchmarks/store_load.py, issue 14 "Load and reliability").

A few seconds of the benchmark on each backend: every acknowledged save reads back exactly, every stale save is
refused with ConflictError, no revision number is handed out twice. Only the invariants are asserted, not timings.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from benchmarks import store_load
from mlsd.store import ConflictError
from mlsd.store.designs import DesignsMixin

CLIENTS = 12
SECONDS = 3.0


def run(target: str) -> dict[str, Any]:
    return store_load.measure(target, clients=CLIENTS, seconds=SECONDS, designs=3, stale_every=4)


def assert_invariants(r: dict[str, Any]) -> None:
    assert r["problems"] == dict.fromkeys(r["problems"], 0), r["failures"]
    assert r["ok"]
    assert r["acknowledged"] > 0 and r["open"]["count"] > 0
    assert r["stale_attempts"] > 0 and r["stale_conflicts"] == r["stale_attempts"]


def test_concurrent_clients_lose_nothing_and_hear_of_every_conflict(library_target: str) -> None:
    assert_invariants(run(library_target))


def test_the_checks_catch_a_store_that_saves_over_a_newer_revision(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A save that ignores its base (last writer wins) is caught: the clients are forked, so they inherit this."""
    real_save = DesignsMixin.save

    def careless_save(self: DesignsMixin, design_id: str, design: Any, *, base_revision: int, **kw: Any) -> Any:
        latest = self.open(design_id).number
        try:
            return real_save(self, design_id, design, base_revision=latest, **kw)
        except ConflictError:
            return real_save(self, design_id, design, base_revision=self.open(design_id).number, **kw)

    monkeypatch.setattr(DesignsMixin, "save", careless_save)
    r = store_load.measure(str(tmp_path / "library.db"), clients=4, seconds=1.0, designs=1, stale_every=2)
    assert not r["ok"]
    assert r["problems"]["stale_save_accepted"] > 0 and r["problems"]["ack_not_on_its_base"] > 0

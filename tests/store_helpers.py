"""Helpers for the design library's tests (test_store_*.py and the app tests that fill a library): a small
design to store (``make_design``), a row count read through the store (``count_rows``), and search strings with
FTS and SQL syntax (``HOSTILE``)."""

from __future__ import annotations

from mlsd.model import Design
from mlsd.store import Store
from tests.conftest import design_of


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


def count_rows(store: Store, sql: str, *params: object) -> int:
    with store.db.read() as tx:
        row = tx.fetchone(sql, params)
    assert row is not None
    return int(row[0])


HOSTILE = ['"', '""', "*", "video*", "OR", "video OR fraud", "NEAR(", "NEAR(video fraud)", "'; DROP TABLE designs; --",
           "video'", "(", ")", "-video", "name:video", "^video", "video AND", "NOT", "\\", "%", "_", "\x00",
           "a" * 10_000, "video\x00fraud", "🎬", "vídeo", '"video', "{video}", "+", ":", "col:\"x\"", "/* */"]

"""benchmarks/store_scale.py: its bulk loader fills a library the store reads back the same on both backends.

The timings are never asserted; this checks that the designs it loads behind the store's back (COPY, executemany)
are whole designs, searchable through the schema's own triggers, so that the figures measure a real library.
"""

from __future__ import annotations

import random

from benchmarks import store_scale
from benchmarks.store_bench import make_design
from mlsd.store import open_store, summarize


def test_the_bulk_loaded_library_is_whole_and_searchable(library_target: str) -> None:
    rng = random.Random(1)
    templates = [(d, summarize(d)) for d in (make_design(i, rng) for i in range(1, 4))]  # none says "zebrafish"
    report = store_scale.measure(library_target, 250, 3, templates)
    assert report["facts"]["designs"] == 250 and report["facts"]["search_hits"] == 3  # designs 0, 100 and 200
    assert set(report["results"]) == {"open", "search", "search_common", "list", "list_offset", "save",
                                        "save_with_checks"}
    with open_store(library_target) as store:
        page = store.list_designs(search="zebrafish", limit=None)  # the timed saves may have replaced some
        assert page.items and {d.name.rsplit("#", 1)[1] for d in page.items} <= {"0", "100", "200"}
        opened = store.open(page.items[0].id)
        assert any(c.label == "Zebrafish ranker" for c in opened.design.components)
        assert store.list_designs(order="name", limit=None).total == 250
        assert sum(count for _, count in store.tags()) == 500  # two tags each

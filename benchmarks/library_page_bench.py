"""Measure the Library page with many designs: a rerun of the page in Streamlit's AppTest (no browser).

    python benchmarks/library_page_bench.py [--designs 10000] [--repeat 30] [--db PATH] [--json]

Fills a library with realistic ~25-block designs the way ``benchmarks/store_bench.py`` does (reusing a ``--db``
file that already holds enough designs), opens the Library page through app.py, and prints the median time of a
rerun (the script run after any click): plain, while searching, filtered by a tag, and on a deep page.
Target (reported, not asserted): library page rerun <= 200 ms. ``--json`` prints one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.store_bench import make_design  # noqa: E402
from mlsd.store import Store  # noqa: E402

TARGET_MS = 200
BATCH = 1_000


def fill(path: Path, designs: int) -> tuple[int, float]:
    """Make sure the library at ``path`` holds at least ``designs`` designs; (designs added, seconds)."""
    with Store(path) as store:
        have = store.list_designs(limit=1).total
        rng = random.Random(42)
        start = time.perf_counter()
        for first in range(have, designs, BATCH):
            store.import_designs([make_design(i, rng) for i in range(first, min(first + BATCH, designs))])
        return max(0, designs - have), time.perf_counter() - start


def median_ms(run: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(path: Path, repeat: int) -> dict[str, float]:
    os.environ["MLSD_DB"] = str(path)
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("pages/library.py").run()
    if at.exception:
        raise SystemExit(f"the library page failed: {[e.value for e in at.exception]}")
    results = {"library_first_run_ms": 0.0}
    start = time.perf_counter()
    at.run()
    results["library_first_run_ms"] = (time.perf_counter() - start) * 1000
    results["library_rerun_ms"] = median_ms(at.run, repeat)
    at.text_input(key="lib.search").input("zebrafish").run()
    results["library_search_rerun_ms"] = median_ms(at.run, repeat)
    at.text_input(key="lib.search").input("").run()
    at.selectbox(key="lib.tag").select("video").run()
    results["library_tag_rerun_ms"] = median_ms(at.run, repeat)
    at.selectbox(key="lib.tag").select(None).run()
    pager = at.get("pagination")[0]
    pager.set_value(pager.num_pages).run()
    results["library_last_page_rerun_ms"] = median_ms(at.run, repeat)
    if at.exception:
        raise SystemExit(f"the library page failed: {[e.value for e in at.exception]}")
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--designs", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--db", type=Path, default=None, help="keep (and reuse) the library here")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "bench.db"
        added, fill_s = fill(path, args.designs)
        results = measure(path, args.repeat)
    print(f"library: {args.designs} designs ({added} added in {fill_s:.0f} s); AppTest reruns of the Library page, "
          f"median of {args.repeat}")
    print(f"{'measure':<30} {'median ms':>10} {'target':>8}")
    for name, value in results.items():
        target = f"<= {TARGET_MS}" if name == "library_rerun_ms" else ""
        print(f"{name:<30} {value:>10.1f} {target:>8}")
    if args.json:
        print(json.dumps({**{k: round(v, 1) for k, v in results.items()}, "designs": args.designs}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

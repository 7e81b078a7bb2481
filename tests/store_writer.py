"""A writer process for the kill -9 test (tests/test_store_kill.py): saves one design in a loop until killed.

    python -m tests.store_writer TARGET DESIGN_ID

Prints ``ready`` once its store is open, then, after each save has *returned* (been acknowledged), one line
``<revision number> <sha256 of the body sent>``, flushed at once: what it printed is what it was promised.
"""

from __future__ import annotations

import sys

from benchmarks.store_load import body_hash
from mlsd.store import open_store, summarize


def main(target: str, design_id: str) -> None:
    store = open_store(target)
    current = store.open(design_id)
    design, number = current.design, current.number
    checks = summarize(design)
    print("ready", flush=True)
    step = 0
    while True:
        step += 1
        design = design.model_copy(update={"notes": f"writer step {step} " + "x" * (step % 97)})
        info = store.save(design_id, design, base_revision=number, message=f"step {step}", checks=checks)
        number = info.number
        print(f"{number} {body_hash(design)}", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

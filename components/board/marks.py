"""Which blocks the board marks, and how severely (a Streamlit UI piece's plain function; no Streamlit here).

A block on the canvas carries the worst open finding that names it: an error, else a warning (info and waived
findings mark nothing). The canvas draws these marks, and the board's state compares them before and after an
edit to know whether the canvas must redraw, so both read them from here.
"""

from __future__ import annotations

from collections.abc import Iterable

from mlsd.rules import Finding

MARKED = ("error", "warning")  # the severities a block is marked for, the worst first


def worst_by_block(findings: Iterable[Finding]) -> dict[str, str]:
    """The most severe unwaived finding (error or warning) per block id."""
    worst: dict[str, str] = {}
    for f in findings:
        if f.waived or f.severity not in MARKED:
            continue
        for block in f.components:
            if worst.get(block) != "error":
                worst[block] = f.severity
    return worst

"""Baselines: adopting the checklists on designs that already have findings (``validate --baseline FILE``).

A baseline records, per design file, the stable ids (``Finding.id``, ``rule@blocks``) of the findings it had and
how many of each. A later run marks as ``baselined`` up to that many findings of each id: they are shown and
counted apart, like waivers, but never fail the run; a finding whose id is not in the baseline (or one more of an
id than the baseline counted) is new and fails as usual, unless a left-over id of its rule names all of its blocks
(a finding that now points at fewer blocks, as a waiver naming them would still accept it). Ids name rules and
blocks, not messages or positions, so rewording a message, moving a block or editing another part of the design
keeps the baseline valid.

The file is JSON: ``{"format": "mlsd-baseline/1", "files": {"designs/a.json": {"REL-4@gw": 1, ...}}}``; paths
are as given on the command line, with forward slashes.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from mlsd.rules.engine import Report

FORMAT = "mlsd-baseline/1"
Baseline = dict[str, Counter[str]]


class BaselineError(ValueError):
    """A baseline file that cannot be read or is not a baseline."""


def file_key(path: str) -> str:
    return Path(path).as_posix()


def load_baseline(path: str) -> Baseline:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read the baseline: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise BaselineError(f"{path}: the baseline is not JSON: {exc}") from None
    files = data.get("files") if isinstance(data, dict) and data.get("format") == FORMAT else None
    if not isinstance(files, dict) or not all(
        isinstance(ids, dict) and all(isinstance(k, str) and isinstance(n, int) and n > 0 for k, n in ids.items())
        for ids in files.values()
    ):
        raise BaselineError(f'{path}: not a baseline (expected {{"format": "{FORMAT}", "files": {{...}}}})')
    return {str(name): Counter(ids) for name, ids in files.items()}


def baseline_data(reports: Iterable[tuple[str, Report]]) -> dict[str, object]:
    """The baseline of these reports: every unwaived finding's id, counted, per file."""
    files: dict[str, dict[str, int]] = {}
    for path, report in reports:
        ids = Counter(f.id for f in report.findings if not f.waived)
        files[file_key(path)] = dict(sorted(ids.items()))
    return {"format": FORMAT, "files": files}


def write_baseline(path: str, reports: Iterable[tuple[str, Report]]) -> None:
    Path(path).write_text(json.dumps(baseline_data(reports), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def apply_baseline(report: Report, known: Mapping[str, int]) -> Report:
    """The report with up to ``known[id]`` unwaived findings of each id marked ``baselined`` (in report order).

    An unwaived finding whose id is not (or no longer) in the baseline is still baselined by a left-over id of
    the same rule that names all of its blocks, as a waiver accepts it: a finding that now points at fewer
    blocks than when the baseline was written (SEC-4 names the sinks its data enters, no longer every sink it
    reaches) is the same finding, not a new one.
    """
    if not known:
        return report
    left = Counter(known)
    marks: list[list[bool]] = []
    for res in report.results:
        row = []
        for f in res.findings:
            hit = not f.waived and left[f.id] > 0
            if hit:
                left[f.id] -= 1
            row.append(hit)
        marks.append(row)
    if +left:
        _match_wider(report, marks, left)
    results = []
    for res, row in zip(report.results, marks, strict=True):
        if any(row):
            res = replace(res, findings=tuple(replace(f, baselined=True) if hit else f
                                              for f, hit in zip(res.findings, row, strict=True)))
        results.append(res)
    return replace(report, results=tuple(results))


def _match_wider(report: Report, marks: list[list[bool]], left: Counter[str]) -> None:
    """Mark the unmatched findings that a left-over baseline id of their rule covers (it names every block of
    the finding), in report order; each left-over id covers as many findings as it counted."""
    wider: dict[str, list[tuple[frozenset[str], str]]] = {}
    for key, n in left.items():
        rule, _, where = key.partition("@")
        if n > 0 and where and where != "design":
            wider.setdefault(rule, []).append((frozenset(where.split(",")), key))
    for res, row in zip(report.results, marks, strict=True):
        for i, f in enumerate(res.findings):
            if row[i] or f.waived or f.rule not in wider:
                continue
            blocks = set(f.components or f.connections)
            found = next((k for scope, k in wider[f.rule] if blocks and left[k] > 0 and scope >= blocks), None)
            if found is not None:
                left[found] -= 1
                row[i] = True

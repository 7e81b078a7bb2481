"""Baselines: adopting the checklists on designs that already have findings (``validate --baseline FILE``).

A baseline records, per design file, the stable ids (``Finding.id``, ``rule@blocks``) of the findings it had and
how many of each. A later run marks as ``baselined`` up to that many findings of each id: they are shown and
counted apart, like waivers, but never fail the run; a finding whose id is not in the baseline (or one more of an
id than the baseline counted) is new and fails as usual. Ids name rules and blocks, not messages or positions,
so rewording a message, moving a block or editing another part of the design keeps the baseline valid.

The file is JSON: ``{"format": "mlsd-baseline/1", "files": {"designs/a.json": {"REL-4@gw": 1, ...}}}``; paths
are as given on the command line, with forward slashes.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from mlsd.rules.engine import Finding, Report

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
    """The report with up to ``known[id]`` unwaived findings of each id marked ``baselined`` (in report order)."""
    if not known:
        return report
    left = Counter(known)
    results = []
    for res in report.results:
        marked: list[Finding] = []
        for f in res.findings:
            if not f.waived and left[f.id] > 0:
                left[f.id] -= 1
                f = replace(f, baselined=True)
            marked.append(f)
        results.append(replace(res, findings=tuple(marked)) if res.findings else res)
    return replace(report, results=tuple(results))

"""Speed work on the engine, context, roles and analysis must not change any result.

For every design in designs/ and designs/reference/, and for synthetic designs of 100 and 1,000 blocks (seeds 0
and 1), the test recomputes a digest of the full report (every rule's status and reason; every finding's rule,
category, severity, title, message, fix, components, connections, waived and waiver reason; summary and score)
and of the full analysis (``analysis_to_dict``: paths, blocks, p99/p50 sums, simulated p50/p99, critical
chains, contributions, capacity, cost lines, cycles) and compares it with tests/fixtures/check_digests.json;
the analysis alone is also pinned for a 10,000-block synthetic design.

The fixture pins results, not intentions: when a rule is deliberately changed, regenerate it with
``python -m tests.test_check_equivalence --write`` (from the repository root) and review which rules moved.
Each rule has its own digest, so a failure names the rules whose results changed.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as ``python -m tests.test_check_equivalence --write`` or by pytest
    sys.path.insert(0, str(ROOT))

from benchmarks.synthetic import synthetic_design  # noqa: E402
from mlsd.analysis import analysis_to_dict, analyze  # noqa: E402
from mlsd.io import load_file  # noqa: E402
from mlsd.model import Design  # noqa: E402
from mlsd.rules import Report, RuleResult, check, context  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "check_digests.json"
SYNTHETIC = [(n, seed) for n in (100, 1_000) for seed in (0, 1)]
ANALYSIS_ONLY = "analysis:synthetic:10000:0"  # a large design, analysis only (a full check takes over a second)
REGENERATE = "python -m tests.test_check_equivalence --write"


def _digest(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), allow_nan=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _result_data(res: RuleResult) -> dict[str, Any]:
    return {
        "status": res.status,
        "reason": res.reason,
        "findings": [f.to_dict() for f in res.findings],
    }


def digests(report: Report) -> dict[str, Any]:
    """Per-rule digests, one for the whole report (order, summary, score) and one for the analysis."""
    return {
        "rules": {res.rule.id: _digest(_result_data(res)) for res in report.results},
        "report": _digest({
            "order": [res.rule.id for res in report.results],
            "findings": [f.to_dict() for f in report.findings],
            "summary": report.summary(),
            "score": report.score(),
        }),
        "analysis": _digest(analysis_to_dict(report.context.analysis)),
    }


def case_names() -> list[str]:
    """Every pinned design, by a stable name: its path, or ``synthetic:<blocks>:<seed>``."""
    paths = sorted((ROOT / "designs").glob("*.json")) + sorted((ROOT / "designs" / "reference").glob("*.json"))
    return [p.relative_to(ROOT).as_posix() for p in paths] + [f"synthetic:{n}:{seed}" for n, seed in SYNTHETIC]


def load_case(name: str) -> Design:
    if name.startswith("synthetic:"):
        _, n, seed = name.split(":")
        return Design.model_validate(synthetic_design(int(n), int(seed)))
    return load_file(ROOT / name)


def analysis_only_digest() -> str:
    return _digest(analysis_to_dict(analyze(Design.model_validate(synthetic_design(10_000, 0)))))


def compute() -> dict[str, Any]:
    out: dict[str, Any] = {name: digests(check(load_case(name))) for name in case_names()}
    out[ANALYSIS_ONLY] = analysis_only_digest()
    return out


def _expected() -> dict[str, Any]:
    if not FIXTURE.exists():
        pytest.fail(f"{FIXTURE.relative_to(ROOT)} is missing; create it with `{REGENERATE}`")
    data: dict[str, Any] = json.loads(FIXTURE.read_text(encoding="utf-8"))
    return data


@pytest.mark.parametrize("name", case_names())
def test_report_and_analysis_unchanged(name: str) -> None:
    expected = _expected()
    assert name in expected, f"{name} is not pinned; regenerate with `{REGENERATE}`"
    got = digests(check(load_case(name)))
    want = expected[name]
    changed = sorted(r for r in set(want["rules"]) | set(got["rules"])
                     if want["rules"].get(r) != got["rules"].get(r))
    assert not changed, f"{name}: results of {changed} changed (if intended, regenerate with `{REGENERATE}`)"
    assert got["report"] == want["report"], f"{name}: report order, summary or score changed"
    assert got["analysis"] == want["analysis"], f"{name}: analysis (paths, simulation, capacity, cost) changed"


@pytest.mark.parametrize("numpy_from", [0, 10**9])
def test_neighbour_maps_grouped_with_or_without_numpy_give_the_same_results(
    monkeypatch: pytest.MonkeyPatch, numpy_from: int
) -> None:
    """``Context.neighbours`` groups large designs with numpy and small ones in plain Python: both ways give the
    pinned results on a 1,000-block design (which is below the size where numpy is used by default)."""
    monkeypatch.setattr(context, "NUMPY_GROUPING_FROM", numpy_from)
    name = "synthetic:1000:1"
    assert digests(check(load_case(name))) == _expected()[name]


def test_findings_are_ordinary_frozen_findings() -> None:
    """The engine builds findings without their ``__init__`` (faster): they equal and hash like findings built
    the ordinary way, and stay frozen."""
    findings = check(load_case("synthetic:100:0")).findings
    assert findings
    for f in findings:
        again = dataclasses.replace(f)  # through Finding.__init__
        assert f == again and hash(f) == hash(again) and repr(f) == repr(again)
    with pytest.raises(dataclasses.FrozenInstanceError):
        findings[0].message = "changed"  # type: ignore[misc]


def test_large_design_analysis_unchanged() -> None:
    assert analysis_only_digest() == _expected()[ANALYSIS_ONLY], "analysis of a 10,000-block design changed"


def test_fixture_covers_every_design() -> None:
    assert sorted(_expected()) == sorted([*case_names(), ANALYSIS_ONLY]), (
        f"designs were added or removed; regenerate with `{REGENERATE}`")


def main(argv: list[str]) -> int:
    if argv != ["--write"]:
        print(f"usage: {REGENERATE}", file=sys.stderr)
        return 2
    FIXTURE.write_text(json.dumps(compute(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {FIXTURE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))

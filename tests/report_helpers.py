"""Helpers for the report tests (test_report_*.py): a design with a gateway (``gateway_design``),
``run`` (the validate command's output for some designs, and its exit code), and reports of every kind for the
streamed writers (``_report_cases``)."""

from __future__ import annotations

import io
import json
from typing import Any

from mlsd import report as rep
from mlsd.io import load_file
from mlsd.model import Design
from mlsd.rules import Report, check
from tests.conftest import ROOT, design_of


def gateway_design(**fields: Any) -> Design:
    return design_of(
        [{"id": "client", "kind": "client", "label": "App"},
         {"id": "gw", "kind": "api_gateway", "label": "Gateway"}],
        [{"id": "c1", "source": "client", "target": "gw", "flow": "request"}],
        requirements={"sla_p99_ms": 100, "peak_qps": 500}, **fields,
    )


def run(designs: list[tuple[str, Design]], fmt: str = "json", fail_on: str = "error") -> tuple[int, str]:
    out = io.StringIO()
    code = rep.render_validation(designs, fmt, fail_on, out)
    return code, out.getvalue()


def _report_cases() -> list[tuple[str, Report]]:
    """Every design in designs/ (waivers among them), one with hostile text in a label and a waiver reason, and
    one with half its findings in a baseline."""
    from mlsd.baseline import apply_baseline

    cases = [(str(p.relative_to(ROOT)), check(load_file(p))) for p in sorted((ROOT / "designs").glob("*.json"))]
    data = json.loads((ROOT / "designs" / "ad_click_prediction.json").read_text(encoding="utf-8"))
    drift = next(c for c in data["components"] if c["id"] == "drift")
    drift["label"] = 'quote " back\\slash \x1b[31m \u202e tab\t é ✓'
    data["waivers"] = [{"rule": "MON-3", "reason": 'because "we\\said"\nso \u2028 \x07'}]
    hostile = check(Design.model_validate(data))
    assert any(f.waived and "quote" in f.message for f in hostile.findings)
    path, report = cases[0]
    known = {f.id: 1 for f in report.findings[::2]}
    baselined = apply_baseline(report, known)
    assert any(f.baselined for f in baselined.findings)
    return [*cases, ("/abs/outside the cwd/h.json", hostile), (path, baselined)]

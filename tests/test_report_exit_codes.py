"""The validate command's exit codes (mlsd.report): by --fail-on, info-only designs, waived findings, bad
arguments refused, and the threshold check.

The ``test_rules`` fixture (tests/conftest.py) replaces the registry by the four test rules of tests/report_rules.py.
"""

from __future__ import annotations

import pytest

from mlsd import report as rep
from tests.conftest import design_of
from tests.report_helpers import gateway_design, run


@pytest.mark.parametrize(
    ("fail_on", "warning_only", "with_error"),
    [("error", 0, 1), ("warning", 1, 1), ("info", 1, 1), ("never", 0, 0)],
)
def test_exit_code_by_fail_on(test_rules, small_design, fail_on, warning_only, with_error):
    assert run([("a.json", gateway_design(notes="n"))], "text", fail_on)[0] == warning_only
    assert run([("a.json", small_design)], "text", fail_on)[0] == with_error
    # several files: the worst one decides
    assert run([("a.json", gateway_design(notes="n")), ("b.json", small_design)], "json", fail_on)[0] == with_error


def test_info_only_fails_only_at_info(test_rules):
    design = design_of([{"id": "x", "kind": "cache"}])  # only TST-3 (info) fires
    assert [run([("x.json", design)], "text", level)[0] for level in ("error", "warning", "info", "never")] == [
        0, 0, 1, 0]


def test_waived_findings_do_not_fail(test_rules, small_design):
    waived = design_of([c.model_dump() for c in small_design.components],
                       [e.model_dump() for e in small_design.connections],
                       notes="n", waivers=[{"rule": "TST-1", "components": ["inf"], "reason": "accepted"},
                                           {"rule": "TST-2", "reason": "gateway kept"}])
    assert run([("w.json", waived)], "text", "info")[0] == 0
    assert run([("w.json", small_design)], "text", "info")[0] == 1


def test_bad_arguments_are_refused(test_rules, small_design):
    with pytest.raises(ValueError, match="fail_on"):
        run([("a.json", small_design)], "text", "fatal")
    with pytest.raises(ValueError, match="unknown format"):
        run([("a.json", small_design)], "xml", "error")


def test_exceeds_checks_its_threshold():
    assert rep.exceeds([], "error") is False
    with pytest.raises(ValueError):
        rep.exceeds([], "loud")

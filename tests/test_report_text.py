"""The validate command's text output (mlsd.report): grouped by category with waivers apart, colours
only on a terminal, no control characters from labels, totals over several designs.

The ``test_rules`` fixture (tests/conftest.py) replaces the registry by the four test rules of tests/report_rules.py.
"""

from __future__ import annotations

import io
import re

from mlsd import report as rep
from mlsd.rules import check
from tests.conftest import design_of
from tests.report_helpers import gateway_design, run


class Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_text_groups_by_category_and_shows_waivers_apart(test_rules, small_design):
    design = design_of([c.model_dump() for c in small_design.components],
                       [e.model_dump() for e in small_design.connections],
                       waivers=[{"rule": "TST-2", "reason": "gateway kept on purpose"}])
    code, text = run([("designs/x.json", design)], "text")
    assert code == 1
    assert text.startswith("designs/x.json: test design\n")
    assert "\x1b[" not in text  # not a terminal: no colours
    lat = text.index("  Latency SLA\n")  # the findings in full, after the numbers summary
    assert text.index("TST-1", lat) > lat and "Ranker is an inference block" in text
    waived = text.index("Waived (1)")
    assert text.index("TST-2") > waived and "gateway kept on purpose" in text[waived:]
    assert "fix: Remove the inference block." in text
    assert "blocks: inf" in text
    overall = check(design).score()["overall"]
    assert re.search(rf"1 error, 0 warnings, 1 info, 1 waived; checks passed {overall}/100", text)


def test_text_colours_only_on_a_terminal(test_rules, small_design):
    out = Tty()
    rep.render_validation([("x.json", small_design)], "text", "never", out)
    assert "\x1b[1;31merror" in out.getvalue()


def test_text_never_passes_control_characters_from_labels(test_rules):
    design = design_of([{"id": "inf", "kind": "online_inference", "label": "evil\x1b[2J\u202eclear"}])
    text = run([("x.json", design)], "text")[1]
    assert "\x1b" not in text and "\u202e" not in text
    assert "evil␛[2J[U+202E]clear is an inference block" in text


def test_text_of_several_designs_ends_with_totals(test_rules, small_design):
    text = run([("a.json", small_design), ("b.json", gateway_design())], "text")[1]
    assert text.rstrip().endswith("2 designs: 1 error, 2 warnings, 2 info, 0 waived")

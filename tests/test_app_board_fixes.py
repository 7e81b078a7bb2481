"""The Board's fixes (components/board/fixes.py) through AppTest: preview a fix as a diff, apply it in one click,
undo it like any edit, and apply every safe fix at once."""

from __future__ import annotations

from pathlib import Path

import pytest

from components.board.fix_effect import Headline, change_text
from components.board.state import BoardKey
from mlsd.rules import check
from tests.board_apptest import click, design_of, ok, open_board, start_from, unescape


def _open_fixes(at):
    at.session_state["board.fix.box"] = True
    at.run()
    ok(at)


def test_preview_apply_and_undo_a_fix(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    before = start_from(at, "card_fraud_scoring")
    _open_fixes(at)
    key = "split-by-time|TRN-1@model,training"
    click(at, f"board.fix.preview.{key}")
    shown = "\n".join(c.value for c in at.code)
    assert "~ block training props.split: 'random' -> 'time'" in shown
    assert any("TRN-1" in m.value for m in at.markdown if m.value.startswith("**Resolves:**"))
    assert design_of(at) == before  # a preview changes nothing
    click(at, f"board.fix.apply.{key}")
    after = design_of(at)
    assert after.by_id()["training"].props["split"] == "time"
    assert "TRN-1" not in {f.rule for f in check(after).active}
    toasts = [unescape(t.value) for t in at.toast]
    assert any("Fixed TRN-1" in t and "Monthly cost, slowest path p99 at peak and tiers short of capacity are "
               "unchanged." in t for t in toasts), toasts
    click(at, "board.btn.undo")
    assert design_of(at) == before


def test_the_fixed_message_says_what_the_fix_did_to_the_headline_numbers(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A second replica of the scorer costs money: the message says how much, from the analyses before and after
    (the numbers are the Library's headline figures: monthly cost, slowest path's p99, tiers short)."""
    at = open_board(monkeypatch, tmp_path)
    start_from(at, "card_fraud_scoring")
    _open_fixes(at)
    click(at, "board.fix.apply.second-replica|REL-1@scoring")
    toasts = [unescape(t.value) for t in at.toast]
    assert any(t.startswith("Fixed REL-1:") and "Monthly cost $19,779 → $20,027 (+$248). Undo takes it back." in t
               for t in toasts), toasts


def test_headline_change_names_only_the_numbers_that_moved() -> None:
    before = Headline(cost_per_month=1000.4, worst_p99_ms=250.0, saturated=False, tiers_short=2)
    assert change_text(before, before) == ("Monthly cost, slowest path p99 at peak and tiers short of capacity "
                                           "are unchanged.")
    cheaper = Headline(cost_per_month=900.0, worst_p99_ms=250.2, saturated=False, tiers_short=0)
    assert change_text(before, cheaper) == "Monthly cost $1,000 → $900 (−$100); tiers short of capacity 2 → 0."
    jammed = Headline(cost_per_month=1000.0, worst_p99_ms=None, saturated=True, tiers_short=2)
    assert change_text(before, jammed) == "Slowest path p99 at peak 250 ms → saturated."


def test_apply_every_safe_fix_in_one_edit(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    before = start_from(at, "card_fraud_scoring")
    undo_depth = len(at.session_state[BoardKey.UNDO.value])
    _open_fixes(at)
    labels = [b.label for b in at.button if (b.key or "").startswith("board.fix.apply.")]
    assert len(labels) == 6  # five safe fixes and the anonymizer suggestion
    assert any("needs judgement" in m.value and "SEC-4" in m.value for m in at.markdown)
    click(at, "board.fix.safe")
    after = design_of(at)
    gone = {f.rule for f in check(before).active} - {f.rule for f in check(after).active}
    assert gone == {"REL-1", "REL-3", "TRN-1", "TRN-7", "MON-2"}
    assert len(at.session_state[BoardKey.UNDO.value]) == undo_depth + 1
    click(at, "board.btn.undo")
    assert design_of(at) == before


def test_a_sound_design_offers_no_fixes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    at = open_board(monkeypatch, tmp_path)
    start_from(at, "news_feed_ranking")
    assert not [b for b in at.button if (b.key or "").startswith("board.fix.")]


def _one_finding_script() -> None:
    """A page drawing the Fix button of the card-fraud example's REL-1 finding (the hook findings.py can call)."""
    from pathlib import Path

    from components.board import state as bs
    from components.board.fixes import show_fix_button
    from mlsd.io import load_file

    bs.init()
    if not bs.design().components:
        bs.replace(load_file(Path("designs") / "card_fraud_scoring.json"))
    for f in bs.review().report.active:
        if f.rule in ("REL-1", "TRN-2"):
            show_fix_button(f)


def test_the_fix_button_beside_a_finding_applies_its_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    from tests.board_apptest import ROOT

    monkeypatch.chdir(ROOT)
    at = AppTest.from_function(_one_finding_script, default_timeout=60)
    at.run()
    ok(at)
    (button,) = [b for b in at.button if (b.key or "").startswith("board.fix.one.")]  # REL-1 has a fix, TRN-2 none
    assert "replicas 1 → 2" in (button.help or "")
    button.click().run()
    ok(at)
    assert design_of(at).by_id()["scoring"].props["replicas"] == 2


def _count_fix_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every registered fix wrapped to record (fix, finding) of each call."""
    import dataclasses

    from mlsd.fixes import FIXES, load_fixes

    calls: list[tuple[str, str]] = []
    for fix_id, f in list(load_fixes().items()):
        def counted(design, finding, ctx, _f=f):
            calls.append((_f.id, finding.id))
            return _f.func(design, finding, ctx)

        monkeypatch.setitem(FIXES, fix_id, dataclasses.replace(f, func=counted))
    return calls


def test_fixes_are_made_only_when_shown(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """With the Fixes box closed only the fixes of the findings drawn (their Fix button) are tried; opening the
    box tries the offers it lists, each once however many reruns follow."""
    calls = _count_fix_calls(monkeypatch)
    at = open_board(monkeypatch, tmp_path)
    start_from(at, "card_fraud_scoring")
    drawn = {(b.key or "").removeprefix("board.fix.one.").split("|")[1]
             for b in at.button if (b.key or "").startswith("board.fix.one.")}
    assert len(calls) < 6 and {finding for _, finding in calls} <= drawn
    assert any("Fixes for 6 findings" in e.label for e in at.expander)
    _open_fixes(at)
    at.run()
    assert len(set(calls)) == len(calls)  # none made twice
    assert {fix for fix, _ in calls} >= {"split-by-time", "label-maturity", "insert-anonymizer"}


def test_an_offer_that_turns_out_to_change_nothing_says_so(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import dataclasses

    from components.board.fixes import NOTHING
    from mlsd.fixes import FIXES, load_fixes

    f = load_fixes()["split-by-time"]
    monkeypatch.setitem(FIXES, f.id, dataclasses.replace(f, func=lambda design, finding, ctx: None, applies=None))
    at = open_board(monkeypatch, tmp_path)
    start_from(at, "card_fraud_scoring")
    _open_fixes(at)
    key = "split-by-time|TRN-1@model,training"
    assert any(NOTHING in m.value and "TRN-1" in m.value for m in at.markdown)
    assert not [b for b in at.button if (b.key or "").endswith(key)]  # no Apply, no Preview
    assert len([b for b in at.button if (b.key or "").startswith("board.fix.apply.")]) == 5

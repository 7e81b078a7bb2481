"""The reference designs in designs/reference/: one per prompt, realistic, laid out to read well, with the
prompt's numbers, and passing their own checklists with no unwaived error."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from mlsd.analysis import analyze
from mlsd.io import load_file
from mlsd.model import Design
from mlsd.practice.compare import compare
from mlsd.practice.prompts import all_prompts
from mlsd.rules import Report, check
from tests.conftest import stale_waiver_mentions

ROOT = Path(__file__).resolve().parent.parent
PROMPTS = {p.id: p for p in all_prompts()}
MIN_DX, MIN_DY = 220, 110  # boxes are 180 x 70; closer than this they crowd each other on the canvas
MIN_BLOCKS, MAX_BLOCKS = 15, 30
MIN_WAIVER_WORDS = 12  # a waiver of a reference design explains why the finding is accepted


@cache
def _design(prompt_id: str) -> Design:
    return load_file(ROOT / PROMPTS[prompt_id].reference)


@cache
def _report(prompt_id: str) -> Report:
    return check(_design(prompt_id))


IDS = sorted(PROMPTS)


def test_every_reference_file_belongs_to_a_prompt():
    files = {p.name for p in (ROOT / "designs" / "reference").glob("*.json")}
    assert files == {Path(p.reference).name for p in PROMPTS.values()}


@pytest.mark.parametrize("prompt_id", IDS)
def test_reference_has_no_unwaived_error(prompt_id):
    errors = [f"{f.rule} {f.components}: {f.message}" for f in _report(prompt_id).active if f.severity == "error"]
    assert errors == []
    crashed = [r.rule.id for r in _report(prompt_id).results if r.status == "error"]
    assert crashed == []


@pytest.mark.parametrize("prompt_id", IDS)
def test_reference_requirements_match_its_prompt(prompt_id):
    expected = PROMPTS[prompt_id].requirements.model_dump(exclude_none=True)
    declared = _design(prompt_id).requirements.model_dump(exclude_none=True)
    assert {k: declared.get(k) for k in expected} == expected


@pytest.mark.parametrize("prompt_id", IDS)
def test_reference_is_realistic_in_size_and_documented(prompt_id):
    design = _design(prompt_id)
    assert MIN_BLOCKS <= len(design.components) <= MAX_BLOCKS
    assert all(c.label.strip() for c in design.components), "every block has a meaningful label"
    assert design.description.strip()
    assert "Sources:" in design.notes
    assert {"request", "batch", "stream"} <= {e.flow for e in design.connections}


@pytest.mark.parametrize("prompt_id", IDS)
def test_reference_waivers_give_real_reasons_and_accept_findings(prompt_id):
    report = _report(prompt_id)
    for waiver in report.design.waivers:
        assert len(waiver.reason.split()) >= MIN_WAIVER_WORDS, waiver.rule
        assert any(f.waived and f.rule == waiver.rule for f in report.findings), f"{waiver.rule} accepts nothing"


@pytest.mark.parametrize("prompt_id", IDS)
def test_reference_notes_mention_only_waivers_the_file_has(prompt_id):
    """The notes (shown beside the reference in the Practice comparison) never describe a waiver it lacks."""
    assert stale_waiver_mentions(_design(prompt_id)) == []


@pytest.mark.parametrize("prompt_id", IDS)
def test_reference_blocks_are_spaced_on_the_canvas(prompt_id):
    blocks = _design(prompt_id).components
    crowded = [
        (a.id, b.id)
        for i, a in enumerate(blocks)
        for b in blocks[i + 1:]
        if abs(a.position.x - b.position.x) < MIN_DX and abs(a.position.y - b.position.y) < MIN_DY
    ]
    assert crowded == []


@pytest.mark.parametrize("prompt_id", IDS)
def test_reference_serves_the_prompt_within_sla_and_capacity(prompt_id):
    prompt = PROMPTS[prompt_id]
    comparison = compare(_design(prompt_id), _design(prompt_id), prompt)
    assert comparison.latency.within is True
    assert comparison.capacity.enough is True, comparison.capacity.short
    assert all(r.status == "match" for r in comparison.requirements)
    assert comparison.key_missing == []


@pytest.mark.parametrize("prompt_id", IDS)
def test_reference_request_paths_have_no_cycles(prompt_id):
    assert analyze(_design(prompt_id), samples=500).cycles == ()

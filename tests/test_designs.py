"""The example and reference designs in designs/: they load, are realistic in size, read well on a canvas,
and the checklists find in them what they were written to show (flaws in the review exercises, none in the
sound reference)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from mlsd.io import load_file
from mlsd.model import Design
from mlsd.rules import Report, check
from tests.conftest import design_of, stale_waiver_mentions

ROOT = Path(__file__).resolve().parent.parent
DESIGNS = ROOT / "designs"
ALL_FILES = sorted(DESIGNS.glob("*.json")) + sorted((DESIGNS / "reference").glob("*.json"))
BOX_W, BOX_H = 180, 70  # size of a block on the canvas

# The flaws each review exercise was written to show, by rule id (see the "Known weaknesses" in its notes).
INTENDED = {
    "card_fraud_scoring.json": {
        "SEC-4",  # raw cardholder PII reaches the warehouse, feature stores, decision log and training (one root)
        "TRN-2",  # 0.1 % positives, no imbalance strategy, accuracy as the offline metric
        "TRN-1",  # random split on time-ordered transactions
        "REL-1",  # the scoring service is a single replica in the payment path
        "MON-2",  # no drift detection
        "TRN-7",  # chargebacks arrive 30-90 days late and the weekly retrain does not wait for them
        "TRN-8",  # declines censor their own labels and no holdout or review sample measures them
    },
    "ad_click_prediction.json": {
        "DAT-1",  # training recomputes features in Spark; serving reads the Flink-fed online store
        "MON-3",  # the drift detector triggers nothing
        "REL-3",  # sized for peak + headroom, not for a region loss: two regions left run the pCTR GPUs at 104%
    },
}
# Findings that follow honestly from those flaws (reviewed); anything else would be a false positive.
CONSEQUENCES = {
    "card_fraud_scoring.json": {
        "CAP-5",  # the single scoring replica does not autoscale
        "REL-3",  # ... and runs in one region of two (us-west-2 -> us-east-1 stays in the US: no SEC-9)
    },
    "ad_click_prediction.json": set(),
}
SOUND = ("video_recommendations.json", "news_feed_ranking.json")


def _name(path: Path) -> str:
    return str(path.relative_to(DESIGNS))


@cache
def _load(path: Path) -> Design:
    return load_file(path)


@cache
def _report(path: Path) -> Report:
    return check(_load(path))


def overlapping(design: Design) -> list[tuple[str, str]]:
    """Pairs of blocks whose boxes (BOX_W x BOX_H at their positions) overlap on the canvas."""
    blocks = sorted(design.components, key=lambda c: c.position.x)
    pairs = []
    for i, a in enumerate(blocks):
        for b in blocks[i + 1:]:
            if b.position.x - a.position.x >= BOX_W:
                break
            if abs(b.position.y - a.position.y) < BOX_H:
                pairs.append((a.id, b.id))
    return pairs


@pytest.mark.parametrize("path", ALL_FILES, ids=_name)
def test_notes_mention_only_waivers_the_file_has(path):
    assert stale_waiver_mentions(_load(path)) == []


def test_stale_waiver_notes_are_caught():
    # the notes the ad-click and visual-search references carried after their waivers were dropped
    ad = "**Monitoring.** Drift -> alert.\n\n**Waiver.** REL-2: the drawn logistic-regression fallback is not counted."
    visual = ("**Waiver.** LAT-5 compares the re-ranker (100 items) with the query encoder (1 item): the encoder "
              "embeds the\nquery, it is not a funnel stage.")
    block = [{"id": "x", "kind": "cache"}]
    assert stale_waiver_mentions(design_of(block, notes=ad)) == ["REL-2"]
    assert stale_waiver_mentions(design_of(block, notes=visual)) == ["LAT-5"]
    assert stale_waiver_mentions(design_of(block, notes="SEC-4 and SEC-7 are waived: faces are the purpose.")) == [
        "SEC-4", "SEC-7"]
    kept = [{"rule": "LAT-5", "reason": "the encoder embeds the query"}]
    assert stale_waiver_mentions(design_of(block, notes=visual, waivers=kept)) == []
    assert stale_waiver_mentions(design_of(block, notes="REL-2 passes without a waiver now.")) == []
    assert stale_waiver_mentions(design_of(block, notes="REL-2 fires.\n\nNo waiver is needed.")) == []


def test_there_are_at_least_four_designs():
    assert len(list(DESIGNS.glob("*.json"))) >= 4


@pytest.mark.parametrize("path", ALL_FILES, ids=_name)
def test_design_loads_and_is_realistic(path):
    design = _load(path)
    assert len(design.components) >= 15
    assert design.requirements.sla_p99_ms is not None
    assert design.requirements.peak_qps is not None


@pytest.mark.parametrize("path", sorted(DESIGNS.glob("*.json")), ids=_name)
def test_example_design_explains_itself(path):
    design = _load(path)
    assert design.description.strip() and design.tags
    assert "## Sources" in design.notes  # the notes cite where the numbers come from


@pytest.mark.parametrize("path", ALL_FILES, ids=_name)
def test_blocks_do_not_overlap_on_the_canvas(path):
    assert overlapping(_load(path)) == []


def test_overlap_check_sees_overlapping_boxes():
    design = Design.model_validate({
        "name": "overlap",
        "components": [
            {"id": "a", "kind": "cache", "position": {"x": 0, "y": 0}},
            {"id": "b", "kind": "cache", "position": {"x": 179, "y": 69}},
            {"id": "c", "kind": "cache", "position": {"x": 359, "y": 0}},  # 180 right of b: apart
            {"id": "d", "kind": "cache", "position": {"x": 0, "y": 139}},  # 70 below b: apart
        ],
    })
    assert overlapping(design) == [("a", "b")]


@pytest.mark.parametrize("path", ALL_FILES, ids=_name)
def test_every_rule_runs_on_the_design(path):
    crashed = [r.rule.id for r in _report(path).results if r.status == "error"]
    assert crashed == []


@pytest.mark.parametrize("path", ALL_FILES, ids=_name)
def test_every_waiver_accepts_a_finding(path):
    report = _report(path)
    for waiver in report.design.waivers:
        accepted = [f for f in report.findings if f.waived and f.rule == waiver.rule]
        assert accepted, f"waiver of {waiver.rule} accepts no finding: remove it"


@pytest.mark.parametrize("filename", sorted(INTENDED))
def test_review_exercise_shows_its_intended_flaws(filename):
    ids = {f.rule for f in _report(DESIGNS / filename).active}
    assert INTENDED[filename] <= ids


@pytest.mark.parametrize("filename", sorted(INTENDED))
def test_review_exercise_shows_nothing_but_its_flaws(filename):
    ids = {f.rule for f in _report(DESIGNS / filename).active}
    assert ids - INTENDED[filename] - CONSEQUENCES[filename] == set()


@pytest.mark.parametrize("filename", SOUND)
def test_sound_design_has_no_unwaived_error(filename):
    errors = [f"{f.rule} {f.components}: {f.message}" for f in _report(DESIGNS / filename).active
              if f.severity == "error"]
    assert errors == []


def test_fraud_scoring_service_is_the_single_point_of_failure():
    findings = [f for f in _report(DESIGNS / "card_fraud_scoring.json").active if f.rule == "REL-1"]
    assert {c for f in findings for c in f.components} == {"scoring"}


def test_fraud_pii_finding_names_the_training_side():
    findings = [f for f in _report(DESIGNS / "card_fraud_scoring.json").active if f.rule == "SEC-4"]
    named = " ".join(f.message for f in findings)  # the sinks further on are named in the message
    assert "(training_pipeline)" in named and "(offline_feature_store)" in named

"""The rubric pre-filled from the checklists and the comparison with the reference, each level with reasons.

For each rubric dimension, grading collects *evidence*: items that earn some of their possible points, each
with a sentence saying what was found. The level follows from the share of points earned (``LEVEL_SHARES``),
and an unwaived error-severity finding in the dimension (or a latency or capacity miss against the prompt)
caps it at weak, as an interviewer would not call an answer strong with a blocker in it.

Where evidence comes from:
- **checklist rules** map to dimensions by category (``RULE_CATEGORY_DIMENSION``) with a few rules moved to
  the dimension they speak to (``RULE_DIMENSION``); a rule weighs its severity (error 3, warning 2, info 1,
  as in the checks-passed score); it earns them when it passes or its findings are all waived; rules that do not
  apply are left out (the block comparison catches what is missing altogether);
- **key blocks**: each kind the prompt names weighs ``KEY_BLOCK_POINTS`` and each further kind of the
  reference ``REFERENCE_BLOCK_POINTS``; a missing kind with a stand-in that can do its job
  (``mlsd.practice.compare.ALTERNATIVES``) earns half; kinds map to dimensions by category
  (``CATEGORY_DIMENSION``, with ``KIND_DIMENSION`` overrides);
- **requirements**: each number of the prompt weighs ``REQUIREMENT_POINTS``, half for a number declared but
  more than 2x off;
- **latency and capacity** against the prompt's SLA and peak (serving & scale);
- **notes**: the phase notes and the design's notes (framing metrics, numbers in the requirements notes,
  communication).

Everything is deterministic: the same design, prompt, reference and notes give the same grades.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from mlsd.catalog import KINDS
from mlsd.model import Design
from mlsd.practice.compare import Comparison, compare, show
from mlsd.practice.phases import PHASE_IDS
from mlsd.practice.prompts import Prompt
from mlsd.practice.rubric import DIMENSION_IDS, DimensionGrade, DimensionId, Level, total_score
from mlsd.rules import Report, RuleResult, check
from mlsd.rules.engine import SEVERITY_WEIGHT

# share of the possible points earned -> level: nearly everything a strong answer has (90%) is very strong,
# about two thirds strong, at least a third weak, less very weak
LEVEL_SHARES: tuple[tuple[float, Level], ...] = ((0.9, 4), (0.65, 3), (0.35, 2), (0.0, 1))
BLOCKER_CAP: Level = 2  # highest level with an unwaived error (or a latency/capacity miss) in the dimension
NO_EVIDENCE_LEVEL: Level = 2  # nothing in the design speaks to the dimension: weak until the candidate says
KEY_BLOCK_POINTS = 3.0  # a key block weighs as much as an error-severity rule
REFERENCE_BLOCK_POINTS = 1.0  # a further block of the reference weighs as much as an info rule
REQUIREMENT_POINTS = 3.0  # a number the prompt gives weighs as much as an error-severity rule
SLA_POINTS = CAPACITY_POINTS = 3.0  # the same weight as LAT-1 and CAP-1 (errors)
NOTE_POINTS = 2.0  # a note signal weighs as much as a warning-severity rule
MIN_PHASE_WORDS = 15  # a phase note of two short sentences or more counts as filled
MIN_DESIGN_NOTE_WORDS = 50  # design notes of a paragraph explain the main choices
MIN_WAIVER_WORDS = 5  # a waiver reason of fewer words ("ok", "not needed") explains nothing
MIN_NUMBERS_IN_REQUIREMENT_NOTES = 2  # at least latency and load, the two numbers every design needs
MAX_REASON_CHARS = 300  # findings' messages are cut in reasons to keep them readable

RULE_CATEGORY_DIMENSION: dict[str, DimensionId] = {
    "sla": "serving",
    "scalability": "serving",
    "reliability": "serving",
    "privacy": "data",
    "data": "data",
    "training": "model",
    "serving": "deployment",
    "monitoring": "deployment",
    "structure": "communication",
}
RULE_DIMENSION: dict[str, DimensionId] = {
    "CAP-7": "requirements",  # the scale is declared: scoping, not serving
    "DAT-1": "features",  # training/serving skew
    "DAT-3": "features",  # fresh features from a stream
    "DAT-5": "features",  # point-in-time joins
    "DAT-8": "features",  # what readers see is as fresh as required
    "SRV-5": "model",  # cold start: candidate sources for new items and new users
    "TRN-2": "framing",  # imbalance and a metric that is not accuracy
    "TRN-4": "framing",  # offline and online metrics declared
    "SEC-8": "serving",  # an authenticated gateway in front of inference
}
CATEGORY_DIMENSION: dict[str, DimensionId] = {
    "clients": "serving",
    "data_sources": "data",
    "storage": "data",
    "processing": "data",
    "features": "features",
    "training": "model",
    "models": "model",
    "serving": "serving",
    "monitoring": "deployment",
    "privacy": "data",
    "other": "communication",  # a generic box (mlsd.catalog.other): an unnamed part of the drawing
}
KIND_DIMENSION: dict[str, DimensionId] = {
    "labeling": "data",
    "stream_processor": "features",
    "model_registry": "deployment",
    "validation_gate": "deployment",
    "orchestrator": "deployment",
    "vector_index": "serving",  # the retrieval index is read on the request path
    "kv_store": "serving",  # precomputed results looked up online
}
METRIC_WORDS = re.compile(
    r"\b(precision|recall|auc|pr-auc|roc|ndcg|mrr|map|f1|log ?loss|cross-entropy|calibration|ctr|"
    r"click-through|watch time|dwell|conversion|retention|engagement|hit rate|revenue|latency|"
    r"false positive|false negative|coverage|diversity|acceptance)\b",
    re.IGNORECASE,
)
NUMBER = re.compile(r"\d[\d,.]*\s*(?:k|m|b|%|ms|qps|gb|tb|pb)?\b", re.IGNORECASE)


@dataclass(frozen=True)
class Evidence:
    """One thing found for a dimension: points earned of those possible, and the sentence saying why."""

    earned: float
    possible: float
    reason: str
    blocker: bool = False


def rule_dimension(rule_id: str, category: str) -> DimensionId:
    """The rubric dimension a checklist rule speaks to."""
    return RULE_DIMENSION.get(rule_id, RULE_CATEGORY_DIMENSION.get(category, "communication"))


def kind_dimension(kind: str) -> DimensionId:
    """The rubric dimension a kind of block speaks to."""
    return KIND_DIMENSION.get(kind, CATEGORY_DIMENSION[KINDS[kind].category])


def _cut(text: str) -> str:
    return text if len(text) <= MAX_REASON_CHARS else text[: MAX_REASON_CHARS - 1].rstrip() + "…"


def _and(items: Sequence[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _rule_evidence(results: Iterable[RuleResult]) -> list[Evidence]:
    passed: list[RuleResult] = []
    out: list[Evidence] = []
    for res in results:
        if res.status == "not_applicable":
            continue
        weight = float(SEVERITY_WEIGHT[res.rule.severity])
        active = [f for f in res.findings if not f.waived]
        if res.status == "passed" or (res.status == "failed" and not active):
            passed.append(res)
            continue
        message = (active[0].message if active else res.reason).rstrip().rstrip(".")
        more = f" (and {len(active) - 1} more)" if len(active) > 1 else ""
        blocker = res.rule.severity == "error"
        text = f"{res.rule.id} failed ({res.rule.title[0].lower()}{res.rule.title[1:]}): {message}{more}."
        out.append(Evidence(0.0, weight, _cut(text), blocker))
    if passed:
        ids = [f"{r.rule.id} ({r.rule.title.lower()})" for r in passed]
        earned = sum(float(SEVERITY_WEIGHT[r.rule.severity]) for r in passed)
        waived = sum(1 for r in passed if r.status == "failed")
        note = f"; {waived} with findings accepted by waivers" if waived else ""
        out.insert(0, Evidence(earned, earned, _cut(f"Checklist passes {_and(ids)}{note}.")))
    return out


def in_sentence(label: str) -> str:
    """A block kind's label inside a sentence: lower case, but acronyms kept ("Third-party API" -> "third-party
    API", "Key management (KMS)" -> "key management (KMS)")."""
    return " ".join(w if sum(c.isupper() for c in w) > 1 else w.lower() for w in label.split(" "))


def _block_evidence(comparison: Comparison, dimension: DimensionId) -> list[Evidence]:
    matches = [b for b in comparison.blocks if kind_dimension(b.kind) == dimension]
    out: list[Evidence] = []
    for key in (True, False):
        group = [b for b in matches if b.key == key]
        if not group:
            continue
        points = KEY_BLOCK_POINTS if key else REFERENCE_BLOCK_POINTS
        whose = "key blocks of this prompt" if key else "in the reference design"
        present = [in_sentence(b.label) for b in group if b.present]
        stand_ins = [b for b in group if not b.present and b.substitutes]
        absent = [in_sentence(b.label) for b in group if not b.present and not b.substitutes]
        if present:
            like = "key blocks of this prompt" if key else "like the reference"
            out.append(Evidence(points * len(present), points * len(present),
                                f"Has {_and(present)} ({like})." if key else f"Has {_and(present)} {like}."))
        for b in stand_ins:
            subs = _and([in_sentence(KINDS[k].label) for k in b.substitutes])
            out.append(Evidence(points / 2, points,
                                f"Uses {subs} where the reference has {in_sentence(b.label)} (half credit)."))
        if absent:
            out.append(Evidence(0.0, points * len(absent), f"Lacks {_and(absent)} ({whose})."))
    return out


def _requirement_evidence(comparison: Comparison) -> list[Evidence]:
    matched = [r for r in comparison.requirements if r.status == "match"]
    out: list[Evidence] = []
    if matched:
        said = _and([f"{r.label} {r.declared_text}" for r in matched])
        out.append(Evidence(REQUIREMENT_POINTS * len(matched), REQUIREMENT_POINTS * len(matched),
                            f"Requirements declare {said}, matching the prompt."))
    for r in comparison.requirements:
        if r.status == "off":
            out.append(Evidence(REQUIREMENT_POINTS / 2, REQUIREMENT_POINTS,
                                f"The {r.label} declared ({r.declared_text}) is more than 2x off the prompt's "
                                f"{r.expected_text}." if r.field != "regions" else
                                f"Requirements name {r.declared_text} but the prompt serves {r.expected_text}."))
    missing = [r for r in comparison.requirements if r.status == "missing"]
    if missing:
        said = _and([f"{r.label} (the prompt says {r.expected_text})" for r in missing])
        out.append(Evidence(0.0, REQUIREMENT_POINTS * len(missing), f"Requirements do not declare {said}."))
    return out


def _latency_capacity_evidence(comparison: Comparison) -> list[Evidence]:
    lat, cap = comparison.latency, comparison.capacity
    out: list[Evidence] = []
    if lat.sla_ms is not None:
        if lat.within is None:
            out.append(Evidence(0.0, SLA_POINTS, f"No request path from a client or serving block: the latency "
                                f"cannot be checked against the {show('sla_p99_ms', lat.sla_ms)} SLA."))
        elif lat.within:
            out.append(Evidence(SLA_POINTS, SLA_POINTS, f"The slowest request path has a p99 of "
                                f"{show('sla_p99_ms', lat.worst_p99_ms)} at the prompt's peak, within its "
                                f"{show('sla_p99_ms', lat.sla_ms)} SLA."))
        elif lat.saturated:
            out.append(Evidence(0.0, SLA_POINTS, "The slowest request path is saturated at the prompt's peak (a "
                                "tier on it cannot carry the load), so it has no p99 within the "
                                f"{show('sla_p99_ms', lat.sla_ms)} SLA.", blocker=True))
        else:
            out.append(Evidence(0.0, SLA_POINTS, f"The slowest request path has a p99 of "
                                f"{show('sla_p99_ms', lat.worst_p99_ms)} at the prompt's peak, over its "
                                f"{show('sla_p99_ms', lat.sla_ms)} SLA.", blocker=True))
    if cap.peak_qps is not None:
        peak = show("peak_qps", cap.peak_qps)
        if cap.enough is None:
            out.append(Evidence(0.0, CAPACITY_POINTS, f"No tier on a request path declares its throughput: "
                                f"capacity cannot be checked against the prompt's {peak} peak."))
        elif cap.enough:
            managed = (f"; {cap.managed} managed service{'s' if cap.managed != 1 else ''} scale on the provider's "
                       "side" if cap.managed else "")
            out.append(Evidence(CAPACITY_POINTS, CAPACITY_POINTS, f"All {cap.tiers} sized tiers carry the "
                                f"prompt's {peak} peak with {cap.headroom:.0%} headroom{managed}."))
        else:
            tiers = _and([f"{t.label} ({t.running} replicas, {t.needed} needed)" for t in cap.short[:4]])
            out.append(Evidence(0.0, CAPACITY_POINTS, f"Too few replicas for the prompt's {peak} peak: {tiers}.",
                                blocker=True))
    return out


def _words(text: str) -> int:
    return len(text.split())


def _framing_evidence(candidate: Design, phase_notes: dict[str, str]) -> list[Evidence]:
    out: list[Evidence] = []
    for prop, what in (("offline_metric", "an offline metric"), ("online_metric", "an online metric")):
        values = sorted({str(c.prop(prop)) for c in candidate.components if c.prop(prop)})
        if values:
            shown = "; ".join(f"'{v}'" for v in values[:3])
            out.append(Evidence(NOTE_POINTS, NOTE_POINTS, f"Declares {what}: {shown}."))
        else:
            out.append(Evidence(0.0, NOTE_POINTS, f"No block declares {what} ({prop})."))
    text = f"{phase_notes.get('framing', '')}\n{candidate.notes}"
    named = sorted({m.group(0).lower() for m in METRIC_WORDS.finditer(text)})
    if named:
        out.append(Evidence(NOTE_POINTS, NOTE_POINTS, f"The notes name metrics: {_and(named[:5])}."))
    else:
        out.append(Evidence(0.0, NOTE_POINTS, "Neither the framing notes nor the design notes name a metric."))
    return out


def _requirement_notes_evidence(phase_notes: dict[str, str]) -> Evidence:
    numbers = NUMBER.findall(phase_notes.get("requirements", ""))
    if len(numbers) >= MIN_NUMBERS_IN_REQUIREMENT_NOTES:
        return Evidence(NOTE_POINTS, NOTE_POINTS, f"The requirements notes state {len(numbers)} numbers.")
    return Evidence(0.0, NOTE_POINTS, "The requirements notes state fewer than "
                    f"{MIN_NUMBERS_IN_REQUIREMENT_NOTES} numbers (latency, load, data size...).")


def _communication_evidence(candidate: Design, phase_notes: dict[str, str]) -> list[Evidence]:
    filled = [p for p in PHASE_IDS if _words(phase_notes.get(p, "")) >= MIN_PHASE_WORDS]
    empty = [p for p in PHASE_IDS if p not in filled]
    out = [Evidence(NOTE_POINTS * len(filled) / len(PHASE_IDS), NOTE_POINTS,
                    f"Notes filled for {len(filled)} of {len(PHASE_IDS)} phases"
                    + (f"; little or nothing for {_and(empty)}." if empty else "."))]
    words = _words(candidate.notes)
    out.append(Evidence(NOTE_POINTS if words >= MIN_DESIGN_NOTE_WORDS else 0.0, NOTE_POINTS,
                        f"The design notes run to {words} words"
                        + ("." if words >= MIN_DESIGN_NOTE_WORDS else
                           f", short of a paragraph ({MIN_DESIGN_NOTE_WORDS}) explaining the main choices.")))
    if candidate.components:
        labelled = sum(1 for c in candidate.components if c.label.strip())
        share = labelled / len(candidate.components)
        out.append(Evidence(NOTE_POINTS * share, NOTE_POINTS,
                            f"Blocks with their own label: {labelled} of {len(candidate.components)}."))
    if candidate.waivers:
        thin = [w.rule for w in candidate.waivers if _words(w.reason) < MIN_WAIVER_WORDS]
        out.append(Evidence(0.0 if thin else NOTE_POINTS, NOTE_POINTS,
                            f"Waivers of {_and(thin)} give too short a reason." if thin else
                            f"Every waiver ({len(candidate.waivers)}) gives its reason."))
    return out


def level_for(evidence: list[Evidence]) -> Level:
    """The level the evidence supports: share of points earned, capped at weak by a blocker."""
    possible = sum(e.possible for e in evidence)
    if possible <= 0:
        return NO_EVIDENCE_LEVEL
    share = sum(e.earned for e in evidence) / possible
    level: Level = next(lv for threshold, lv in LEVEL_SHARES if share >= threshold)
    if any(e.blocker for e in evidence) and level > BLOCKER_CAP:
        level = BLOCKER_CAP
    return level


def evidence_by_dimension(candidate: Design, prompt: Prompt, reference: Design, phase_notes: dict[str, str],
                          report: Report | None = None, comparison: Comparison | None = None
                          ) -> dict[DimensionId, list[Evidence]]:
    """Every piece of evidence grading found, by dimension."""
    report = report or check(candidate)
    comparison = comparison or compare(candidate, reference, prompt)
    by_dim: dict[DimensionId, list[RuleResult]] = {d: [] for d in DIMENSION_IDS}
    for res in report.results:
        by_dim[rule_dimension(res.rule.id, res.rule.category)].append(res)
    out: dict[DimensionId, list[Evidence]] = {}
    for d in DIMENSION_IDS:
        items: list[Evidence] = []
        if d == "requirements":
            items += _requirement_evidence(comparison)
            items.append(_requirement_notes_evidence(phase_notes))
        elif d == "framing":
            items += _framing_evidence(candidate, phase_notes)
        elif d == "serving":
            items += _latency_capacity_evidence(comparison)
        elif d == "communication":
            items += _communication_evidence(candidate, phase_notes)
        items += _block_evidence(comparison, d)
        items += _rule_evidence(by_dim[d])
        out[d] = items
    return out


def prefill(candidate: Design, prompt: Prompt, reference: Design, phase_notes: dict[str, str] | None = None,
            report: Report | None = None, comparison: Comparison | None = None) -> list[DimensionGrade]:
    """The rubric pre-filled for a candidate's answer: one grade per dimension, with its reasons.

    ``report`` and ``comparison`` may be passed when the caller has them already (the page shows both).
    """
    notes = {k: v for k, v in (phase_notes or {}).items() if isinstance(v, str)}
    evidence = evidence_by_dimension(candidate, prompt, reference, notes, report, comparison)
    grades = []
    for d in DIMENSION_IDS:
        items = evidence[d]
        level = level_for(items)
        reasons = [e.reason for e in items] or [
            "Nothing in the design speaks to this dimension yet; grade it from what you said."
        ]
        if any(e.blocker for e in items) and level == BLOCKER_CAP:
            reasons.append("An error-level problem in this dimension caps the level at weak.")
        grades.append(DimensionGrade(dimension=d, level=level, prefill_level=level, reasons=tuple(reasons)))
    return grades


__all__ = [
    "Evidence", "evidence_by_dimension", "kind_dimension", "level_for", "prefill", "rule_dimension", "total_score",
]

"""What a candidate's design has and lacks, against a prompt and the prompt's reference design.

Four comparisons, each plain data that the practice page shows and grading turns into reasons:
- **blocks**: the prompt's key kinds and the reference's kinds, each present or missing in the candidate (by
  kind), and for a missing kind the candidate's kinds that can do its job (``ALTERNATIVES``); and the
  reference's catalog categories the candidate covers or not;
- **requirements**: each number the prompt gives, and whether the candidate's requirements declare it within
  a factor of 2 (``CLOSE_FACTOR``);
- **latency**: the candidate's worst serving path (its p99 at the prompt's peak, queueing included:
  ``mlsd.analysis``) against the prompt's SLA; a path through a tier that cannot carry that peak is saturated;
- **capacity**: whether every self-run tier on the candidate's serving paths carries the *prompt's* peak QPS
  with the prompt's headroom.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Literal

from mlsd.analysis import analyze, is_serving_entry
from mlsd.catalog import KINDS
from mlsd.model import Design, Requirements
from mlsd.practice.prompts import Prompt

CLOSE_FACTOR = 2.0  # a declared number within 2x of the prompt's counts as the same order of magnitude
NUMERIC_FIELDS: tuple[str, ...] = (
    "sla_p99_ms", "peak_qps", "data_volume_gb", "daily_active_users", "corpus_size", "freshness_minutes",
    "positive_rate",
)
FIELD_LABELS: dict[str, str] = {
    "sla_p99_ms": "SLA",
    "peak_qps": "peak",
    "data_volume_gb": "data volume",
    "daily_active_users": "daily active users",
    "corpus_size": "corpus size",
    "freshness_minutes": "freshness",
    "positive_rate": "positive rate",
    "regions": "regions",
}
Status = Literal["match", "off", "missing"]
# kinds that can do one another's job in a design: a candidate with one of them has the capability the
# reference draws with another (a GBDT where the reference ranks with a DNN); a kind may be in several groups
ALTERNATIVES: tuple[frozenset[str], ...] = (
    frozenset({"logistic_regression", "gbdt", "dnn", "two_tower", "transformer", "multi_stage_ranker"}),
    frozenset({"heuristic_baseline", "logistic_regression"}),  # a baseline (Rules of ML #1, ML Test Score M5)
    frozenset({"data_lake", "data_warehouse", "hdfs", "object_storage"}),  # bulk storage of training data
    frozenset({"online_feature_store", "embedding_store", "kv_store"}),  # features looked up by key online
    frozenset({"feature_pipeline", "batch_etl"}),  # scheduled batch transformation
    frozenset({"anonymizer", "differential_privacy"}),  # data minimisation before ML sinks
    frozenset({"shadow_deployment", "ab_testing"}),  # gradual rollout on live traffic
    frozenset({"metrics_dashboard", "logging"}),  # where serving is observed
    frozenset({"api_gateway", "load_balancer"}),  # the front door
    frozenset({"candidate_generation", "vector_index"}),  # retrieval from a large corpus
    frozenset({"multi_stage_ranker", "reranker"}),  # late-stage ordering of candidates
)


def alternatives(kind: str) -> frozenset[str]:
    """Kinds that can stand in for ``kind`` (never ``kind`` itself)."""
    out: set[str] = set()
    for group in ALTERNATIVES:
        if kind in group:
            out |= group
    out.discard(kind)
    return frozenset(out)


def show(field: str, value: float | list[str] | None) -> str:
    """A requirement value as people write it: '200 ms', '50,000 QPS', '1.5%'..."""
    if value is None:
        return "not declared"
    if isinstance(value, list):
        return ", ".join(value) if value else "none"
    if field == "positive_rate":
        return f"{value:.2%}" if value < 0.01 else f"{value:.1%}"
    units = {"sla_p99_ms": " ms", "peak_qps": " QPS", "data_volume_gb": " GB", "freshness_minutes": " min"}
    number = f"{value:,.0f}" if value >= 10 or float(value).is_integer() else f"{value:g}"
    return number + units.get(field, "")


@dataclass(frozen=True)
class BlockMatch:
    """One kind a strong answer has: present in the candidate or not, and what stands in for it."""

    kind: str
    label: str
    category: str
    key: bool  # one of the prompt's key blocks (else only in the reference)
    present: bool
    substitutes: tuple[str, ...] = ()  # candidate kinds that can do its job (ALTERNATIVES), when it is missing


@dataclass(frozen=True)
class RequirementMatch:
    """One number of the prompt and what the candidate's requirements declare for it."""

    field: str
    label: str
    expected: float | list[str]
    declared: float | list[str] | None
    status: Status

    @property
    def expected_text(self) -> str:
        return show(self.field, self.expected)

    @property
    def declared_text(self) -> str:
        return show(self.field, self.declared)


@dataclass(frozen=True)
class LatencyCheck:
    """The candidate's slowest serving path against the prompt's SLA (None: nothing to compare)."""

    sla_ms: float | None
    worst_p99_ms: float | None  # None when there is no path, or the worst one is saturated
    worst_entry: str | None
    paths: int
    within: bool | None
    saturated: bool = False  # the worst path runs through a tier at or above 100% of its capacity


@dataclass(frozen=True)
class ShortTier:
    """A tier with fewer replicas than the prompt's peak needs."""

    block: str
    label: str
    peak_qps: float
    needed: int
    running: int


@dataclass(frozen=True)
class CapacityCheck:
    """Whether the candidate's serving tiers carry the prompt's peak QPS with headroom."""

    peak_qps: float | None
    headroom: float
    tiers: int  # self-run tiers on serving paths that declare qps_per_replica
    managed: int  # managed services on serving paths (they scale on the provider's side)
    short: tuple[ShortTier, ...]
    enough: bool | None


@dataclass(frozen=True)
class Comparison:
    """The candidate against the prompt and its reference design."""

    prompt_id: str
    blocks: tuple[BlockMatch, ...]
    categories_present: tuple[str, ...]
    categories_missing: tuple[str, ...]
    requirements: tuple[RequirementMatch, ...]
    latency: LatencyCheck
    capacity: CapacityCheck

    @property
    def key_present(self) -> list[BlockMatch]:
        return [b for b in self.blocks if b.key and b.present]

    @property
    def key_missing(self) -> list[BlockMatch]:
        return [b for b in self.blocks if b.key and not b.present]

    @property
    def reference_present(self) -> list[BlockMatch]:
        return [b for b in self.blocks if not b.key and b.present]

    @property
    def reference_missing(self) -> list[BlockMatch]:
        return [b for b in self.blocks if not b.key and not b.present]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (for the page and the library)."""
        data = asdict(self)
        for key in ("key_present", "key_missing", "reference_present", "reference_missing"):
            data[key] = [b.kind for b in getattr(self, key)]
        return data


def _blocks(candidate: Design, reference: Design, prompt: Prompt) -> tuple[BlockMatch, ...]:
    have = list(dict.fromkeys(c.kind for c in candidate.components))
    wanted = list(dict.fromkeys([*prompt.key_blocks, *(c.kind for c in reference.components)]))
    out = []
    for kind in wanted:
        entry = KINDS[kind]
        present = kind in have
        others = alternatives(kind)
        subs = () if present else tuple(k for k in have if k in others)
        out.append(BlockMatch(kind, entry.label, entry.category, kind in prompt.key_blocks, present, subs))
    return tuple(out)


def _close(expected: float, declared: float) -> bool:
    if expected == declared:
        return True
    if expected <= 0 or declared <= 0:
        return False
    return max(expected, declared) / min(expected, declared) <= CLOSE_FACTOR


def _requirements(candidate: Requirements, prompt: Requirements) -> tuple[RequirementMatch, ...]:
    out = []
    for field in NUMERIC_FIELDS:
        expected = getattr(prompt, field)
        if expected is None:
            continue
        declared = getattr(candidate, field)
        status: Status = "missing" if declared is None else ("match" if _close(expected, declared) else "off")
        out.append(RequirementMatch(field, FIELD_LABELS[field], expected, declared, status))
    if prompt.regions:
        regions = list(candidate.regions)
        # region names vary ("EU", "eu-west-1"); what matters is serving as many regions as the prompt asks
        status = "missing" if not regions else ("match" if len(regions) >= len(prompt.regions) else "off")
        out.append(RequirementMatch("regions", FIELD_LABELS["regions"], list(prompt.regions), regions or None,
                                    status))
    return tuple(out)


def _with_prompt_load(candidate: Design, prompt: Requirements) -> Design:
    """The candidate with the prompt's SLA, peak and headroom, so that its tiers are judged on the prompt."""
    req = candidate.requirements.model_copy(
        update={"sla_p99_ms": prompt.sla_p99_ms, "peak_qps": prompt.peak_qps, "headroom": prompt.headroom}
    )
    return candidate.model_copy(update={"requirements": req})


def compare(candidate: Design, reference: Design, prompt: Prompt) -> Comparison:
    """Compare a candidate's design with the prompt's numbers and the reference design."""
    blocks = _blocks(candidate, reference, prompt)
    ref_categories = list(dict.fromkeys(KINDS[c.kind].category for c in reference.components))
    cand_categories = {KINDS[c.kind].category for c in candidate.components}

    judged = _with_prompt_load(candidate, prompt.requirements)
    analysis = analyze(judged)
    by_id = judged.by_id()
    serving = [p for p in analysis.paths if is_serving_entry(by_id[p.entry]) and not p.asynchronous]  # async: LAT-6
    sla = prompt.requirements.sla_p99_ms
    worst = max(serving, key=lambda p: math.inf if p.p99_ms is None else p.p99_ms, default=None)
    saturated = worst is not None and worst.p99_ms is None
    worst_ms = worst.p99_ms if worst is not None else None
    latency = LatencyCheck(
        sla_ms=sla,
        worst_p99_ms=worst_ms,
        worst_entry=worst.entry if worst is not None else None,
        paths=len(serving),
        within=None if sla is None or worst is None else (not saturated and worst_ms is not None and worst_ms <= sla),
        saturated=saturated,
    )

    on_path = list(dict.fromkeys(b for p in serving for b in p.blocks))
    short = []
    tiers = managed = 0
    for b in on_path:
        c = by_id[b]
        props = {**KINDS[c.kind].props, **c.props}
        t = analysis.capacity.get(b)
        if c.kind == "client":
            continue
        if props.get("managed") is True:
            managed += 1
            continue
        if t is None or t.qps_per_replica is None:
            continue
        tiers += 1
        running = t.reach_replicas or t.replicas  # as CAP-1 counts them (max_replicas with a stated scale-up)
        if t.needed_replicas is not None and running < t.needed_replicas:
            short.append(ShortTier(b, c.title, t.peak_qps, t.needed_replicas, running))
    peak = prompt.requirements.peak_qps
    capacity = CapacityCheck(
        peak_qps=peak,
        headroom=prompt.requirements.headroom,
        tiers=tiers,
        managed=managed,
        short=tuple(short),
        enough=None if peak is None or tiers + managed == 0 else not short,
    )
    return Comparison(
        prompt_id=prompt.id,
        blocks=blocks,
        categories_present=tuple(c for c in ref_categories if c in cand_categories),
        categories_missing=tuple(c for c in ref_categories if c not in cand_categories),
        requirements=_requirements(candidate.requirements, prompt.requirements),
        latency=latency,
        capacity=capacity,
    )

"""The interview rubric: eight dimensions, four levels, and the total score.

The dimensions follow the interview guides gathered in ``research/checklists.md`` (interviewhandbook.io's ML
rubric, Exponent's ML rubric, Xu & Aminian's framework); the scale very weak / weak / strong / very strong is
Exponent's. The total score weighs every dimension equally, as those rubrics do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

DimensionId = Literal[
    "requirements", "framing", "data", "features", "model", "serving", "deployment", "communication"
]
Level = Literal[1, 2, 3, 4]
LEVELS: dict[int, str] = {1: "very weak", 2: "weak", 3: "strong", 4: "very strong"}
MIN_LEVEL, MAX_LEVEL = 1, 4


@dataclass(frozen=True)
class Dimension:
    """One rubric dimension: its id, how it is shown, and what an interviewer looks for."""

    id: DimensionId
    label: str
    looks_for: str


DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("requirements", "Requirements & scoping",
              "Clarifies the goal and pins the numbers: latency SLA, peak QPS, data volume, users, corpus."),
    Dimension("framing", "ML framing & metrics",
              "Turns the goal into an ML task with a label, and picks offline and online metrics that fit it."),
    Dimension("data", "Data & labels",
              "Knows where data and labels come from, validates and versions them, and protects personal data."),
    Dimension("features", "Features",
              "Computes features once for training and serving, fresh where it matters, without leakage."),
    Dimension("model", "Model",
              "Starts from a baseline, picks a model family that fits, trains and evaluates it soundly."),
    Dimension("serving", "Serving & scale",
              "Serves within the SLA at peak load, without single points of failure, with fallbacks."),
    Dimension("deployment", "Deployment & monitoring",
              "Ships models safely (registry, validation, gradual rollout) and watches them (drift, alerts)."),
    Dimension("communication", "Communication & trade-offs",
              "Explains choices and trade-offs as it goes, and leaves a readable design."),
)
DIMENSION_IDS: tuple[DimensionId, ...] = tuple(d.id for d in DIMENSIONS)
DIMENSION_BY_ID: dict[str, Dimension] = {d.id: d for d in DIMENSIONS}


class DimensionGrade(BaseModel):
    """The grade of one dimension: the level, the level the checklists pre-filled, and why."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    dimension: DimensionId
    level: Level = Field(description="1 very weak, 2 weak, 3 strong, 4 very strong.")
    prefill_level: Level | None = Field(None, description="The level pre-filled by grading, before any change.")
    reasons: tuple[str, ...] = Field(default=(), description="Sentences explaining the pre-filled level.")

    @field_validator("reasons")
    @classmethod
    def _sentences(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if any(not r.strip() for r in value):
            raise ValueError("a reason must not be blank")
        return value

    @property
    def label(self) -> str:
        return LEVELS[self.level]

    @property
    def adjusted(self) -> bool:
        """Whether the candidate changed the pre-filled level."""
        return self.prefill_level is not None and self.level != self.prefill_level

    def with_level(self, level: int) -> DimensionGrade:
        """The grade with the candidate's level (the pre-filled level and the reasons are kept)."""
        if level not in LEVELS:
            raise ValueError(f"level must be one of {sorted(LEVELS)}, got {level}")
        return self.model_copy(update={"level": level})


def level_name(level: int) -> str:
    """'very weak', 'weak', 'strong' or 'very strong'."""
    return LEVELS[level]


def total_score(grades: Iterable[DimensionGrade]) -> float:
    """The total score 0-100: every dimension weighs the same; very weak = 0, very strong = 100.

    Each level maps linearly onto 0-100 ((level - 1) / 3 x 100), and the total is their mean. Every dimension
    must be graded exactly once, so that totals of different sessions compare.
    """
    by_dim: dict[str, DimensionGrade] = {}
    for g in grades:
        if g.dimension in by_dim:
            raise ValueError(f"dimension {g.dimension!r} is graded twice")
        by_dim[g.dimension] = g
    missing = [d for d in DIMENSION_IDS if d not in by_dim]
    if missing:
        raise ValueError(f"every dimension must be graded; missing {', '.join(missing)}")
    span = MAX_LEVEL - MIN_LEVEL
    return sum((by_dim[d].level - MIN_LEVEL) / span * 100.0 for d in DIMENSION_IDS) / len(DIMENSION_IDS)

"""The phases of an ML system-design interview answer, in order, with their default time budgets.

The order and the budgets follow the common 45-minute interview plan (Xu & Aminian, ch. 1; alirezadir's
9-step MLSD framework): clarify requirements, frame the ML problem and its metrics, data and features, model,
serving, then monitoring and a wrap-up.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PhaseId = Literal["requirements", "framing", "data", "model", "serving", "monitoring"]


@dataclass(frozen=True)
class Phase:
    """One phase of an answer: its id, how it is shown, and its default budget in minutes."""

    id: PhaseId
    label: str
    minutes: float
    goal: str


PHASES: tuple[Phase, ...] = (
    Phase("requirements", "Requirements", 5, "Clarify the goal, the users and the numbers: SLA, peak QPS, data."),
    Phase("framing", "Framing & metrics", 5, "Frame the ML task (input, output, label) and pick offline and "
          "online metrics."),
    Phase("data", "Data & features", 10, "Sources, labels, storage, feature pipelines and privacy."),
    Phase("model", "Model", 10, "Baseline first, then the model, training, evaluation and trade-offs."),
    Phase("serving", "Serving", 10, "The request path within the SLA, capacity, fallbacks and rollout."),
    Phase("monitoring", "Monitoring & wrap-up", 5, "Drift, alerting, retraining, feedback loops; summarise."),
)
PHASE_IDS: tuple[PhaseId, ...] = tuple(p.id for p in PHASES)
PHASE_BY_ID: dict[str, Phase] = {p.id: p for p in PHASES}


def phase_label(phase_id: str) -> str:
    """How a phase is shown; KeyError names an unknown phase."""
    try:
        return PHASE_BY_ID[phase_id].label
    except KeyError:
        raise KeyError(f"unknown phase {phase_id!r}; phases are {', '.join(PHASE_IDS)}") from None

"""The prompt bank: ML system-design interview prompts, each with the numbers a candidate should clarify.

Each prompt is one YAML file in ``prompt_bank/``, validated at load by the pydantic model ``Prompt`` (unknown
fields are refused, as in the design format). A prompt holds what the interviewer says, the clarifying
questions with the interviewer's answers, the same numbers as a design's ``Requirements`` (so that a
candidate's design can be compared with them), phase hints, difficulty, topics, the kinds of block a strong
answer must have, and the path of its reference design from the repository root.

Numbers come from Xu & Aminian, "Machine Learning System Design Interview" (the requirement dialogues of its
chapters), Huyen's exercises (chiphuyen/machine-learning-systems-design) and the research notes in
``research/checklists.md``; where a source gives only averages, ``notes`` says how the peak was derived.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError, field_validator

from mlsd.catalog import KINDS
from mlsd.model import Requirements

BANK = Path(__file__).resolve().parent / "prompt_bank"
REFERENCE_DIR = "designs/reference/"
Difficulty = Literal["easy", "medium", "hard"]
DIFFICULTIES: tuple[Difficulty, ...] = ("easy", "medium", "hard")
Topic = Literal[
    "recsys", "retrieval", "ranking", "search", "vision", "nlp", "classification", "fraud", "ads", "graph",
    "realtime", "batch",
]
TOPICS: tuple[str, ...] = Topic.__args__  # type: ignore[attr-defined]
Slug = Annotated[str, StringConstraints(pattern=r"^[a-z0-9]+(?:_[a-z0-9]+)*$", max_length=64)]
Text = Annotated[str, StringConstraints(min_length=1, max_length=2_000)]
SENTENCE_END = re.compile(r"[.?!](?:\s|$)")
MIN_SENTENCES, MAX_SENTENCES = 2, 4  # how an interviewer states a prompt: short, on purpose ambiguous


class PromptError(ValueError):
    """A prompt file is not a valid prompt; the message names the file and the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Clarification(_Strict):
    """A question the candidate should ask, and the interviewer's answer (with its number when there is one)."""

    question: Text
    answer: Text


class PhaseHints(_Strict):
    """What a strong answer covers in each phase (shown on request during a session)."""

    requirements: list[Text] = Field(min_length=1)
    framing: list[Text] = Field(min_length=1)
    data: list[Text] = Field(min_length=1)
    model: list[Text] = Field(min_length=1)
    serving: list[Text] = Field(min_length=1)
    monitoring: list[Text] = Field(min_length=1)

    def for_phase(self, phase_id: str) -> list[str]:
        """The hints of one phase (see ``mlsd.practice.phases``); KeyError for an unknown phase."""
        if phase_id not in type(self).model_fields:
            raise KeyError(f"unknown phase {phase_id!r}")
        hints: list[str] = getattr(self, phase_id)
        return list(hints)


class Prompt(_Strict):
    """One interview prompt and everything needed to practise and grade an answer to it."""

    id: Slug
    order: int = Field(ge=0, description="Position in the bank's listing.")
    title: Text
    prompt: Text = Field(description="What the interviewer says: 2-4 sentences.")
    clarifications: list[Clarification] = Field(min_length=3)
    requirements: Requirements
    notes: Text = Field(description="Where the numbers come from, and how peaks were derived from averages.")
    hints: PhaseHints
    difficulty: Difficulty
    topics: list[Topic] = Field(min_length=1)
    key_blocks: list[str] = Field(min_length=3, description="Kinds of block a strong answer must have.")
    reference: str = Field(description="Path of the reference design from the repository root.")
    sources: list[Text] = Field(min_length=1)

    @field_validator("prompt")
    @classmethod
    def _sentences(cls, value: str) -> str:
        count = len(SENTENCE_END.findall(value.strip()))
        if not MIN_SENTENCES <= count <= MAX_SENTENCES:
            raise ValueError(f"must be {MIN_SENTENCES}-{MAX_SENTENCES} sentences, got {count}")
        return value

    @field_validator("key_blocks")
    @classmethod
    def _known_kinds(cls, value: list[str]) -> list[str]:
        unknown = [k for k in value if k not in KINDS]
        if unknown:
            raise ValueError(f"unknown kinds {', '.join(unknown)} (see `python -m mlsd catalog`)")
        if len(set(value)) != len(value):
            raise ValueError("lists a kind more than once")
        return value

    @field_validator("reference")
    @classmethod
    def _reference_path(cls, value: str) -> str:
        if not (value.startswith(REFERENCE_DIR) and value.endswith(".json")) or ".." in value:
            raise ValueError(f"must be a .json file under {REFERENCE_DIR}, got {value!r}")
        return value

    def reference_path(self, root: Path) -> Path:
        """The reference design file under the repository ``root``."""
        return root / self.reference


def _load_file(path: Path) -> Prompt:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise PromptError(f"{path.name}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise PromptError(f"{path.name}: a prompt file holds one mapping, got {type(data).__name__}")
    try:
        prompt = Prompt.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or '(top)'}: {err['msg']}" for err in exc.errors()
        )
        raise PromptError(f"{path.name}: {problems}") from exc
    if path.stem != prompt.id:
        raise PromptError(f"{path.name}: the file must be named after the prompt id {prompt.id!r}")
    return prompt


def load_prompts(folder: Path = BANK) -> tuple[Prompt, ...]:
    """Every prompt in ``folder`` (``*.yaml``), in bank order; ``PromptError`` names a bad file and field."""
    prompts = [_load_file(p) for p in sorted(folder.glob("*.yaml"))]
    seen: dict[object, str] = {}
    for p in prompts:
        for key in (("id", p.id), ("order", p.order)):
            if key in seen:
                raise PromptError(f"{p.id}: {key[0]} {key[1]!r} is also used by {seen[key]}")
            seen[key] = p.id
    return tuple(sorted(prompts, key=lambda p: p.order))


@cache
def all_prompts() -> tuple[Prompt, ...]:
    """The bank's prompts (loaded once)."""
    return load_prompts()


def get_prompt(prompt_id: str) -> Prompt:
    """The prompt with this id; KeyError lists the known ids when there is none."""
    for p in all_prompts():
        if p.id == prompt_id:
            return p
    known = ", ".join(p.id for p in all_prompts())
    raise KeyError(f"no prompt {prompt_id!r}; known prompts: {known}")


def filter_prompts(topic: str | None = None, difficulty: str | None = None) -> list[Prompt]:
    """Prompts with this topic and this difficulty (None: any)."""
    return [
        p for p in all_prompts()
        if (topic is None or topic in p.topics) and (difficulty is None or p.difficulty == difficulty)
    ]


def prompt_dict(p: Prompt) -> dict[str, Any]:
    """A prompt as JSON-ready data; requirements list only the numbers the prompt gives."""
    data = p.model_dump(mode="json")
    data["requirements"] = p.requirements.model_dump(mode="json", exclude_none=True)
    return data


def prompts_json() -> list[dict[str, Any]]:
    """Every prompt as JSON-ready data (``python -m mlsd prompts --format json``)."""
    return [prompt_dict(p) for p in all_prompts()]


def requirements_line(req: Requirements) -> str:
    """The headline numbers of requirements, for listings: 'SLA 200 ms · peak 50,000 QPS · ...'."""
    parts = []
    if req.sla_p99_ms is not None:
        parts.append(f"SLA p99 {req.sla_p99_ms:,.0f} ms")
    if req.peak_qps is not None:
        parts.append(f"peak {req.peak_qps:,.0f} QPS")
    if req.daily_active_users is not None:
        parts.append(f"{req.daily_active_users:,.0f} DAU")
    if req.corpus_size is not None:
        parts.append(f"corpus {req.corpus_size:,.0f}")
    if req.positive_rate is not None:
        parts.append(f"positives {req.positive_rate:.2%}")
    return " · ".join(parts)


def prompts_text() -> str:
    """Every prompt as a readable listing (``python -m mlsd prompts``)."""
    prompts = all_prompts()
    width = max(len(p.id) for p in prompts)
    lines = []
    for p in prompts:
        lines.append(f"{p.id:<{width}}  {p.difficulty:<6}  {p.title}")
        lines.append(f"{'':<{width}}  {'':<6}  {requirements_line(p.requirements)}")
        lines.append(f"{'':<{width}}  {'':<6}  topics: {', '.join(p.topics)}; reference: {p.reference}")
    lines.append(f"{len(prompts)} prompts")
    return "\n".join(lines) + "\n"

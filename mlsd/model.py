"""The design model: the single definition of the design format ``mlsd/1``.

Here "component" means a placed block of a design (``Component``), not a Streamlit UI piece.
Every model forbids unknown fields, so a typo is an error rather than a silently ignored property.
Validation errors name the field and the block or connection id (see ``mlsd.io`` for how they are shown).
"""

from __future__ import annotations

import json
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from mlsd.catalog import KINDS, PROP_SPECS
from mlsd.catalog.props import PropValue

FORMAT = "mlsd/1"
MAX_COMPONENTS = 20_000
MAX_CONNECTIONS = 60_000
MAX_LABEL = 200
MAX_NAME = 200
MAX_NOTES = 100_000
FLOWS = ("request", "stream", "batch", "feedback")

Flow = Literal["request", "stream", "batch", "feedback"]
Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}$"),
    Field(description="1-64 letters, digits, '_', '.', '-'; starts with a letter, digit or '_'."),
]
FiniteFloat = Annotated[float, Field(allow_inf_nan=False)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=False, str_strip_whitespace=False)


def _clean_text(value: str, what: str, limit: int) -> str:
    if "\x00" in value:
        raise ValueError(f"{what} must not contain null bytes")
    if len(value) > limit:
        raise ValueError(f"{what} must be at most {limit} characters, got {len(value)}")
    return value


class Position(_Strict):
    """Where a block sits on the canvas, in canvas units (x grows right, y grows down)."""

    x: FiniteFloat = Field(0.0, ge=-1e7, le=1e7)
    y: FiniteFloat = Field(0.0, ge=-1e7, le=1e7)


class Component(_Strict):
    """A placed block: one building block of a catalog kind, with its own props."""

    id: Identifier
    kind: str = Field(description="A kind from the catalog (`python -m mlsd catalog`).")
    label: str = Field("", description=f"Text shown on the block; at most {MAX_LABEL} characters.")
    props: dict[str, PropValue] = Field(
        default_factory=dict, description="Typed properties; see the catalog for names, units and bounds."
    )
    position: Position = Field(default_factory=Position)

    @field_validator("label")
    @classmethod
    def _label(cls, value: str) -> str:
        return _clean_text(value, "label", MAX_LABEL)

    @model_validator(mode="after")
    def _kind_and_props(self) -> Component:
        if self.kind not in KINDS:
            raise ValueError(f"block {self.id!r}: unknown kind {self.kind!r} (see `python -m mlsd catalog`)")
        problems = []
        for name, value in self.props.items():
            spec = PROP_SPECS.get(name)
            if spec is None:
                shown = name if name.isidentifier() and len(name) <= 40 else json.dumps(name[:40])
                problems.append(f"props.{shown} is not a known prop")
                continue
            problem = spec.check(value)
            if problem:
                problems.append(f"props.{name} {problem}")
        if problems:
            raise ValueError(f"block {self.id!r}: " + "; ".join(problems))
        return self

    @property
    def title(self) -> str:
        """The label, or the kind's label when the block has none."""
        return self.label or KINDS[self.kind].label

    def prop(self, name: str, default: PropValue | None = None) -> PropValue | None:
        """The block's own prop, else the kind's default, else ``default``."""
        if name in self.props:
            return self.props[name]
        return KINDS[self.kind].props.get(name, default)

    def num(self, name: str, default: float = 0.0) -> float:
        """A numeric prop (own or kind default) as float."""
        value = self.prop(name)
        if isinstance(value, bool) or not isinstance(value, int | float):
            return default
        return float(value)

    def flag(self, name: str) -> bool:
        """A boolean prop (own or kind default); False when absent."""
        return self.prop(name) is True


class Connection(_Strict):
    """A directed data flow between two blocks."""

    id: Identifier
    source: str
    target: str
    flow: Flow = Field(
        "request",
        description="request = synchronous call that counts toward latency; stream; batch; feedback.",
    )
    label: str | None = Field(None, description=f"Optional text on the arrow; at most {MAX_LABEL} characters.")
    fallback: bool = Field(
        False,
        description="Called only when the source's other calls fail or time out (a fallback): no load and no "
        "latency on the happy path.",
    )

    @field_validator("label")
    @classmethod
    def _label(cls, value: str | None) -> str | None:
        return None if value is None else _clean_text(value, "label", MAX_LABEL)

    @model_validator(mode="after")
    def _no_self_loop(self) -> Connection:
        if self.source == self.target:
            raise ValueError(f"connection {self.id!r}: source and target are the same block {self.source!r}")
        return self


class Waiver(_Strict):
    """An accepted finding: the rule, the blocks it covers (none = all) and why it is accepted."""

    rule: str = Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,31}$", description="A rule id, such as LAT-1.")
    components: list[str] = Field(default_factory=list, max_length=MAX_COMPONENTS)
    reason: str = Field(min_length=1, description="Why the risk is accepted; shown wherever the finding is.")

    @field_validator("reason")
    @classmethod
    def _reason(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("reason must not be blank")
        return _clean_text(value, "reason", 2_000)


class Requirements(_Strict):
    """The design's non-functional targets."""

    sla_p99_ms: FiniteFloat | None = Field(None, ge=0, le=3_600_000, description="End-to-end p99 SLA, ms.")
    peak_qps: FiniteFloat | None = Field(None, ge=0, le=1e10, description="Peak requests per second.")
    data_volume_gb: FiniteFloat | None = Field(None, ge=0, le=1e12, description="Data stored, GB.")
    daily_active_users: FiniteFloat | None = Field(None, ge=0, le=1e11, description="Daily active users.")
    corpus_size: FiniteFloat | None = Field(None, ge=0, le=1e15, description="Items that can be retrieved.")
    regions: list[Annotated[str, StringConstraints(max_length=64)]] = Field(
        default_factory=list, max_length=100, description="Regions the system must serve."
    )
    freshness_minutes: FiniteFloat | None = Field(
        None, ge=0, le=1e7, description="How fresh features or predictions must be, minutes."
    )
    positive_rate: FiniteFloat | None = Field(
        None, ge=0, le=1, description="Share of positive examples (0..1) for a classification target."
    )
    headroom: FiniteFloat = Field(0.3, ge=0, le=10, description="Spare capacity kept above peak (0.3 = 30%).")
    budget_per_month: FiniteFloat | None = Field(None, ge=0, le=1e12, description="Monthly budget, USD.")
    model_freshness_minutes: FiniteFloat | None = Field(
        None, ge=0, le=1e8, description="How old the newest label a serving model learned from may be, minutes "
        "(label delay + retrain period + deploy).",
    )


class Design(_Strict):
    """One ML system: requirements, blocks, connections, waivers and notes."""

    format: Literal["mlsd/1"] = Field("mlsd/1", description="Format version; always 'mlsd/1'.")
    name: str = Field(min_length=1, description=f"Design name; at most {MAX_NAME} characters.")
    description: str = Field("", description="One paragraph on what the system does.")
    tags: list[Annotated[str, StringConstraints(min_length=1, max_length=40)]] = Field(
        default_factory=list, max_length=50
    )
    requirements: Requirements = Field(default_factory=Requirements)
    components: list[Component] = Field(default_factory=list)
    connections: list[Connection] = Field(default_factory=list)
    waivers: list[Waiver] = Field(default_factory=list)
    notes: str = Field("", description="Free text (Markdown).")

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("name must not be blank")
        return _clean_text(value, "name", MAX_NAME)

    @field_validator("description", "notes")
    @classmethod
    def _long_text(cls, value: str) -> str:
        return _clean_text(value, "text", MAX_NOTES)

    @field_validator("tags")
    @classmethod
    def _tags(cls, value: list[str]) -> list[str]:
        # no null bytes: neither database can keep them in text (PostgreSQL refuses them outright)
        return [_clean_text(tag, "tag", 40) for tag in value]

    @model_validator(mode="after")
    def _graph(self) -> Design:
        if len(self.components) > MAX_COMPONENTS:
            raise ValueError(f"components: a design holds at most {MAX_COMPONENTS} blocks, got {len(self.components)}")
        if len(self.connections) > MAX_CONNECTIONS:
            raise ValueError(
                f"connections: a design holds at most {MAX_CONNECTIONS} connections, got {len(self.connections)}"
            )
        problems: list[str] = []
        ids: set[str] = set()
        for c in self.components:
            if c.id in ids:
                problems.append(f"components: block id {c.id!r} is used more than once")
            ids.add(c.id)
        conn_ids: set[str] = set()
        for e in self.connections:
            if e.id in conn_ids:
                problems.append(f"connections: connection id {e.id!r} is used more than once")
            conn_ids.add(e.id)
            for end in ("source", "target"):
                ref = getattr(e, end)
                if ref not in ids:
                    problems.append(f"connection {e.id!r}: {end} {ref!r} is not a block of this design")
        for i, w in enumerate(self.waivers):
            for ref in w.components:
                if ref not in ids:
                    problems.append(f"waivers[{i}] ({w.rule}): block {ref!r} is not a block of this design")
        if problems:
            shown = problems[:50]
            if len(problems) > 50:
                shown.append(f"... and {len(problems) - 50} more problems")
            raise ValueError("\n".join(shown))
        return self

    # convenience lookups used by analysis, rules and rendering
    def by_id(self) -> dict[str, Component]:
        return {c.id: c for c in self.components}

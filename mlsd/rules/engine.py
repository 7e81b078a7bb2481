"""The checklist engine: rule registry, findings, results and the "checks passed" score.

A rule is a small pure function of a ``Context`` registered with ``@rule(id, category, severity, title, fix)``.
It returns (or yields) ``Hit`` objects, one per problem found; nothing means passed; raising ``NotApplicable``
means the rule does not apply to this design. A rule that raises anything else is reported as a visible rule
error: never swallowed into "passed" (OWASP pytm once had a rule silently dead behind ``except: return False``).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from operator import attrgetter
from typing import TYPE_CHECKING, Literal

from mlsd.model import Design
from mlsd.rules.context import Context

if TYPE_CHECKING:
    from mlsd.settings import Settings

Severity = Literal["error", "warning", "info"]
Status = Literal["failed", "passed", "not_applicable", "error"]
SEVERITIES: tuple[Severity, ...] = ("error", "warning", "info")
CATEGORIES: dict[str, str] = {
    "sla": "Latency SLA",
    "scalability": "Capacity & scalability",
    "reliability": "Reliability",
    "privacy": "Privacy & security",
    "data": "Data & features",
    "training": "Training & evaluation",
    "serving": "Serving & deployment",
    "monitoring": "Monitoring & feedback",
    "structure": "Structure",
}
SEVERITY_WEIGHT: dict[str, int] = {"error": 3, "warning": 2, "info": 1}


class NotApplicable(Exception):
    """Raised by a rule when the design gives it nothing to check; the message says why."""


@dataclass(frozen=True)
class Hit:
    """One problem a rule found: what is wrong, and which blocks and connections it concerns."""

    message: str
    components: tuple[str, ...] = ()
    connections: tuple[str, ...] = ()
    fix: str | None = None  # overrides the rule's fix when the problem needs a specific one


RuleFunc = Callable[[Context], Iterable[Hit] | None]


@dataclass(frozen=True)
class Rule:
    """A registered rule: its identity and documentation, and the function that checks."""

    id: str
    category: str
    severity: Severity
    title: str
    fix: str
    func: RuleFunc = field(repr=False, compare=False)

    @property
    def doc(self) -> str:
        return inspect.cleandoc(self.func.__doc__ or "")

    @property
    def source(self) -> str:
        """The 'Source:' line of the docstring (where the rule comes from)."""
        for line in self.doc.splitlines():
            if line.lower().startswith("source:"):
                return line.split(":", 1)[1].strip()
        return ""


@dataclass(frozen=True)
class Finding:
    """A rule's finding on a design; ``waived`` when a waiver in the design accepts it."""

    rule: str
    category: str
    severity: Severity
    title: str
    message: str
    fix: str
    components: tuple[str, ...] = ()
    connections: tuple[str, ...] = ()
    waived: bool = False
    waiver_reason: str | None = None
    baselined: bool = False  # already in the baseline file given to ``validate --baseline``: shown, never fails

    @property
    def id(self) -> str:
        """The finding's stable id, ``rule@blocks`` (Threagile's synthetic id): the rule and the sorted blocks it
        names (its connections when it names no block; ``rule@design`` when neither), so it survives unrelated
        edits, message rewording and reordering. Two findings of one rule on the same blocks share it."""
        where = self.components or self.connections
        return f"{self.rule}@{','.join(sorted(where)) if where else 'design'}"

    def to_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule,
            "category": self.category,
            "severity": self.severity,
            "title": self.title,
            "message": self.message,
            "fix": self.fix,
            "components": list(self.components),
            "connections": list(self.connections),
            "waived": self.waived,
            "waiver_reason": self.waiver_reason,
            **({"baselined": True} if self.baselined else {}),
        }


@dataclass(frozen=True)
class RuleResult:
    """What one rule concluded: failed, passed, not applicable (with why), or error (it crashed)."""

    rule: Rule
    status: Status
    findings: tuple[Finding, ...] = ()
    reason: str = ""


REGISTRY: dict[str, Rule] = {}


def rule(
    id: str, category: str, severity: Severity, title: str, fix: str
) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule function; duplicate ids, unknown categories and missing docstrings are refused."""

    def register(func: RuleFunc) -> RuleFunc:
        if id in REGISTRY:
            raise ValueError(f"rule id {id!r} is registered twice ({REGISTRY[id].func.__name__} and {func.__name__})")
        if category not in CATEGORIES:
            raise ValueError(f"rule {id!r}: unknown category {category!r}")
        if severity not in SEVERITIES:
            raise ValueError(f"rule {id!r}: unknown severity {severity!r}")
        if not (func.__doc__ or "").strip():
            raise ValueError(f"rule {id!r}: a rule's docstring is its documentation and must not be empty")
        REGISTRY[id] = Rule(id, category, severity, title, fix, func)
        return func

    return register


def _sort_key(rule_id: str) -> tuple[str, int, str]:
    prefix, _, number = rule_id.partition("-")
    return (prefix, int(number) if number.isdigit() else 0, rule_id)


def all_rules() -> list[Rule]:
    """Every registered rule, in category order then id order."""
    from mlsd.rules import load_rules

    load_rules()
    order = list(CATEGORIES)
    return sorted(REGISTRY.values(), key=lambda r: (order.index(r.category), _sort_key(r.id)))


def run_rule(r: Rule, ctx: Context) -> RuleResult:
    """Run one rule; its crash becomes a visible ``error`` result with the exception in the message."""
    try:
        hits = list(r.func(ctx) or ())
    except NotApplicable as exc:
        return RuleResult(r, "not_applicable", reason=str(exc))
    except Exception as exc:  # a crashing rule must be seen, not counted as passed
        crash = Finding(
            rule=r.id,
            category=r.category,
            severity="error",
            title=f"Rule {r.id} could not run",
            message=f"{type(exc).__name__}: {exc}",
            fix="This is a bug in the checklist rule, not in your design; please report it.",
        )
        return RuleResult(r, "error", (crash,), reason=f"{type(exc).__name__}: {exc}")
    findings = _findings(r, hits, _waivers(ctx).get(r.id, ()))
    findings.sort(key=_FINDING_ORDER)
    return RuleResult(r, "failed" if findings else "passed", tuple(findings))


_FINDING_ORDER = attrgetter("components", "connections", "message")  # a rule's findings, in a stable order
_WaiverScope = tuple[frozenset[str] | None, str]  # (blocks it names, None for all; reason)


def _findings(r: Rule, hits: list[Hit], waivers: tuple[_WaiverScope, ...]) -> list[Finding]:
    """One finding per hit, marked waived when a waiver of the rule accepts it.

    Runs once per hit (tens of thousands on a large design): the rule's fields are read once, waivers are only
    looked at for a rule that has some, and each finding is built by ``_finding``.
    """
    rule_id, category, severity, title, default_fix = r.id, r.category, r.severity, r.title, r.fix
    findings = []
    for hit in hits:
        if not isinstance(hit, Hit):
            raise TypeError(f"rule {rule_id} produced {type(hit).__name__}, expected Hit")
        reason = _waiver_reason(waivers, hit.components) if waivers else None
        findings.append(_finding({
            "rule": rule_id, "category": category, "severity": severity, "title": title, "message": hit.message,
            "fix": hit.fix or default_fix, "components": tuple(hit.components),
            "connections": tuple(hit.connections), "waived": reason is not None, "waiver_reason": reason,
        }))
    return findings


def _finding(fields: dict[str, object]) -> Finding:
    """``Finding(**fields)`` (every field but ``baselined``, which keeps its class default False), without
    running the dataclass ``__init__``.

    Speed trick: a frozen dataclass's ``__init__`` sets its ten fields one ``object.__setattr__`` at a time,
    which is most of the cost of a finding; handing the instance its dict at once is about four times faster
    and gives the same object (fields, equality, hash, repr, still frozen). Finding has no ``__post_init__``
    to skip; tests/test_check_equivalence.py checks that reports are unchanged.
    """
    finding: Finding = object.__new__(Finding)
    object.__setattr__(finding, "__dict__", fields)
    return finding


def _waivers(ctx: Context) -> dict[str, tuple[_WaiverScope, ...]]:
    """The design's waivers by rule id, in design order (gathered once per check)."""
    found: dict[str, tuple[_WaiverScope, ...]] | None = ctx.memo.get("engine:waivers")
    if found is None:
        by_rule: dict[str, list[_WaiverScope]] = {}
        for w in ctx.design.waivers:
            by_rule.setdefault(w.rule, []).append((frozenset(w.components) if w.components else None, w.reason))
        found = ctx.memo["engine:waivers"] = {rule_id: tuple(scopes) for rule_id, scopes in by_rule.items()}
    return found


def _waiver_reason(waivers: tuple[_WaiverScope, ...], components: Iterable[str]) -> str | None:
    """The reason of the first waiver that accepts a finding on these blocks: it names all of them (or none)."""
    for scope, reason in waivers:
        if scope is None or scope.issuperset(components):
            return reason
    return None


@dataclass(frozen=True)
class Report:
    """Every rule's result on one design, its findings in a stable order, counts and the score."""

    design: Design
    results: tuple[RuleResult, ...]
    context: Context = field(repr=False, compare=False)

    @property
    def findings(self) -> list[Finding]:
        return [f for r in self.results for f in r.findings]

    @property
    def active(self) -> list[Finding]:
        """Findings not accepted by a waiver."""
        return [f for f in self.findings if not f.waived]

    def summary(self) -> dict[str, int]:
        """Counts of unwaived findings by severity, waived findings, and rule outcomes."""
        out: dict[str, int] = {s: 0 for s in SEVERITIES}
        for f in self.active:
            out[f.severity] += 1
        out["waived"] = sum(1 for f in self.findings if f.waived)
        for status in ("passed", "failed", "not_applicable", "error"):
            out[f"rules_{status}"] = sum(1 for r in self.results if r.status == status)
        return out

    def progress(self) -> dict[str, tuple[int, int]]:
        """Per checklist category with at least one applicable rule: (rules passing, rules applicable), in
        ``CATEGORIES`` order. Passing and applicable as in ``score`` (a rule whose findings are all waived
        passes; a crashed rule is applicable and fails), counted without weights: "SLA 5/7" reads as five
        of its seven checks pass."""
        counts: dict[str, list[int]] = {}
        for res in self.results:
            if res.status == "not_applicable":
                continue
            entry = counts.setdefault(res.rule.category, [0, 0])
            entry[1] += 1
            if res.status == "passed" or (res.status == "failed" and all(f.waived for f in res.findings)):
                entry[0] += 1
        return {c: (counts[c][0], counts[c][1]) for c in CATEGORIES if c in counts}

    def score(self) -> dict[str, object]:
        """Checks passed, 0-100: overall and per checklist category.

        What it measures: the severity-weighted share of the *applicable* checks that pass,

            score = floor(100 × Σ weight(passing rules) / Σ weight(applicable rules)),
            weight = SEVERITY_WEIGHT[rule severity] (error 3, warning 2, info 1),

        over all categories for ``overall`` and over one category's rules for ``categories[c]``. A rule passes
        when it finds nothing or when all its findings are waived; a rule that finds something unwaived, or
        crashes, fails; a rule that does not apply counts in neither sum. Rounding down means that any active
        (unwaived) finding keeps the score below 100: 100 is "every applicable check passed", nothing else.
        ``weakest`` names the category with the lowest score (the ML Test Score reads a system by its weakest
        area; before issue 18 ``overall`` was that minimum, shown as "readiness"). With no applicable rule the
        scores are None.

        JSON key names (``overall``, ``categories``) are unchanged since the "readiness" days: the store's
        ``score`` column and older JSON reports keep reading the same way.
        """
        earned: dict[str, int] = {c: 0 for c in CATEGORIES}
        possible: dict[str, int] = {c: 0 for c in CATEGORIES}
        for res in self.results:
            if res.status == "not_applicable":
                continue
            weight = SEVERITY_WEIGHT[res.rule.severity]
            possible[res.rule.category] += weight
            ok = res.status == "passed" or (
                res.status == "failed" and all(f.waived for f in res.findings)
            )
            if ok:
                earned[res.rule.category] += weight
        categories: dict[str, int | None] = {
            c: (100 * earned[c] // possible[c] if possible[c] else None) for c in CATEGORIES
        }
        total_possible = sum(possible.values())
        overall = 100 * sum(earned.values()) // total_possible if total_possible else None
        scored = [(v, c) for c, v in categories.items() if v is not None]
        weakest = min(scored)[1] if scored else None
        return {"overall": overall, "categories": categories, "weakest": weakest}


def check(design: Design, rules: Iterable[Rule] | None = None, settings: Settings | None = None) -> Report:
    """Run the checklists on a design; ``settings`` (``mlsd.settings``, from the config file) choose the rules,
    their severities and the thresholds (None: the defaults)."""
    ctx = Context(design, settings)
    chosen = all_rules() if rules is None else list(rules)
    if settings is not None and not settings.is_default:
        chosen = [replace(r, severity=settings.severity.get(r.id, r.severity)) for r in chosen
                  if settings.chooses(r.id, r.category)]
    return Report(design, tuple(run_rule(r, ctx) for r in chosen), ctx)

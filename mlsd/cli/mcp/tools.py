"""The tools ``python -m mlsd mcp`` serves to AI assistants, as plain functions returning JSON-ready data.

Each tool takes ``design``: a path to a design file (.json, .yaml) or the design itself as JSON or YAML text. A
design that is not valid raises ``ToolError`` whose message lists the problems (the MCP server returns it as the
tool's error). Tools are registered in ``TOOLS`` with ``@tool``: one registration per tool, so that a further
one (explain, size) is one small function. Nothing here imports the MCP SDK (``mlsd.cli.mcp.server`` does).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from mlsd.io import DesignError

TOOLS: dict[str, Callable[..., dict[str, Any]]] = {}
MAX_PATH = 4096


class ToolError(ValueError):
    """Bad input to a tool; the message is what the assistant sees."""


def tool(func: Callable[..., dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    """Register a tool under its function name; its docstring is the description the assistant reads."""
    if not (func.__doc__ or "").strip():
        raise ValueError(f"tool {func.__name__}: the docstring is its description and must not be empty")
    TOOLS[func.__name__] = func
    return func


def load(design: str) -> tuple[Any, str | None]:
    """(the Design, its path or None): ``design`` is JSON/YAML text when it starts like a document or has
    several lines, else a file path."""
    from mlsd.io import load_file, loads

    text = design.strip()
    try:
        if text.startswith(("{", "format:", "name:", "---")) or "\n" in text or len(text) > MAX_PATH:
            return loads(text, source="design"), None
        return load_file(text), text
    except DesignError as exc:
        raise ToolError("not a valid design:\n" + "\n".join(exc.problems[:50])) from None


def _settings(path: str | None, config: str | None) -> Any:
    from mlsd.config import ConfigError, file_settings

    try:
        return file_settings(path or ".", config)
    except ConfigError as exc:
        raise ToolError(str(exc)) from None


@tool
def validate(design: str, config: str | None = None) -> dict[str, Any]:
    """Check an ML system design against the engineering checklists (latency SLA, capacity, reliability, privacy,
    data, training, serving, monitoring). `design` is a design file path or the design as JSON/YAML text;
    `config` an optional mlsd.toml / pyproject.toml (default: the nearest one to the file). Returns the score,
    counts and every finding (rule, severity, message, fix, blocks) and which findings have a mechanical fix."""
    from mlsd.fixes import fixes_for
    from mlsd.rules import check

    d, path = load(design)
    report = check(d, settings=_settings(path, config))
    return {
        "design": d.name,
        "score": report.score(),
        "summary": report.summary(),
        "findings": [{**f.to_dict(), "id": f.id, "fixes": [x.id for x in fixes_for(f.rule)]}
                     for f in report.findings],
    }


@tool
def analyze(design: str, load_factor: float = 1.0) -> dict[str, Any]:
    """The numbers of a design at `load_factor` × its declared peak (1 = the peak): each request path's p50/p99
    with queueing, every tier's utilisation and replicas, the single-failure what-ifs (a block or a zone lost)
    and the monthly cost. `design` is a file path or JSON/YAML text."""
    from mlsd.cli.analyze import analysis_data

    if not 0 < load_factor <= 100:
        raise ToolError(f"load_factor must be above 0 and at most 100; got {load_factor}")
    d, _ = load(design)
    return analysis_data(d, (float(load_factor),))


def _apply_change(d: Any, change: dict[str, Any]) -> Any:
    from mlsd.edit import set_prop, set_requirements

    if "requirement" in change:
        return set_requirements(d, **{str(change["requirement"]): change.get("value")})
    if "block" in change and "prop" in change:
        return set_prop(d, str(change["block"]), str(change["prop"]), change.get("value"))
    raise ToolError(f"a change is {{'block', 'prop', 'value'}} or {{'requirement', 'value'}}; got {change!r}")


def _numbers(d: Any) -> dict[str, Any]:
    from mlsd.analysis import analyze as run
    from mlsd.analysis.export import finite

    a = run(d)
    return {"paths": {p.entry: {"p99_ms": finite(p.p99_ms) if p.p99_ms is not None else None,
                                "over_sla": p.over_sla} for p in a.paths},
            "cost_per_month": finite(a.cost_per_month)}


@tool
def what_if(design: str, changes: list[dict[str, Any]]) -> dict[str, Any]:
    """What changes if the design is edited: `changes` is a list of {"block": id, "prop": name, "value": v} (set a
    block's prop, e.g. replicas, qps_per_replica, p99_ms, calls) or {"requirement": name, "value": v} (e.g.
    peak_qps, sla_p99_ms, headroom). Nothing is saved. Returns the diff, the findings introduced and resolved, and
    each path's p99 and the monthly cost before and after."""
    from mlsd.diff import diff_designs

    d, _ = load(design)
    edited = d
    try:
        for change in changes:
            edited = _apply_change(edited, change)
    except DesignError as exc:
        raise ToolError("; ".join(exc.problems)) from None
    diff = diff_designs(d, edited)
    return {
        "changes": diff.lines(),
        "findings_introduced": [f.to_dict() for f in diff.findings_introduced],
        "findings_resolved": [f.to_dict() for f in diff.findings_resolved],
        "before": _numbers(d),
        "after": _numbers(edited),
    }


@tool
def fix(design: str, unsafe: bool = False, write: bool = False) -> dict[str, Any]:
    """Apply the mechanical fixes to a design's findings (as `python -m mlsd validate --fix`): the safe ones, and
    with `unsafe` those that need judgement too. Returns each fix applied (finding, what changed), the
    suggestions left, the findings before and after, and the fixed design as JSON. With `write` (only when
    `design` is a file path) the file is updated, changing only what the fixes changed."""
    from mlsd.fixes import apply_fixes
    from mlsd.fixes.files import file_format, patched_text
    from mlsd.io import dumps
    from mlsd.rules import check

    d, path = load(design)
    settings = _settings(path, None)
    result = apply_fixes(d, unsafe=unsafe, check=lambda x: check(x, settings=settings))
    before = [f.id for f in check(d, settings=settings).active]
    after = [f.id for f in check(result.design, settings=settings).active]
    written = False
    if write:
        if path is None:
            raise ToolError("write needs a design file path, not design text")
        if result.applied:
            text = Path(path).read_text(encoding="utf-8")
            Path(path).write_text(patched_text(text, file_format(path), d, result.design), encoding="utf-8")
            written = True
    return {
        "applied": [p.to_dict() for p in result.applied],
        "suggestions": [p.to_dict() for p in result.suggestions],
        "findings_before": before,
        "findings_after": after,
        "written": written,
        "design": dumps(result.design),
    }


# -- explain and size: mlsd.cli.explain and mlsd.cli.size over mlsd.analysis.explain and mlsd.analysis.sizing ----


@tool
def explain(design: str, path: str | None = None, block: str | None = None,
            rule: str | None = None) -> dict[str, Any]:
    """Where each number of a design comes from: each request path's p99 split per hop into network, queueing
    wait, batch fill, service and fan-out (the parts add up to the p99), each tier's arrival rate,
    utilisation and servers, the cost lines, and with `rule` the facts behind that rule's findings. `path`
    (an entry block), `block` or `rule` narrow it to one."""
    from mlsd.cli.common import UsageError
    from mlsd.cli.explain import explain_data

    d, _ = load(design)
    try:
        data: dict[str, Any] = explain_data(d, path, block, rule)
    except UsageError as exc:
        raise ToolError(str(exc)) from None
    return data


@tool
def size(design: str) -> dict[str, Any]:
    """The cheapest replicas per tier that meet the SLA at peak × headroom with queueing, survive the loss of
    any one zone and fit the budget; or which constraint cannot be met and by how much. Returns the changes
    (with the constraint each tier is bound by), the cost before and after and the diff. Nothing is saved."""
    from mlsd.analysis.sizing import size as size_design
    from mlsd.cli.size import sizing_data
    from mlsd.diff import diff_designs

    d, _ = load(design)
    result = size_design(d)
    data: dict[str, Any] = sizing_data(result, diff_designs(result.before, result.after).lines())
    return data

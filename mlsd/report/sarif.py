"""Findings as a SARIF 2.1.0 log (code-scanning UIs read it): one run per design file, rules with their
help, results with stable fingerprints.

Here "component" means a placed block of a design (``mlsd.model.Component``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from json.encoder import encode_basestring  # the C string encoder ``json.dumps(..., ensure_ascii=False)`` uses
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

from mlsd import __version__
from mlsd.report import AtLoad, encode_json
from mlsd.rules import Finding, Report, Rule, all_rules
from mlsd.text import display_text

TOOL_NAME = "mlsd"
TOOL_VERSION = __version__
INFORMATION_URI = "https://mlsd-whiteboard.invalid/"  # the project has no public home yet (as mlsd.schema)
SARIF_VERSION = "2.1.0"
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_LEVELS: dict[str, str] = {"error": "error", "warning": "warning", "info": "note"}

# ---------------------------------------------------------------------------------------------------------------
# SARIF 2.1.0
# ---------------------------------------------------------------------------------------------------------------


def artifact_uri(path: str) -> tuple[str, bool]:
    """(URI reference of ``path``, whether it is relative to the working directory).

    A path inside the working directory becomes a relative, percent-encoded URI with forward slashes; any
    other path becomes an absolute ``file://`` URI.
    """
    p = Path(path)
    if p.is_absolute():
        try:
            p = p.resolve().relative_to(Path.cwd().resolve())
        except ValueError:
            return p.resolve().as_uri(), False
    elif ".." in p.parts:
        resolved = (Path.cwd() / p).resolve()
        try:
            p = resolved.relative_to(Path.cwd().resolve())
        except ValueError:
            return resolved.as_uri(), False
    return quote(p.as_posix(), safe="/"), True


def _rule_name(title: str) -> str:
    """A SARIF rule name: the title in PascalCase (letters and digits only)."""
    words = re.findall(r"[A-Za-z0-9]+", title)
    return "".join(w[:1].upper() + w[1:] for w in words) or "Rule"


def sarif_rule(r: Rule) -> dict[str, Any]:
    """A SARIF ``reportingDescriptor`` for one rule."""
    return {
        "id": r.id,
        "name": _rule_name(r.title),
        "shortDescription": {"text": r.title},
        "fullDescription": {"text": r.doc or r.title},
        "help": {"text": f"Fix: {r.fix}" + (f"\nSource: {r.source}" if r.source else "")},
        "defaultConfiguration": {"level": SARIF_LEVELS[r.severity]},
        "properties": {"category": r.category, "tags": [r.category]},
    }


_ID_LINE = re.compile(r"""(?:^|[\s{,])["']?id["']?\s*:\s*["']?([A-Za-z0-9_][A-Za-z0-9_.\-]*)""")


def _id_lines(path: str) -> dict[str, int]:
    """Line (1-based) of the first ``"id": ...`` of each block or connection id in the file; {} if unreadable.

    Locations are a convenience for code-scanning viewers: a file that was read a moment ago and cannot be read
    now only loses its line numbers, the result stays (its location is then the whole file).
    """
    try:
        text = Path(path).read_text(encoding="utf-8-sig", errors="replace")
    except OSError:
        return {}
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _ID_LINE.search(line)
        if match and match.group(1) not in lines:
            lines[match.group(1)] = number
    return lines


def _sarif_result(f: Finding, uri: str, relative: bool, rule_index: dict[str, int], id_lines: dict[str, int]
                  ) -> dict[str, Any]:
    physical: dict[str, Any] = {"artifactLocation": {"uri": uri}}
    if relative:
        physical["artifactLocation"]["uriBaseId"] = "%SRCROOT%"
    line = next((id_lines[i] for i in (*f.components, *f.connections) if i in id_lines), None)
    physical["region"] = {"startLine": line or 1}
    logical = [
        {"name": block, "fullyQualifiedName": f"components/{block}", "kind": "object"} for block in f.components
    ] + [{"name": conn, "fullyQualifiedName": f"connections/{conn}", "kind": "object"} for conn in f.connections]
    location: dict[str, Any] = {"physicalLocation": physical}
    if logical:
        location["logicalLocations"] = logical
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "level": SARIF_LEVELS[f.severity],
        "message": {"text": display_text(f"{f.message} Fix: {f.fix}")},  # labels quoted in it made printable
        "locations": [location],
    }  # the rule's title and category are its descriptor's (ruleIndex), the design's name its artifact's
    if f.rule in rule_index:
        result["ruleIndex"] = rule_index[f.rule]
    if f.waived:
        result["suppressions"] = [{"kind": "inSource", "justification": display_text(f.waiver_reason or "")}]
    elif f.baselined:
        result["suppressions"] = [{"kind": "external", "justification": "in the baseline"}]
    result["partialFingerprints"] = {"mlsdFindingId/v1": f.id}
    return result


def _located(reports: Sequence[tuple[str, Report]], at_load: Sequence[AtLoad | None] | None
             ) -> Iterator[tuple[Finding, str, bool, dict[str, int], AtLoad | None]]:
    """Every result to write, in order: (finding, artifact URI, whether relative, id lines, its load or None)."""
    for k, (path, report) in enumerate(reports):
        uri, relative = artifact_uri(path)
        id_lines = _id_lines(path) if report.findings else {}
        for f in report.findings:
            yield f, uri, relative, id_lines, None
        load = at_load[k] if at_load is not None else None
        if load is not None:
            for f in load.new:
                yield f, uri, relative, id_lines, load


def _at_load(result: dict[str, Any], load: AtLoad) -> dict[str, Any]:
    result["message"]["text"] = f"At {load.load:g}× peak: " + result["message"]["text"]
    result["properties"] = {"load": load.load}
    result["partialFingerprints"]["mlsdFindingId/v1"] += f"@{load.load:g}x"
    return result


def _sarif_shell(reports: Sequence[tuple[str, Report]]) -> tuple[dict[str, Any], dict[str, int]]:
    """The SARIF log without its results (an empty list), and each rule's index among the descriptors."""
    rules = all_rules()
    artifacts: list[dict[str, Any]] = []
    for path, report in reports:
        uri, relative = artifact_uri(path)
        artifact: dict[str, Any] = {"location": {"uri": uri},
                                    "properties": {"design": display_text(report.design.name)}}
        if relative:
            artifact["location"]["uriBaseId"] = "%SRCROOT%"
        artifacts.append(artifact)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": TOOL_NAME,
                "version": TOOL_VERSION,
                "informationUri": INFORMATION_URI,
                "rules": [sarif_rule(r) for r in rules],
            }
        },
        "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().resolve().as_uri() + "/"}},
        "artifacts": artifacts,
        "results": [],
        "columnKind": "unicodeCodePoints",
    }
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}, {r.id: i for i, r in enumerate(rules)}


def sarif_log(reports: Sequence[tuple[str, Report]], at_load: Sequence[AtLoad | None] | None = None
              ) -> dict[str, Any]:
    """A SARIF 2.1.0 log with one run: every rule as a descriptor, every finding as a result (waived findings
    carry a suppression whose justification is the waiver's reason)."""
    log, rule_index = _sarif_shell(reports)
    results = log["runs"][0]["results"]
    for f, uri, relative, id_lines, load in _located(reports, at_load):
        result = _sarif_result(f, uri, relative, rule_index, id_lines)
        results.append(result if load is None else _at_load(result, load))
    return log


_RESULTS = '"results":[]'  # where the results go in the encoded shell (inside a JSON string a quote is escaped)


def write_sarif(reports: Sequence[tuple[str, Report]], at_load: Sequence[AtLoad | None] | None, out: TextIO
                ) -> None:
    """``sarif_log`` written to ``out`` as compact JSON, the same text as encoding it (``mlsd.report.encode_json``)
    with a newline, a result at a time: each result's text is put together from its parts (``_result_text``)
    instead of as a dict the encoder then walks, 3x faster on the 22,000 results of a 10,000-block design."""
    log, rule_index = _sarif_shell(reports)
    head, tail = encode_json(log).split(_RESULTS)
    out.write(head + '"results":[')
    physical: dict[tuple[str, bool], str] = {}
    for k, (f, uri, relative, id_lines, load) in enumerate(_located(reports, at_load)):
        where = physical.get((uri, relative))
        if where is None:
            artifact: dict[str, Any] = {"uri": uri, **({"uriBaseId": "%SRCROOT%"} if relative else {})}
            where = physical[uri, relative] = '{"physicalLocation":{"artifactLocation":' + encode_json(artifact)
        if load is None:
            text = _result_text(f, where, rule_index, id_lines)
        else:
            text = encode_json(_at_load(_sarif_result(f, uri, relative, rule_index, id_lines), load))
        out.write("," + text if k else text)
    out.write("]" + tail + "\n")


def _result_text(f: Finding, where: str, rule_index: dict[str, int], id_lines: dict[str, int]) -> str:
    """``encode_json(_sarif_result(f, ...))``, put together from its parts; ``where`` is the result's encoded
    location up to its artifact (``{"physicalLocation":{"artifactLocation":{...}``)."""
    line = next((id_lines[i] for i in (*f.components, *f.connections) if i in id_lines), None)
    parts = ['{"ruleId":', encode_basestring(f.rule), ',"level":"', SARIF_LEVELS[f.severity],
             '","message":{"text":', encode_basestring(display_text(f"{f.message} Fix: {f.fix}")),
             '},"locations":[', where, ',"region":{"startLine":', str(line or 1), "}}"]
    if f.components or f.connections:
        logical = [f'{{"name":{e},"fullyQualifiedName":{encode_basestring("components/" + b)},"kind":"object"}}'
                   for b in f.components for e in (encode_basestring(b),)]
        logical += [f'{{"name":{e},"fullyQualifiedName":{encode_basestring("connections/" + c)},"kind":"object"}}'
                    for c in f.connections for e in (encode_basestring(c),)]
        parts += (',"logicalLocations":[', ",".join(logical), "]")
    parts.append("}]")
    if f.rule in rule_index:
        parts += (',"ruleIndex":', str(rule_index[f.rule]))
    if f.waived:
        parts += (',"suppressions":[{"kind":"inSource","justification":',
                  encode_basestring(display_text(f.waiver_reason or "")), "}]")
    elif f.baselined:
        parts.append(',"suppressions":[{"kind":"external","justification":"in the baseline"}]')
    parts += (',"partialFingerprints":{"mlsdFindingId/v1":', encode_basestring(f.id), "}}")
    return "".join(parts)

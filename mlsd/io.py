"""Loading and saving designs as JSON or YAML, with errors a person can act on.

``load_design`` is the one way in: it returns a ``Design`` or raises ``DesignError`` whose ``problems`` are
one line each, naming the field and the block or connection id. Nothing else escapes it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import ValidationError

from mlsd.model import Design

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 64

TextFormat = Literal["json", "yaml"]


class DesignError(ValueError):
    """The input is not a valid design; ``problems`` holds one actionable line per problem."""

    def __init__(self, problems: list[str], source: str = "") -> None:
        self.problems = problems or ["not a valid design"]
        self.source = source
        prefix = f"{source}: " if source else ""
        super().__init__("\n".join(prefix + p for p in self.problems))


class _NoAliasLoader(yaml.SafeLoader):
    """Safe YAML without anchors/aliases (which allow 'billion laughs' expansion)."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()  # type: ignore[no-untyped-call]
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases (*name) are not allowed in designs", event.start_mark
            )
        return super().compose_node(parent, index)


def _depth(value: Any, limit: int = MAX_DEPTH) -> int:
    if not isinstance(value, dict | list):
        return 0
    stack: list[tuple[Any, int]] = [(value, 1)]
    deepest = 0
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        children = item.values() if isinstance(item, dict) else item
        stack.extend((v, depth + 1) for v in children if isinstance(v, dict | list))
    return deepest


def parse_text(text: str | bytes, fmt: TextFormat | None = None, source: str = "") -> Any:
    """Parse JSON or YAML text into plain data (format guessed from the first character when not given)."""
    if len(text) > MAX_FILE_BYTES:
        raise DesignError([f"file is {len(text) / 1e6:.1f} MB; designs are limited to {MAX_FILE_BYTES // 2**20} MB"],
                          source)
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DesignError([f"file is not UTF-8 text (byte {exc.start})"], source) from None
    if fmt is None:
        fmt = "json" if text.lstrip()[:1] in ("{", "[") else "yaml"
    try:
        if fmt == "json":
            data = json.loads(text, parse_constant=_reject_constant)
        else:
            data = yaml.load(text, Loader=_NoAliasLoader)
    except RecursionError:
        raise DesignError([f"nesting is deeper than {MAX_DEPTH} levels"], source) from None
    except json.JSONDecodeError as exc:
        raise DesignError([f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"], source) from None
    except ValueError as exc:  # NaN / Infinity constants
        raise DesignError([str(exc)], source) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise DesignError([f"malformed YAML{where}: {problem}"], source) from None
    if _depth(data) > MAX_DEPTH:
        raise DesignError([f"nesting is deeper than {MAX_DEPTH} levels"], source)
    return data


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed: numbers must be finite")


def load_design(data: Any, source: str = "") -> Design:
    """Validate plain data (a dict from JSON or YAML) as a Design; raise DesignError otherwise."""
    if data is None:
        raise DesignError(["the file is empty"], source)
    if not isinstance(data, dict):
        raise DesignError([f"a design is a JSON object, got {type(data).__name__}"], source)
    try:
        return Design.model_validate(data)
    except ValidationError as exc:
        raise DesignError(format_errors(exc, data), source) from None
    except RecursionError:
        raise DesignError([f"nesting is deeper than {MAX_DEPTH} levels"], source) from None


def loads(text: str | bytes, fmt: TextFormat | None = None, source: str = "") -> Design:
    """Parse and validate JSON or YAML text as a Design."""
    return load_design(parse_text(text, fmt, source), source)


def load_file(path: str | Path) -> Design:
    """Read a .json, .yaml or .yml file as a Design."""
    p = Path(path)
    source = str(path)
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DesignError([f"file is {size / 1e6:.1f} MB; designs are limited to {MAX_FILE_BYTES // 2**20} MB"],
                              source)
        raw = p.read_bytes()
    except OSError as exc:
        raise DesignError([f"cannot read file: {exc.strerror or exc}"], source) from None
    fmt: TextFormat | None = "yaml" if p.suffix.lower() in (".yaml", ".yml") else None
    return loads(raw, fmt, source)


def dumps(design: Design, fmt: TextFormat = "json") -> str:
    """Serialise a Design as JSON (indented) or YAML; the output loads back to an equal Design."""
    data = design.model_dump(mode="json", exclude_defaults=False)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def save_file(design: Design, path: str | Path) -> None:
    """Write a Design to ``path`` (YAML for .yaml/.yml, else JSON), atomically."""
    p = Path(path)
    fmt: TextFormat = "yaml" if p.suffix.lower() in (".yaml", ".yml") else "json"
    tmp = p.with_name(p.name + ".tmp")
    tmp.write_text(dumps(design, fmt), encoding="utf-8")
    tmp.replace(p)


def format_errors(exc: ValidationError, data: Any) -> list[str]:
    """One line per pydantic error: ``block 'gw': props.replicas must be ≥ 1, got 0``.

    Positions such as ``components[3]`` are replaced by the id of the block or connection found there.
    """
    lines: list[str] = []
    for err in exc.errors(include_url=False):
        owner, field = _describe_loc(list(err["loc"]), data)
        msg = str(err["msg"])
        if msg.startswith("Value error, "):
            msg = msg[len("Value error, "):]
        if err["type"] == "extra_forbidden":
            msg = "is not a known field (check the spelling; unknown fields are rejected)"
        elif err["type"] == "missing":
            msg = "is required"
        elif err["type"] == "string_pattern_mismatch" and field.endswith("id"):
            msg = "must be 1-64 letters, digits, '_', '.' or '-', starting with a letter, digit or '_'"
        for line in msg.splitlines():
            if owner and line.startswith(owner + ": "):
                line = line[len(owner) + 2:]
            last = field.rsplit(".", 1)[-1]
            if not field or line.startswith(field):
                text = line
            elif line.startswith(last + " "):
                text = field + line[len(last):]
            else:
                text = f"{field} {line}" if line.startswith("is ") else f"{field}: {line}"
            lines.append(f"{owner}: {text}" if owner else text)
    return lines


def field_name(key: str) -> str:
    """A field or prop name as shown in a message: plain when it is an identifier, else quoted and cut."""
    if key.isidentifier() and len(key) <= 40:
        return key
    text = json.dumps(key, ensure_ascii=True)
    return text if len(text) <= 42 else text[:39] + '..."'


def _describe_loc(loc: list[Any], data: Any) -> tuple[str, str]:
    """Split a pydantic location into its owner (``block 'gw'``) and the field path within it."""
    owner = ""
    node = data
    if len(loc) >= 2 and loc[0] in ("components", "connections") and isinstance(loc[1], int):
        items = data.get(loc[0]) if isinstance(data, dict) else None
        item = items[loc[1]] if isinstance(items, list) and loc[1] < len(items) else None
        ident = item.get("id") if isinstance(item, dict) else None
        noun = "block" if loc[0] == "components" else "connection"
        owner = f"{noun} {ident!r}" if isinstance(ident, str) and ident else f"{loc[0]}[{loc[1]}]"
        loc = loc[2:]
        node = item
    field = ""
    for key in loc:
        if isinstance(key, int):
            field += f"[{key}]"
        else:
            field += ("." if field else "") + field_name(str(key))
    del node
    return owner, field

"""Loading and saving designs as JSON or YAML, with errors a person can act on.

``load_design`` is the one way in: it returns a ``Design`` or raises ``DesignError`` whose ``problems`` are
one line each, naming the field and the block or connection id. Nothing else escapes it.
"""

from __future__ import annotations

import json
import re
import sys
from itertools import chain
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from mlsd.model import Design

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_DEPTH = 64
MAX_INT = int(sys.float_info.max)  # a larger integer cannot become a float: refused rather than overflowing later

_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")  # how JSON text spells a surrogate (or an escaped "\\u...")
LONG_INT_DIGITS = 300  # an integer of fewer digits is far inside MAX_INT (309 digits): no range check needed

TextFormat = Literal["json", "yaml"]


class DesignError(ValueError):
    """The input is not a valid design; ``problems`` holds one actionable line per problem."""

    def __init__(self, problems: list[str], source: str = "") -> None:
        self.problems = [printable(p) for p in problems] or ["not a valid design"]
        self.source = printable(source)
        prefix = f"{source}: " if source else ""
        super().__init__("\n".join(prefix + p for p in self.problems))


def printable(text: str) -> str:
    """``text`` safe to print as one line: control, bidi-override and lone-surrogate characters (from a file name
    or a quoted value) are shown as ``\\uXXXX`` escapes, so that a message can neither break into several lines,
    nor drive the terminal, nor fail to encode."""
    return _UNPRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _depth(value: Any, limit: int = MAX_DEPTH) -> int:
    """How deeply ``value`` nests dicts and lists (a scalar: 0), counted up to ``limit`` + 1 at most."""
    if not isinstance(value, dict | list):
        return 0
    level = [value]  # breadth first, one level at a time: one list comprehension per level
    depth = 0
    while level and depth <= limit:
        depth += 1
        level = [v for item in level for v in (item.values() if isinstance(item, dict) else item)
                 if isinstance(v, dict | list)]
    return depth


def parse_text(text: str | bytes, fmt: TextFormat | None = None, source: str = "") -> Any:
    """Parse JSON or YAML text into plain data (format guessed from the first character when not given)."""
    return _parse(text, fmt, source)[0]


def within_limit(data: str | bytes, source: str, what: str) -> str | bytes:
    """``data`` unchanged, or DesignError when it is over ``MAX_FILE_BYTES`` ("file is 51.0 MB; {what} are limited
    to 20 MB"): every reader checks the size before it parses anything."""
    if len(data) > MAX_FILE_BYTES:
        raise DesignError([f"file is {len(data) / 1e6:.1f} MB; {what} are limited to {MAX_FILE_BYTES // 2**20} MB"],
                          source)
    return data


def utf8_text(data: bytes, source: str) -> str:
    """The bytes as UTF-8 text (a byte-order mark dropped), or DesignError naming the first bad byte."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DesignError([f"file is not UTF-8 text (byte {exc.start})"], source) from None


def _parse(text: str | bytes, fmt: TextFormat | None, source: str) -> tuple[Any, bool]:
    """``parse_text``, and whether the text itself shows that the data holds no lone surrogate and no integer
    too large for a float (JSON text without a surrogate, a ``\\uD8..``-``\\uDF..`` escape or an integer of
    more than ``LONG_INT_DIGITS`` digits): then ``load_design``'s walk over every value can be skipped."""
    text = within_limit(text, source, "designs")
    if isinstance(text, bytes):
        text = utf8_text(text, source)
    if text.lstrip()[:1] == "<":  # a saved web page or an XML file given as a design: say so, not "got str"
        raise DesignError(["the file starts with '<': it is an HTML or XML page, not a JSON or YAML design"], source)
    if fmt is None:
        fmt = "json" if text.lstrip()[:1] in ("{", "[") else "yaml"
    # PyYAML is imported only for YAML text: validating JSON never pays for it
    refused: tuple[type[Exception], ...] = ()
    yaml_errors: tuple[type[Exception], ...] = ()
    if fmt == "yaml":
        import yaml

        from mlsd.yaml_load import YAMLRefused, load_yaml

        refused, yaml_errors = (YAMLRefused,), (yaml.YAMLError,)
    long_ints: list[str] = []

    def parse_int(digits: str) -> int:
        if len(digits) > LONG_INT_DIGITS:
            long_ints.append(digits)
        return int(digits)

    try:
        data = (json.loads(text, parse_constant=_reject_constant, parse_int=parse_int) if fmt == "json"
                else load_yaml(text, MAX_DEPTH))
    except RecursionError:
        raise DesignError([f"nesting is deeper than {MAX_DEPTH} levels"], source) from None
    except json.JSONDecodeError as exc:
        raise DesignError([f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"], source) from None
    except refused as exc:
        raise DesignError([str(exc)], source) from None
    except ValueError as exc:  # NaN / Infinity constants, integers of more than 4300 digits
        said = str(exc)
        if "integer string conversion" in said:
            said = f"a number has more than {sys.get_int_max_str_digits()} digits"
        elif (at := _CONSTANT.search(text)) is not None:  # where the NaN is, so that it can be found and fixed
            said += f" (line {text.count(chr(10), 0, at.start()) + 1})"
        raise DesignError([said], source) from None
    except yaml_errors as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise DesignError([f"malformed YAML{where}: {problem}"], source) from None
    if _depth(data) > MAX_DEPTH:
        raise DesignError([f"nesting is deeper than {MAX_DEPTH} levels"], source)
    clean = (fmt == "json" and not long_ints and _SURROGATE.search(text) is None
             and _SURROGATE_ESCAPE.search(text) is None)
    return data, clean


_CONSTANT = re.compile(r"(?<![\w\"])-?(?:NaN|Infinity)(?![\w\"])")
"""A bare NaN or Infinity in JSON text (not inside a word or a string's quotes), to say on which line it is."""


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not allowed: numbers must be finite")


def _bad_scalar(value: Any) -> str | None:
    """What is wrong with a text or number that no field can take, or None."""
    if isinstance(value, str):
        match = _SURROGATE.search(value)
        return f"holds \\u{ord(match.group()):04x}, a lone surrogate: text must be valid Unicode" if match else None
    if isinstance(value, int) and not isinstance(value, bool) and not -MAX_INT <= value <= MAX_INT:
        return f"is a number too large to use ({value.bit_length()} bits; numbers must be below 1.8e308)"
    return None


def _scalar_problems(data: Any) -> list[str]:
    """Lone surrogates (text that cannot be stored or printed) and integers that overflow a float, anywhere in
    ``data``, one line each naming the field; a fast pass first, locations worked out only when one is found."""
    stack = [data]
    found = False
    while stack and not found:
        item = stack.pop()
        children = chain(item.keys(), item.values()) if isinstance(item, dict) else item
        for v in children:
            kind = type(v)
            if kind is str:
                found = _SURROGATE.search(v) is not None
            elif kind is int:
                found = not -MAX_INT <= v <= MAX_INT
            elif kind is dict or kind is list:
                stack.append(v)
            elif isinstance(v, str | int | dict | list):  # subclasses (from Python callers): the slow, exact check
                found = isinstance(v, dict | list) or _bad_scalar(v) is not None
            if found:
                break
    if not found:
        return []
    problems: list[str] = []
    located: list[tuple[Any, list[Any]]] = [(data, [])]
    while located and len(problems) < 50:
        item, loc = located.pop()
        pairs = item.items() if isinstance(item, dict) else enumerate(item)
        for key, v in pairs:
            if isinstance(key, str) and (problem := _bad_scalar(key)):
                problems.append(_located(loc, data, f"field name {field_name(key)} {problem}"))
            if isinstance(v, dict | list):
                located.append((v, [*loc, key]))
            elif isinstance(v, str | int) and (problem := _bad_scalar(v)):
                problems.append(_located([*loc, key], data, problem))
    return sorted(problems)


def _located(loc: list[Any], data: Any, problem: str) -> str:
    owner, field = _describe_loc(loc, data)
    text = f"{field}{' ' if problem.startswith(('holds', 'is')) else ': '}{problem}" if field else problem
    return f"{owner}: {text}" if owner else text


def load_design(data: Any, source: str = "") -> Design:
    """Validate plain data (a dict from JSON or YAML) as a Design; raise DesignError otherwise."""
    return _load_design(data, source, scalars_checked=False)


def _load_design(data: Any, source: str, scalars_checked: bool) -> Design:
    if data is None:
        raise DesignError(["the file is empty"], source)
    if not isinstance(data, dict):
        raise DesignError([f"a design is a JSON object, got {type(data).__name__}"], source)
    problems = [] if scalars_checked else _scalar_problems(data)
    if problems:
        raise DesignError(problems, source)
    try:
        return Design.model_validate(data)
    except ValidationError as exc:
        raise DesignError(format_errors(exc, data), source) from None
    except RecursionError:
        raise DesignError([f"nesting is deeper than {MAX_DEPTH} levels"], source) from None


def loads(text: str | bytes, fmt: TextFormat | None = None, source: str = "") -> Design:
    """Parse and validate JSON or YAML text as a Design."""
    data, clean = _parse(text, fmt, source)
    return _load_design(data, source, scalars_checked=clean)


def load_file(path: str | Path) -> Design:
    """Read a .json, .yaml or .yml file as a Design."""
    p = Path(path)
    source = str(path)
    try:
        size = p.stat().st_size
        if size > MAX_FILE_BYTES:
            raise DesignError([f"file is {size / 1e6:.1f} MB; designs are limited to {MAX_FILE_BYTES // 2**20} MB"],
                              source)
        with p.open("rb") as fh:  # bounded: a device or a growing file may be larger than its size said
            raw = fh.read(MAX_FILE_BYTES + 1)
        if len(raw) > MAX_FILE_BYTES:
            raise DesignError([f"file is larger than {MAX_FILE_BYTES // 2**20} MB, the limit for designs"], source)
    except OSError as exc:
        raise DesignError([f"cannot read file: {exc.strerror or exc}"], source) from None
    fmt: TextFormat | None = "yaml" if p.suffix.lower() in (".yaml", ".yml") else None
    return loads(raw, fmt, source)


def dumps(design: Design, fmt: TextFormat = "json") -> str:
    """Serialise a Design as JSON (indented) or YAML; the output loads back to an equal Design."""
    data = design.model_dump(mode="json", exclude_defaults=False)
    if fmt == "json":
        return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    import yaml

    # LibYAML's emitter when PyYAML was built with it (the wheels are), as the loader does: the same safe
    # representer, several times faster than the pure-Python one on a 1,000-block design.
    dumper: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
    text: str = yaml.dump(data, Dumper=dumper, sort_keys=False, allow_unicode=True)
    return text


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
        elif err["type"] == "string_pattern_mismatch" and field.endswith("rule"):
            msg = f"must be a rule id such as LAT-1 (see `python -m mlsd rules`), got {err['input']!r:.60}"
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

"""Writing a fixed design back to its file, changing only what the fixes changed (as ``ruff --fix`` edits only
the lines it fixes): the file's own data is patched block by block and connection by connection, so keys the
user wrote, their order and values left at their defaults stay as they were. JSON keeps the two-space indent the
designs use; YAML is written by PyYAML (comments are not kept)."""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlsd.io import DesignError, loads, parse_text

if TYPE_CHECKING:
    from mlsd.model import Component, Connection, Design


def _dump(item: Component | Connection) -> dict[str, Any]:
    return item.model_dump(mode="json", exclude_defaults=True)


def _patch_block(raw: dict[str, Any], old: Component, new: Component) -> None:
    if old.label != new.label:
        raw["label"] = new.label
    if old.props != new.props:
        props = raw.setdefault("props", {})
        for key in [k for k in props if k not in new.props]:
            del props[key]
        for key, value in new.props.items():
            if old.props.get(key) != value or key not in props:
                props[key] = int(value) if isinstance(value, float) and value.is_integer() else value
    if old.position != new.position:
        raw["position"] = new.position.model_dump(mode="json")


def _patch_connection(raw: dict[str, Any], old: Connection, new: Connection) -> None:
    for key in ("source", "target", "flow", "label", "fallback"):
        if getattr(old, key) != getattr(new, key):
            raw[key] = getattr(new, key)
    if raw.get("label", "") is None:
        del raw["label"]


def _patch_list(raw: list[Any], old: list[Any], new: list[Any], patch: Any) -> list[Any]:
    """The file's list of blocks (or connections) with removed ones dropped, changed ones patched in place and new
    ones appended (their non-default fields only)."""
    olds, news = {x.id: x for x in old}, {x.id: x for x in new}
    out = []
    for item in raw:
        key = item.get("id") if isinstance(item, dict) else None
        if key not in news:
            continue
        if olds.get(key) != news[key]:
            patch(item, olds[key], news[key])
        out.append(item)
    out.extend(_dump(x) for x in new if x.id not in olds)
    return out


def patched_text(text: str, fmt: str, old: Design, new: Design) -> str:
    """The file's text with the changes from ``old`` (what it holds) to ``new`` made; falls back to the full
    serialisation of ``new`` if the patched data would not load back equal to it."""
    from mlsd.io import dumps

    data = parse_text(text, "yaml" if fmt == "yaml" else "json")
    if not isinstance(data, dict):
        return dumps(new, "yaml" if fmt == "yaml" else "json")
    data["components"] = _patch_list(data.get("components", []), old.components, new.components, _patch_block)
    data["connections"] = _patch_list(data.get("connections", []), old.connections, new.connections,
                                      _patch_connection)
    if old.requirements != new.requirements:
        req = data.setdefault("requirements", {})
        for key, value in new.requirements.model_dump(mode="json").items():
            if getattr(old.requirements, key) != getattr(new.requirements, key):
                req[key] = value
    if old.waivers != new.waivers:
        data["waivers"] = [w.model_dump(mode="json") for w in new.waivers]
    if fmt == "yaml":
        import yaml

        out = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    else:
        out = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    try:
        same = loads(out, "yaml" if fmt == "yaml" else "json") == new
    except DesignError:
        same = False
    return out if same else dumps(new, "yaml" if fmt == "yaml" else "json")


def file_format(path: str) -> str:
    return "yaml" if Path(path).suffix.lower() in (".yaml", ".yml") else "json"


def unified_diff(path: str, before: str, after: str) -> str:
    """``diff -u`` of a file's text before and after its fixes (what ``validate --fix --diff`` prints)."""
    return "".join(difflib.unified_diff(before.splitlines(keepends=True), after.splitlines(keepends=True),
                                        fromfile=path, tofile=path))

"""The config file: ``[tool.mlsd]`` in ``pyproject.toml``, or an ``mlsd.toml`` (top level, or its own
``[tool.mlsd]``), found as ruff finds its own: the nearest one walking up from the design file's folder
(``mlsd.toml`` wins over ``pyproject.toml`` in the same folder; a ``pyproject.toml`` without ``[tool.mlsd]`` is
passed over). ``--config PATH`` names one. Keys (kebab-case, as ruff's)::

    [tool.mlsd]
    select = ["LAT", "CAP", "REL-1"]       # rule ids, id prefixes or categories; default: every rule
    ignore = ["CAP-13"]
    sla-percentile = 99                    # judge the end-to-end latency at this percentile (50 < p < 100)
    headroom = 0.3                         # for designs that declare no requirements.headroom
    zone-loss = "zones-and-regions"        # or "zones", "regions", "off": which losses REL-3 judges

    [tool.mlsd.severity]
    CAP-5 = "warning"

    [tool.mlsd.per-file-ignores]
    "exercises/*.json" = ["SEC-7"]

An unknown key, rule or value is a ``ConfigError`` naming it (``python -m mlsd`` exits 2).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlsd.settings import Settings, ZoneLoss

KEYS = ("select", "ignore", "severity", "headroom", "sla-percentile", "zone-loss", "per-file-ignores")
SEVERITIES = ("error", "warning", "info")


class ConfigError(ValueError):
    """A config file that cannot be used; the message names the file and the key."""


def find_config(start: str | Path) -> Path | None:
    """The nearest ``mlsd.toml``, or ``pyproject.toml`` with a ``[tool.mlsd]`` table, from ``start`` (a file or
    folder) up to the filesystem root."""
    here = Path(start).resolve()
    folder = here if here.is_dir() else here.parent
    for d in (folder, *folder.parents):
        own = d / "mlsd.toml"
        if own.is_file():
            return own
        py = d / "pyproject.toml"
        if py.is_file():
            try:
                text = py.read_bytes()
            except OSError:
                continue
            if b"tool.mlsd" not in text:  # read the TOML (and import tomllib) only when it may hold our table
                continue
            import tomllib

            try:
                if "mlsd" in tomllib.loads(text.decode("utf-8", "replace")).get("tool", {}):
                    return py
            except tomllib.TOMLDecodeError:
                continue  # someone else's broken pyproject is not ours to report
    return None


def _table(path: Path) -> dict[str, Any]:
    import tomllib

    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    tool = data.get("tool", {}).get("mlsd") if isinstance(data.get("tool"), dict) else None
    table = tool if tool is not None or path.name == "pyproject.toml" else data
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.mlsd] must be a table")
    return dict(table)


def _rules(path: Path, key: str, value: Any, known: set[str], categories: Iterable[str]) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{path}: {key} must be a list of rule ids, prefixes or categories")
    prefixes = {r.split("-")[0] for r in known}
    for v in value:
        if v not in known and v not in prefixes and v not in categories:
            raise ConfigError(f"{path}: {key}: unknown rule {v!r} (see `python -m mlsd rules`)")
    return tuple(value)


def parse_settings(table: dict[str, Any], path: Path) -> Settings:
    """Settings from a ``[tool.mlsd]`` table; every key and value is checked."""
    from mlsd.rules import CATEGORIES, all_rules
    from mlsd.settings import ZONE_LOSS, Settings

    known = {r.id for r in all_rules()}
    for key in table:
        if key not in KEYS:
            raise ConfigError(f"{path}: unknown key {key!r} in [tool.mlsd] (known: {', '.join(KEYS)})")
    out: dict[str, Any] = {"source": str(path)}
    for key in ("select", "ignore"):
        if key in table:
            out[key] = _rules(path, key, table[key], known, CATEGORIES)
    if "severity" in table:
        sev = table["severity"]
        if not isinstance(sev, dict):
            raise ConfigError(f"{path}: severity must be a table of rule id = \"error\" | \"warning\" | \"info\"")
        for rule_id, level in sev.items():
            if rule_id not in known:
                raise ConfigError(f"{path}: severity: unknown rule {rule_id!r}")
            if level not in SEVERITIES:
                raise ConfigError(f"{path}: severity.{rule_id} must be one of {', '.join(SEVERITIES)}; got {level!r}")
        out["severity"] = dict(sev)
    if "headroom" in table:
        h = table["headroom"]
        if isinstance(h, bool) or not isinstance(h, int | float) or not 0 <= h <= 10:
            raise ConfigError(f"{path}: headroom must be a number from 0 to 10 (0.3 = 30%); got {h!r}")
        out["headroom"] = float(h)
    if "sla-percentile" in table:
        p = table["sla-percentile"]
        if isinstance(p, bool) or not isinstance(p, int | float) or not 50 < p < 100:
            raise ConfigError(f"{path}: sla-percentile must be a number above 50 and below 100; got {p!r}")
        out["sla_percentile"] = float(p)
    if "zone-loss" in table:
        z = table["zone-loss"]
        if z not in ZONE_LOSS:
            raise ConfigError(f"{path}: zone-loss must be one of {', '.join(ZONE_LOSS)}; got {z!r}")
        zone: ZoneLoss = z
        out["zone_loss"] = zone
    if "per-file-ignores" in table:
        pfi = table["per-file-ignores"]
        if not isinstance(pfi, dict):
            raise ConfigError(f"{path}: per-file-ignores must be a table of \"glob\" = [rule ids]")
        out["per_file_ignores"] = {g: _rules(path, f"per-file-ignores.{g}", v, known, CATEGORIES)
                                   for g, v in pfi.items()}
    return Settings(**out)


def load_settings(path: str | Path) -> Settings:
    """The settings in a config file (``--config``)."""
    p = Path(path)
    if not p.is_file():
        raise ConfigError(f"{path}: no such config file")
    return parse_settings(_table(p), p)


def settings_for(start: str | Path, config: str | None = None) -> Settings | None:
    """The settings that apply to designs at ``start``: ``config`` when given, else the nearest config file's;
    None when there is none (the defaults: ``mlsd.settings`` is not even imported, so ``validate`` without a
    config loads nothing new)."""
    if config:
        return load_settings(config)
    found = find_config(start)
    return load_settings(found) if found is not None else None


def file_settings(path: str, config: str | None = None) -> Settings | None:
    """The settings for one design file, its per-file ignores included (None: the defaults)."""
    found = settings_for(path, config)
    return found.for_file(path) if found is not None else None

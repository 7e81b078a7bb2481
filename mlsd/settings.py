"""Settings of a check: which rules run, at what severity, and the thresholds teams tune (``[tool.mlsd]``).

``Settings()`` is the default and changes nothing: every rule at its own severity, the SLA judged at p99
(``requirements.sla_p99_ms``), each design's own ``requirements.headroom`` (0.3 when it declares none, from
``mlsd.model.Requirements``), and REL-3 judging the loss of a zone and of a region. ``mlsd.config`` reads them
from ``pyproject.toml`` / ``mlsd.toml``; the rule engine (``mlsd.rules.check``) and the analysis
(``mlsd.analysis.analyze``: the percentile) take them. Nothing here reads files.
"""

from __future__ import annotations

import contextlib
import fnmatch
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

Level = Literal["error", "warning", "info"]
ZoneLoss = Literal["zones-and-regions", "zones", "regions", "off"]
ZONE_LOSS: tuple[ZoneLoss, ...] = ("zones-and-regions", "zones", "regions", "off")
DEFAULT_PERCENTILE = 99.0


@dataclass(frozen=True)
class Settings:
    """The effective settings: rule selection, severities, thresholds, per-file ignores, and where they came from."""

    select: tuple[str, ...] = ()  # rule ids, prefixes ("LAT") or categories ("privacy"); empty = every rule
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Level] = field(default_factory=dict)  # rule id -> error | warning | info
    headroom: float | None = None  # default requirements.headroom for designs that declare none
    sla_percentile: float = DEFAULT_PERCENTILE  # the percentile of the end-to-end latency held to the SLA
    zone_loss: ZoneLoss = "zones-and-regions"  # which place losses REL-3 judges ("off": none)
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # glob -> ignored rules
    source: str = ""  # the file the settings were read from ("" = defaults)

    @property
    def quantile(self) -> float:
        """``sla_percentile`` as a fraction (99 -> 0.99)."""
        return self.sla_percentile / 100.0

    @property
    def is_default(self) -> bool:
        return replace(self, source="") == Settings()

    def for_file(self, path: str) -> Settings:
        """These settings with the per-file ignores that match ``path`` (a glob against the path as given, its
        path relative to the config's folder, or its name) added to ``ignore``."""
        if not self.per_file_ignores:
            return self
        p = Path(path)
        names = {str(p), p.as_posix(), p.name}
        if self.source:
            with contextlib.suppress(ValueError, OSError):  # outside the config's folder: globs on the rest
                names.add(p.resolve().relative_to(Path(self.source).parent.resolve()).as_posix())
        more = [r for pattern, rules in self.per_file_ignores.items()
                if any(fnmatch.fnmatch(n, pattern) for n in names) for r in rules]
        return replace(self, ignore=(*self.ignore, *more)) if more else self

    def chooses(self, rule_id: str, category: str) -> bool:
        """Whether the rule runs: selected (or no selection) and not ignored."""
        def hit(patterns: Iterable[str]) -> bool:
            return any(rule_id == p or rule_id.startswith(p + "-") or category == p for p in patterns)

        return (not self.select or hit(self.select)) and not hit(self.ignore)

    def to_dict(self) -> dict[str, object]:
        """The settings as ``--show-config`` prints them (TOML keys)."""
        return {
            "config": self.source or "(defaults: no pyproject.toml [tool.mlsd] or mlsd.toml found)",
            "select": list(self.select) or ["(every rule)"],
            "ignore": list(self.ignore),
            "severity": dict(self.severity),
            "headroom": self.headroom if self.headroom is not None else "(each design's own; 0.3 when unset)",
            "sla-percentile": self.sla_percentile,
            "zone-loss": self.zone_loss,
            "per-file-ignores": {k: list(v) for k, v in self.per_file_ignores.items()},
        }


DEFAULT = Settings()

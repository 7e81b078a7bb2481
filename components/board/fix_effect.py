"""What an applied fix did to the headline numbers (the monthly cost, the slowest request path's p99 at peak, the
tiers short of capacity), as one sentence for the "Fixed …" message.

The numbers are read from the analyses the board already has: the review of the design before the fix and the
review of the design after it (``components.board.state.review``, cached, so the findings panel of the next run
reuses it). The definitions are the Library's headline figures (``components.common.design_view.figures_of``):
the slowest path is the largest p99 at peak of the queueing model, "saturated" when a path runs through a tier at
100% or more; a tier is short when its capacity headroom is below ``requirements.headroom``.
"""

from __future__ import annotations

from dataclasses import dataclass

from mlsd.analysis import Analysis
from mlsd.model import Design


@dataclass(frozen=True)
class Headline:
    """The few numbers a fix is judged by."""

    cost_per_month: float
    worst_p99_ms: float | None  # None: no request path
    saturated: bool  # a request path runs through a saturated tier (its p99 is unbounded)
    tiers_short: int


def headline(design: Design, analysis: Analysis) -> Headline:
    """The headline numbers of ``design`` from its ``analysis`` (nothing recomputed)."""
    required = design.requirements.headroom
    return Headline(
        cost_per_month=analysis.cost_per_month,
        worst_p99_ms=max((p.p99_ms for p in analysis.paths if p.p99_ms is not None), default=None),
        saturated=any(p.saturated for p in analysis.paths),
        tiers_short=sum(1 for t in analysis.capacity.values() if t.headroom is not None and t.headroom < required),
    )


def _p99(h: Headline) -> str:
    if h.saturated:
        return "saturated"
    if h.worst_p99_ms is None:
        return "no path"
    v = h.worst_p99_ms
    return f"{v:,.0f} ms" if v >= 10 else f"{v:.1f} ms"


def change_text(before: Headline, after: Headline) -> str:
    """``Monthly cost $340,730 → $374,063 (+$33,333); slowest path p99 at peak 250 ms → 180 ms.``: the headline
    numbers that moved, or a sentence saying none did."""
    parts = []
    cost_a, cost_b = round(before.cost_per_month), round(after.cost_per_month)
    if cost_a != cost_b:
        parts.append(f"monthly cost ${cost_a:,} → ${cost_b:,} ({'+' if cost_b > cost_a else '−'}"
                     f"${abs(cost_b - cost_a):,})")
    p99_a, p99_b = _p99(before), _p99(after)
    if p99_a != p99_b:
        parts.append(f"slowest path p99 at peak {p99_a} → {p99_b}")
    if before.tiers_short != after.tiers_short:
        parts.append(f"tiers short of capacity {before.tiers_short} → {after.tiers_short}")
    if not parts:
        return "Monthly cost, slowest path p99 at peak and tiers short of capacity are unchanged."
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + "."

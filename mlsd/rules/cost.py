"""Cost rules of the capacity & scalability checklist (CAP-8): the monthly cost against the budget.

Here "component" means a placed block of a design (``mlsd.model.Component``). The numbers come from
``mlsd.analysis.cost`` (CAP-6, over-provisioning, lives with the other sizing rules in ``scalability``).
"""

from __future__ import annotations

from mlsd.rules.context import Context
from mlsd.rules.engine import Hit, NotApplicable, rule
from mlsd.rules.sla import name


@rule(
    "CAP-8", "scalability", "error", "Monthly cost within the budget",
    "Cut the biggest cost lines the message names: right-size over-provisioned tiers, autoscale from a lower "
    "floor, move cold data to cheaper storage, run batch jobs only as long as they need; or raise the budget.",
)
def within_budget(ctx: Context) -> list[Hit]:
    """The design's monthly cost does not exceed ``requirements.budget_per_month``.

    The cost is the analysis's (``mlsd.analysis.cost``): every block's replicas × shards × hourly price × 730 h
    plus its storage; autoscaling tiers at their floor. The message gives the overrun, the cost per 1,000
    predictions and the biggest lines, which is where a cut pays.
    Why: a design that cannot be paid for is not a design; the budget is a requirement like the SLA.
    Fix: cut the biggest lines first.
    Source: AWS Well-Architected ML Lens, cost optimisation pillar; Huyen, Designing ML Systems ch. 10.
    """
    budget = ctx.requirements.budget_per_month
    if budget is None:
        raise NotApplicable("no monthly budget is declared (requirements.budget_per_month)")
    a = ctx.analysis
    if not a.over_budget:
        return []
    lines = sorted(a.cost, key=lambda line: -line.total)[:3]
    over = a.cost_per_month - budget
    share = f" ({over / budget:.0%} over)" if budget > 0 else ""
    per_k = f"; ${a.cost_per_thousand:,.4f} per 1,000 predictions" if a.cost_per_thousand is not None else ""
    biggest = ", ".join(f"{name(ctx, line.block)} ${line.total:,.0f}" for line in lines)
    return [Hit(
        f"The design costs ${a.cost_per_month:,.0f} a month against a budget of ${budget:,.0f}{share}{per_k}; "
        f"the biggest lines: {biggest}.",
        components=tuple(line.block for line in lines),
    )]

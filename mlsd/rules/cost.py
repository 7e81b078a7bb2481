"""Cost rules of the capacity & scalability checklist: the monthly cost against the budget (CAP-8), GPU prices
(CAP-13).

Here "component" means a placed block of a design (``mlsd.model.Component``). The numbers come from
``mlsd.analysis.cost`` (CAP-6, over-provisioning, lives with the other sizing rules in ``scalability``).
"""

from __future__ import annotations

from mlsd.catalog import KINDS
from mlsd.catalog.prices import CHEAPEST_GPU, describe
from mlsd.rules.context import Context
from mlsd.rules.engine import Hit, NotApplicable, rule
from mlsd.rules.sla import name, names

GPU_KINDS = frozenset(k for k, entry in KINDS.items() if entry.props.get("gpu") is True)


@rule(
    "CAP-8", "scalability", "error", "Monthly cost within the budget",
    "Cut the biggest cost lines the message names: right-size over-provisioned tiers, autoscale from a lower "
    "floor, move cold data to cheaper storage, run batch jobs only as long as they need; or raise the budget.",
)
def within_budget(ctx: Context) -> list[Hit]:
    """The design's monthly cost does not exceed ``requirements.budget_per_month``.

    The cost is the analysis's (``mlsd.analysis.cost``): running blocks at replicas × shards × hourly price ×
    730 h (autoscaling tiers at their floor), batch jobs for the hours their runs take (``hours_per_run`` or
    items ÷ throughput, × runs a month; 24/7 when neither is declared), request-billed managed services by
    their requests (``cost_per_million_requests``), GPU blocks without a price of their own at the catalog's
    cheapest GPU, plus storage. The message gives the overrun, the cost per 1,000 predictions and the biggest
    lines, which is where a cut pays.
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


@rule(
    "CAP-13", "scalability", "info", "GPU blocks are priced as GPUs",
    "Declare the hourly price of the GPU instance the block runs on (e.g. g5.xlarge, one A10G, $1.006/h), or "
    "set gpu: false if it runs on CPUs.",
)
def gpu_priced(ctx: Context) -> list[Hit]:
    """A block with ``gpu: true`` does not declare a ``cost_per_hour`` below the cheapest GPU instance.

    The floor is the catalog's price table (``mlsd.catalog.prices``: g4dn.xlarge, one NVIDIA T4, $0.526/h on
    demand in us-east-1, checked 2026-12-05). A declared price stays the user's word in the cost (it may be a
    reserved or negotiated rate, or a share of an instance), so this is information: the bill may be
    understated. A price of 0 means the block is billed elsewhere (a model artifact served by a batch job) and
    is not flagged; a GPU block without a price of its own is already costed at the GPU floor.
    One finding names every such block.
    Why: a declared price may be a real reserved or negotiated rate, so the design is not wrong; but a GPU
    priced below any on-demand GPU is more often a CPU price copied over, and then the cost check understates
    what is usually the largest line of the bill.
    Source: AWS EC2 on-demand pricing (G4dn, G5, P4d, P5); AWS Well-Architected ML Lens, cost optimisation
    pillar (know the cost of the accelerators you choose).
    """
    gpus = []
    for c in ctx.design.components:
        own = c.props.get("gpu")
        if own is True or (own is None and c.kind in GPU_KINDS):
            gpus.append(c)
    if not gpus:
        raise NotApplicable("no block runs on GPUs (gpu: true)")
    low = [c.id for c in gpus
           if "cost_per_hour" in c.props and 0 < c.num("cost_per_hour") < CHEAPEST_GPU.usd_per_hour]
    if not low:
        return []
    prices = ", ".join(f"${ctx.blocks[b].num('cost_per_hour'):,.3g}/h" for b in low[:5])
    return [Hit(
        f"{names(ctx, low)} {'runs' if len(low) == 1 else 'run'} on GPUs at a declared {prices}, below the "
        f"cheapest GPU instance, "
        f"{describe(CHEAPEST_GPU)}; the monthly cost may be understated.",
        components=tuple(low),
    )]

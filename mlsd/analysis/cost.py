"""Monthly cost: per block, in all, against the budget, per 1,000 predictions, and at other loads.

Here "component" means a placed block of a design (``mlsd.model.Component``).

Each block is billed one of three ways, and its cost line says which (``billed``), with the hours, replicas and
price it used and a note when a figure is a fallback:
- ``hours``: a running service, ``replicas × shards × cost_per_hour × 730 h`` (on-demand hours in an average
  month, AWS's convention). An autoscaling block is counted at its floor (``replicas``): what runs all month.
- ``runs``: a batch job (``batch.BatchJob``: ETL, feature pipeline, batch prediction, training, tuning) is
  billed for the hours its runs take: ``replicas × shards × cost_per_hour × hours_per_run × runs per month``
  (runs = 730 h ÷ its period: ``retrain_every_hours``, ``freshness_minutes`` or the release of the model that
  triggers it), at most 730 h. ``hours_per_run`` is the user's word; without it the hours come from
  ``items_per_run ÷ (replicas × items_per_sec_per_replica)``. A job with neither is billed 24/7, an upper bound,
  and its line says "billed 24/7: declare hours_per_run" (or, when it runs every 30 minutes or more often, that it runs
  continuously: a streaming or 15-minute fine-tuning trainer is busy all the time).
- ``requests``: a block with ``cost_per_million_requests`` (on-demand, request-billed managed services such as
  DynamoDB on-demand or a serverless endpoint) is billed by the requests reaching it:
  ``price × peak rate ÷ PEAK_TO_AVERAGE × seconds per month ÷ 10⁶``. The peak rate is the analysis's (the rate
  the tier states are computed at, after caches, fan-out and any per-candidate reads); its hourly price is not
  billed (there are no instances). A managed store that declares no price of its own (no ``cost_per_hour``, no
  ``cost_per_million_requests``, no provisioned ``qps_per_replica`` × ``replicas``) scales with its load and is
  billed for it at the catalog's request price for its kind (``prices.MANAGED_REQUEST_PRICES``: a kv_store at
  DynamoDB on-demand reads, $0.125 per million), and its line says so, instead of one kind-default replica.
Storage adds ``storage_gb × cost_per_gb_month`` to every line.

GPU prices: a block with ``gpu: true`` whose ``cost_per_hour`` is its kind's CPU default (the user set none) is
billed at the cheapest GPU of the catalog's price table (``mlsd.catalog.prices``: g4dn.xlarge, one T4, $0.526/h,
AWS on-demand us-east-1, checked 2026-12-05), and its line names that price. A price the user declared stays
their word even when it is below any GPU's; CAP-13 says so as information. Why not override it: a declared
price may be a negotiated or reserved rate, or a share of an instance.

- Cost per 1,000 predictions: the monthly cost over the month's requests, taken as the peak over a
  peak-to-average ratio of 2 (a diurnal curve whose peak hour carries about twice the day's mean rate; the
  rule of thumb of system-design interviews, e.g. Xu, System Design Interview vol. 1, ch. 1 "back-of-the-envelope
  estimation": peak QPS ≈ 2 × average).
- Cost at a load: the monthly cost if the load stayed at that multiple of the peak, autoscaling tiers running
  what that load needs (``Service.replicas_for``), request-billed blocks at that multiple of their requests,
  fixed tiers, batch jobs and storage unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from mlsd.analysis.batch import HOURS_PER_MONTH, BatchJob
from mlsd.analysis.paths import Parts
from mlsd.analysis.service import Service
from mlsd.catalog import KINDS, prices
from mlsd.catalog.prices import CHEAPEST_GPU
from mlsd.catalog.props import PropValue

SECONDS_PER_MONTH = HOURS_PER_MONTH * 3600.0
PEAK_TO_AVERAGE = 2.0
# props a block's cost reads: a block setting none of them (and not a batch job) costs what its kind costs
COST_PROPS = frozenset({"replicas", "cost_per_hour", "storage_gb", "cost_per_gb_month", "shards", "gpu",
                        "cost_per_million_requests"})

PRICED_PROPS = COST_PROPS - {"gpu"}  # a block setting only ``gpu`` costs what its kind costs on that hardware
REQUEST_BILLED_KINDS = frozenset(k for k, entry in KINDS.items() if "cost_per_million_requests" in entry.props)

Props = dict[str, PropValue]

__all__ = ["HOURS_PER_MONTH", "PEAK_TO_AVERAGE", "SECONDS_PER_MONTH", "CostLine", "cost_at", "cost_lines",
           "cost_table", "line_dict", "per_thousand"]
CONTINUOUS_PERIOD_HOURS = 0.5  # a job run at least this often without declared hours is taken to run all the time


class CostLine(NamedTuple):
    """Monthly cost of one block: what is billed (hours, runs or requests), at which price, plus storage.
    (A named tuple: a 10,000-block design builds 10,000 of them, and a frozen dataclass is slower to build.)"""

    block: str
    compute_per_month: float
    storage_per_month: float
    billed: str = "hours"  # "hours" (all month), "runs" (the hours batch runs take), "requests"
    hours_per_month: float = HOURS_PER_MONTH  # hours billed per replica
    replicas: int = 1  # replicas × shards billed
    price_per_hour: float = 0.0  # per replica-hour, as billed
    requests_per_month: float = 0.0  # for request-billed blocks
    price_per_million: float = 0.0
    note: str = ""  # where a figure comes from when it is not the user's word

    @property
    def total(self) -> float:
        return self.compute_per_month + self.storage_per_month


def _num(value: PropValue | None, default: float = 0.0) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return default
    return float(value)


def _price(props: Props, own: Props) -> tuple[float, str]:
    """The hourly price billed, and a note when it is the catalog's GPU price instead of a CPU default."""
    price = _num(props.get("cost_per_hour"))
    if props.get("gpu") is True and "cost_per_hour" not in own and price < CHEAPEST_GPU.usd_per_hour:
        return CHEAPEST_GPU.usd_per_hour, (f"gpu: priced as the cheapest GPU, {CHEAPEST_GPU.instance} "
                                           f"${CHEAPEST_GPU.usd_per_hour:,.3f}/h; declare cost_per_hour")
    return price, ""


def _managed_request_price(kind: str, props: Props, own: Props) -> prices.RequestPrice | None:
    """The catalog's request price for a managed block that declares no price and no provisioned ceiling of
    its own (a managed store scales with its load and is billed for it), else None."""
    if props.get("managed") is not True or "cost_per_hour" in own:
        return None
    if "qps_per_replica" in own and "replicas" in own:  # provisioned capacity: billed by the hour as declared
        return None
    return prices.MANAGED_REQUEST_PRICES.get(kind)


def _block_cost(block: str, kind: str, own: Props, defaults: Props, job: BatchJob | None, rate: float) -> CostLine:
    props = defaults | own if own else defaults  # own props over the kind's defaults
    get = props.get
    storage = _num(get("storage_gb")) * _num(get("cost_per_gb_month")) if "storage_gb" in props else 0.0
    per_million = _num(get("cost_per_million_requests"))
    managed_note = ""
    if per_million <= 0 and (default := _managed_request_price(kind, props, own)) is not None:
        per_million = default.usd_per_million
        managed_note = (f"managed: billed per request at {default.service}, ${per_million:g}/M "
                        f"({prices.CHECKED}); declare cost_per_million_requests")
    if per_million > 0:
        requests = rate / PEAK_TO_AVERAGE * SECONDS_PER_MONTH
        note = managed_note or ("" if rate > 0 else "no request reaches it at peak")
        return CostLine(block, per_million * requests / 1e6, storage, "requests", 0.0, 0, 0.0, requests,
                        per_million, note)
    replicas = max(_num(get("replicas"), 1.0), 1.0)
    if "shards" in props:
        replicas *= max(_num(get("shards"), 1.0), 1.0)
    price, note = _price(props, own)
    billed, hours = "hours", HOURS_PER_MONTH
    if job is not None:
        run, runs = job.run_hours, job.runs_per_month
        if run is not None and runs is not None:
            billed, hours = "runs", min(run * runs, HOURS_PER_MONTH)
            how = "hours_per_run" if job.hours_declared is not None else "items ÷ throughput"
            job_note = f"{run:,.3g} h a run ({how}) × {runs:,.3g} runs (every {job.period_hours:,.4g} h: " \
                       f"{job.period_from})"
            if run * runs > HOURS_PER_MONTH:
                job_note += ", runs overlap: billed 24/7"
        elif run is None and job.period_hours is not None and job.period_hours <= CONTINUOUS_PERIOD_HOURS:
            job_note = f"runs continuously (every {job.period_hours * 60:,.3g} min: {job.period_from}): billed 24/7"
        elif run is None:
            job_note = "billed 24/7: declare hours_per_run"
        else:
            job_note = "billed 24/7: no schedule; declare freshness_minutes"
        note = f"{job_note}; {note}" if note else job_note
    return CostLine(block, replicas * price * hours, storage, billed, hours, int(replicas), price, note=note)


def cost_lines(parts: Parts, jobs: Mapping[str, BatchJob] | None = None, rates: Sequence[float] | None = None
               ) -> tuple[CostLine, ...]:
    """One line per block that costs something, in design order. ``jobs``: the design's batch jobs
    (``batch.batch_jobs``); ``rates``: requests/s reaching each block at peak, by position."""
    jobs = jobs or {}
    lines = []
    by_kind: dict[tuple[str, object], CostLine] = {}
    for v, (block, kind, own) in enumerate(zip(parts.ids, parts.kinds, parts.props, strict=True)):
        job = jobs.get(block)
        if (job is None and own.keys().isdisjoint(PRICED_PROPS) and kind not in REQUEST_BILLED_KINDS
                and kind not in prices.MANAGED_REQUEST_PRICES):
            key = (kind, own.get("gpu"))  # costs what its kind costs (on its own hardware): once per kind
            found = by_kind.get(key)
            if found is None:
                gpu: Props = {"gpu": own["gpu"]} if "gpu" in own else {}
                found = by_kind[key] = _block_cost(block, kind, gpu, KINDS[kind].props, None, 0.0)
            line = found if found[0] == block else CostLine(block, *found[1:])
        else:
            line = _block_cost(block, kind, own, KINDS[kind].props, job, rates[v] if rates is not None else 0.0)
        if line.compute_per_month or line.storage_per_month:
            lines.append(line)
    return tuple(lines)


def per_thousand(cost_per_month: float, peak_qps: float | None) -> float | None:
    """Cost of 1,000 predictions (None without a peak)."""
    if not peak_qps:
        return None
    requests = peak_qps / PEAK_TO_AVERAGE * SECONDS_PER_MONTH
    return cost_per_month / requests * 1000.0


def cost_at(lines: Sequence[CostLine], services: Mapping[str, Service], replicas_at: Mapping[str, int],
            load: float = 1.0) -> float:
    """Monthly cost with autoscaling tiers running ``replicas_at`` (by block id) instead of their floor and
    request-billed blocks at ``load`` × their peak requests."""
    total = 0.0
    for line in lines:
        if line.billed == "requests":
            total += line.compute_per_month * load + line.storage_per_month
            continue
        s = services.get(line.block)
        running = replicas_at.get(line.block)
        if s is None or running is None or not s.autoscaling or s.replicas <= 0:
            total += line.total
            continue
        total += line.compute_per_month * running / s.replicas + line.storage_per_month
    return total


def line_dict(line: CostLine) -> dict[str, Any]:
    """A cost line as JSON-ready data (the keys of ``analysis_to_dict``'s ``cost``)."""
    return {
        "block": line.block,
        "billed": line.billed,
        "hours_per_month": line.hours_per_month,
        "replicas": line.replicas,
        "price_per_hour": line.price_per_hour,
        "requests_per_month": line.requests_per_month,
        "price_per_million_requests": line.price_per_million,
        "compute_per_month": line.compute_per_month,
        "storage_per_month": line.storage_per_month,
        "total": line.total,
        "note": line.note,
    }


def cost_table(lines: Sequence[CostLine | Mapping[str, Any]], names: Mapping[str, str] | None = None,
               limit: int | None = None) -> list[str]:
    """The cost lines as text, biggest first: block, what is billed (replicas × price × hours, or requests ×
    price), storage, and the note. Takes ``CostLine`` objects or their JSON form. A pure function, for the text
    outputs of ``validate`` and ``analyze``."""
    names = names or {}
    rows = [line_dict(x) if isinstance(x, CostLine) else x for x in lines]
    ordered = sorted(rows, key=lambda row: -(row["total"] or 0.0))
    shown = ordered if limit is None else ordered[:limit]
    out = []
    for row in shown:
        title = names.get(row["block"], row["block"])
        compute, storage = row["compute_per_month"] or 0.0, row["storage_per_month"] or 0.0
        if row["billed"] == "requests":
            millions = (row["requests_per_month"] or 0.0) / 1e6
            what = f"{millions:,.0f}M requests × ${row['price_per_million_requests']:,.4g}/M"
        elif compute:
            runs = " (runs)" if row["billed"] == "runs" else ""
            what = (f"{row['replicas']:,} × ${row['price_per_hour']:,.4g}/h × {row['hours_per_month']:,.0f} h"
                    f"{runs}")
        else:
            what = "storage"
        plus = f" + storage ${storage:,.0f}" if storage and compute else ""
        note = f" [{row['note']}]" if row["note"] else ""
        out.append(f"{title}: ${row['total'] or 0:,.0f}/month = {what}{plus}{note}")
    if limit is not None and len(ordered) > limit:
        rest = sum(row["total"] or 0.0 for row in ordered[limit:])
        out.append(f"{len(ordered) - limit} more blocks: ${rest:,.0f}/month")
    return out

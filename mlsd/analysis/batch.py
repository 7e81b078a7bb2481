"""Batch runs: how long a job's run takes, how often it runs, and the window it must fit in.

Here "component" means a placed block of a design (``mlsd.model.Component``).

- A batch job is a block of a job kind (``JOB_KINDS``: ETL, feature pipelines, batch prediction, training, tuning,
  validation) or any block that declares ``hours_per_run`` or ``items_per_run``.
- Items of a run: ``items_per_run``; a job (not training or tuning) that writes an ``embedding_store`` or a
  ``vector_index`` and declares none rebuilds it: a full re-embed or backfill covers every item of
  ``requirements.corpus_size`` (the senior reviewer's reading of "full re-embed on a new encoder").
- Throughput: ``items_per_sec_per_replica``, else ``1000 / ms_per_item``, times the workers (``replicas`` ×
  ``shards``). Hours needed = items ÷ throughput ÷ 3600 (a run at full speed: no stragglers, no retries, so a
  lower bound of the wall clock).
- Hours of a run: ``hours_per_run`` when declared (the user's word), else the hours needed.
- Period (the window a run must fit, and how often it is billed), the first that applies:
  a training pipeline's ``retrain_every_hours``; the job's own ``freshness_minutes`` when the block declares it;
  the release period of the model that triggers it (a job fed along ``batch`` connections by a model, a
  registry or a validation gate runs once per release of the training pipeline upstream: its
  ``retrain_every_hours``; a re-embed must finish before the next encoder ships); else the kind's default
  ``freshness_minutes`` (daily for ETL and batch prediction, hourly for feature pipelines).
- Runs per month = 730 h ÷ period; a run longer than its period cannot keep up (CAP-11), and is billed 24/7.

The release walk follows ``batch`` connections backwards through models, registries and gates only, each block
once (memoised), so the whole computation is O(blocks + connections).
"""

from __future__ import annotations

from dataclasses import dataclass

from mlsd.analysis.paths import Parts
from mlsd.catalog import KINDS
from mlsd.catalog.props import PropValue
from mlsd.model import Design

HOURS_PER_MONTH = 730.0  # on-demand hours in an average month (AWS's convention), as in ``cost``
JOB_KINDS = frozenset({
    "batch_etl", "feature_pipeline", "batch_prediction", "training_pipeline", "hyperparameter_tuning",
    "data_validation",
})
NO_CORPUS_DEFAULT = frozenset({"training_pipeline", "hyperparameter_tuning", "data_validation"})
INDEX_KINDS = frozenset({"embedding_store", "vector_index"})
RELEASE_RELAYS = frozenset({"model_registry", "validation_gate"}) | frozenset(
    k for k, entry in KINDS.items() if entry.category == "models"
)
WRITE_FLOWS = frozenset({"batch", "stream"})

Props = dict[str, PropValue]


@dataclass(frozen=True)
class BatchJob:
    """One batch job's run: its items, throughput, hours and period (see the module docstring)."""

    block: str
    workers: int  # replicas × shards
    items_per_run: float | None
    items_from: str  # "items_per_run" or "corpus_size" ("" when unknown)
    items_per_sec_per_replica: float | None
    hours_needed: float | None  # items ÷ (workers × items/s) ÷ 3600
    hours_declared: float | None  # hours_per_run
    period_hours: float | None
    period_from: str  # what the period is ("retrain_every_hours", "freshness_minutes", "release of train"...)
    release_of: str = ""  # the training pipeline whose release sets the period, when it does

    @property
    def run_hours(self) -> float | None:
        """Hours a run is billed for: the declared ``hours_per_run``, else the hours its items need."""
        return self.hours_declared if self.hours_declared is not None else self.hours_needed

    @property
    def runs_per_month(self) -> float | None:
        return HOURS_PER_MONTH / self.period_hours if self.period_hours else None

    @property
    def workers_to_fit(self) -> int | None:
        """Workers that would finish the run's items within its period (None without the numbers)."""
        if self.items_per_run is None or not self.items_per_sec_per_replica or not self.period_hours:
            return None
        need = self.items_per_run / (self.items_per_sec_per_replica * self.period_hours * 3600.0)
        return max(1, -int(-round(need, 9) // 1))


def _num(own: Props, kind_props: Props, name: str) -> float | None:
    value = own[name] if name in own else kind_props.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _own(own: Props, name: str) -> float | None:
    value = own.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def batch_jobs(design: Design, parts: Parts, index: dict[str, int] | None = None) -> dict[str, BatchJob]:
    """Every batch job of the design by block id, in design order (``index``: block positions, when known)."""
    kinds = parts.kinds
    jobs = [v for v, (kind, own) in enumerate(zip(kinds, parts.props, strict=True))
            if kind in JOB_KINDS or "hours_per_run" in own or "items_per_run" in own]
    if not jobs:
        return {}
    if index is None:
        index = {b: v for v, b in enumerate(parts.ids)}
    wanted = {parts.ids[v] for v in jobs}
    indexes: set[str] = set()
    for b, k in zip(parts.ids, kinds, strict=True):
        if k in RELEASE_RELAYS:
            wanted.add(b)
        elif k in INDEX_KINDS:
            indexes.add(b)
    fed_by: dict[int, list[int]] = {}  # batch predecessors of jobs and relays
    writes_index: set[int] = set()
    for e in design.connections:
        t, flow = e.target, e.flow
        if flow == "batch" and t in wanted:
            fed_by.setdefault(index[t], []).append(index[e.source])
        if t in indexes and flow in WRITE_FLOWS:
            writes_index.add(index[e.source])
    releases = _releases(parts, fed_by, jobs)
    corpus = design.requirements.corpus_size
    return {parts.ids[v]: _job(v, parts, releases.get(v), corpus if v in writes_index else None) for v in jobs}


def _job(v: int, parts: Parts, release: tuple[float, str] | None, corpus: float | None) -> BatchJob:
    kind, own = parts.kinds[v], parts.props[v]
    defaults = KINDS[kind].props
    workers = int(max(_num(own, defaults, "replicas") or 1.0, 1.0) * max(_num(own, defaults, "shards") or 1.0, 1.0))
    items, items_from = _own(own, "items_per_run"), "items_per_run"
    if items is None and corpus and kind not in NO_CORPUS_DEFAULT:
        items, items_from = corpus, "corpus_size"
    if items is None:
        items_from = ""
    rate = _num(own, defaults, "items_per_sec_per_replica")
    if not rate:
        ms = _num(own, defaults, "ms_per_item")
        rate = 1000.0 / ms if ms else None
    needed = items / (rate * workers) / 3600.0 if items is not None and rate else None
    period, period_from = _period(kind, own, defaults, release)
    return BatchJob(parts.ids[v], workers, items, items_from, rate, needed, _own(own, "hours_per_run"), period,
                    period_from, release[1] if release is not None and period_from.startswith("release") else "")


def _period(kind: str, own: Props, defaults: Props, release: tuple[float, str] | None
            ) -> tuple[float | None, str]:
    if kind == "training_pipeline":
        retrain = _num(own, defaults, "retrain_every_hours")
        return (retrain, "retrain_every_hours") if retrain else (None, "")
    fresh = _own(own, "freshness_minutes")
    if fresh:
        return fresh / 60.0, "freshness_minutes"
    if release is not None:
        return release[0], f"release of {release[1]}"
    fresh = _num({}, defaults, "freshness_minutes")
    return (fresh / 60.0, "the kind's schedule") if fresh else (None, "")


def _releases(parts: Parts, fed_by: dict[int, list[int]], jobs: list[int]) -> dict[int, tuple[float, str]]:
    """The shortest release period reaching each job along batch connections through models, registries and
    gates, with the training pipeline it comes from. Iterative, each block once."""
    kinds, props = parts.kinds, parts.props
    done: dict[int, tuple[float, str] | None] = {}
    for start in jobs:
        stack: list[tuple[int, bool]] = [(start, False)]
        while stack:
            v, expanded = stack.pop()
            if v in done and not expanded:
                continue
            if not expanded:
                done[v] = None  # on the stack: a cycle back here contributes nothing
                stack.append((v, True))
                stack.extend((p, False) for p in fed_by.get(v, ()) if kinds[p] in RELEASE_RELAYS and p not in done)
                continue
            best: tuple[float, str] | None = None
            for p in fed_by.get(v, ()):
                if kinds[p] == "training_pipeline":
                    retrain = _num(props[p], KINDS["training_pipeline"].props, "retrain_every_hours")
                    found = (retrain, parts.ids[p]) if retrain else None
                elif kinds[p] in RELEASE_RELAYS:
                    found = done.get(p)
                else:
                    continue
                if found is not None and (best is None or found[0] < best[0]):
                    best = found
            done[v] = best
    return {v: r for v in jobs if (r := done.get(v)) is not None}

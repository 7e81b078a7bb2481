"""Where a training pipeline's labels come from, how late they arrive, and how stale the served model gets.

Shared by the label rules (TRN-7, TRN-8, TRN-9) and by anything that wants to show the parts of a model's
staleness (``model_staleness`` returns its terms). Every walk here is one breadth-first pass over the design
(O(blocks + connections)), cached per check in ``Context.memo``.

Label delay is a declared fact: ``label_delay_hours`` on a label source (a data source such as a chargeback
feed, a labeling block, the source of a feedback connection, a log or a store on the label path) or on the
training pipeline itself. No kind declares a delay by default: the same kind (a third-party API, user events)
carries labels minutes or months late depending on what it delivers, so an undeclared delay is *unknown*, never
assumed to be zero by the label rules (TRN-7 asks for it where labels are natural outcomes; TRN-9 shows it as an
undeclared term of 0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from mlsd.catalog import KINDS
from mlsd.model import Component
from mlsd.rules.context import Context
from mlsd.rules.roles import DATA_PASS_KINDS, NON_REQUEST, memo, roles, walk

# Natural labels (outcomes of predictions: clicks, chargebacks, reports) reach training through logs, queues
# and stores; a labeling block makes new labels (people decide them), so the natural-label walk stops there.
NATURAL_PASS_KINDS = DATA_PASS_KINDS - frozenset({"labeling"})

# The time a rollout strategy takes from a trained model to all traffic, used when nothing on the training
# pipeline or the blocks it deploys to declares deploy_minutes. Sources and assumptions:
# - none: a rolling restart that loads the new artifact, ~10 min (our assumption for a fleet of model servers);
# - blue_green: bring up the green fleet, switch, ~15 min (our assumption; Fowler, "BlueGreenDeployment", 2010,
#   describes the switch, not its duration);
# - canary: ~1 h of a small share of traffic before full rollout (Google SRE Workbook ch. 16, "Canarying
#   Releases", describes canaries lasting from minutes to hours; one hour is our middle);
# - shadow: one day of mirrored traffic before promotion (Huyen, Designing ML Systems ch. 9 describes shadow
#   deployment; the day is our assumption);
# - ab_test: one week, the shortest experiment that covers weekly seasonality (Kohavi, Tang & Xu, Trustworthy
#   Online Controlled Experiments, 2020, ch. 2). A routine retrain that skips the strategy declares deploy_minutes.
DEPLOY_MINUTES_BY_ROLLOUT: dict[str, float] = {
    "none": 10.0,
    "blue_green": 15.0,
    "canary": 60.0,
    "shadow": 1440.0,
    "ab_test": 10080.0,
}


@dataclass(frozen=True)
class LabelDelay:
    """The slowest declared label delay reaching a block: hours, and the block that declares it."""

    hours: float
    source: str


def declaring(ctx: Context, prop: str) -> list[Component]:
    """Blocks carrying ``prop``, their own or as their kind's default, in design order (cached per check).

    Reads each block's own props dict once and looks a kind up only when the kind has a default for ``prop``:
    cheaper than ``Component.prop`` on every block of a large design where almost none declares it.
    """

    def compute() -> list[Component]:
        kinds = frozenset(k for k, entry in KINDS.items() if prop in entry.props)
        return [c for c in ctx.design.components if prop in c.props or c.kind in kinds]

    return memo(ctx, f"declaring:{prop}", compute)


def label_delays(ctx: Context, natural_only: bool = False) -> dict[str, LabelDelay]:
    """``{block id: slowest declared label delay reaching it}`` along stream, batch and feedback connections,
    through data blocks, processing, privacy steps, logs and (unless ``natural_only``) labeling blocks.

    A declaring block counts for itself too. ``natural_only`` leaves out delays declared on labeling blocks
    (people's labels are not read as negatives while they are pending; they count for staleness only).

    Speed: declaring blocks are walked from in decreasing delay, with one shared set of seen blocks: a block
    already reached from a slower source needs no second visit (everything after it was reached from that slower
    source too, since which blocks a walk may pass depends only on their kind), so the whole pass is one walk.
    """
    return memo(ctx, f"label_delays:{natural_only}", lambda: _label_delays(ctx, natural_only))


def _label_delays(ctx: Context, natural_only: bool) -> dict[str, LabelDelay]:
    declared = []
    for c in declaring(ctx, "label_delay_hours"):
        hours = c.num("label_delay_hours", -1.0)
        if hours >= 0 and not (natural_only and c.kind == "labeling"):
            declared.append((hours, c.id))
    declared.sort(key=lambda pair: -pair[0])  # stable: equal delays keep design order
    after, kind_of = ctx.neighbours(True, NON_REQUEST), ctx.kind_of
    passable = NATURAL_PASS_KINDS if natural_only else DATA_PASS_KINDS
    found: dict[str, LabelDelay] = {}
    for hours, source in declared:
        if source in found and kind_of[source] in passable:
            continue  # reached, and walked on, from a slower (or equal, earlier) source already
        delay = LabelDelay(hours, source)
        found.setdefault(source, delay)
        frontier = [source]  # a start is walked on whatever its kind (a client, the training pipeline)
        while frontier:
            nxt: list[str] = []
            for node in frontier:
                for b in after.get(node, ()):
                    if b in found:
                        continue
                    found[b] = delay
                    if kind_of[b] in passable:
                        nxt.append(b)
            frontier = nxt
    return found


def natural_label_reach(ctx: Context) -> dict[str, str]:
    """Blocks that outcomes of predictions reach: from serving blocks, clients and user events, along stream, batch
    and feedback connections, through logs, queues, stores and processing, but not through a labeling block.
    ``{block id: where the outcomes start}``."""

    def compute() -> dict[str, str]:
        # a set: ``walk`` takes it in design order, so the start a block is credited to is stable across runs
        starts = set(roles(ctx).units) | {c.id for c in ctx.of_kind("client", "user_events")}
        return walk(ctx, starts, flows=NON_REQUEST, passable=NATURAL_PASS_KINDS)

    return memo(ctx, "natural_label_reach", compute)


def labeling_reach(ctx: Context) -> frozenset[str]:
    """Blocks that labels made by people (a labeling block) reach through data blocks and processing."""

    def compute() -> frozenset[str]:
        starts = [c.id for c in ctx.of_kind("labeling")]
        return frozenset(walk(ctx, starts, flows=NON_REQUEST, passable=DATA_PASS_KINDS))

    return memo(ctx, "labeling_reach", compute)


@dataclass(frozen=True)
class Term:
    """One part of a model's staleness: what it is, its minutes, and where the figure comes from."""

    name: str
    minutes: float
    basis: str  # "declared on 'X'", "kind default", "default for rollout canary", "undeclared: 0"


@dataclass(frozen=True)
class Staleness:
    """How old the newest label a served model learned from can be, in the worst case, as a sum of terms."""

    trainer: str
    terms: tuple[Term, ...]

    @property
    def minutes(self) -> float:
        return sum(t.minutes for t in self.terms)

    @property
    def biggest(self) -> Term:
        return max(self.terms, key=lambda t: t.minutes)


def deploy_time(ctx: Context, trainer: str) -> Term:
    """From a trained model to all traffic: the largest ``deploy_minutes`` declared on the training pipeline or the
    models and serving blocks it deploys to; else the default for the slowest ``rollout`` among those blocks
    (``DEPLOY_MINUTES_BY_ROLLOUT``, its sources beside it)."""
    members = [trainer, *sorted(roles(ctx).deploys.get(trainer, ()))]
    declared = [(ctx.blocks[b].num("deploy_minutes"), b) for b in members
                if ctx.blocks[b].prop("deploy_minutes") is not None]
    if declared:
        minutes, block = max(declared, key=lambda pair: pair[0])
        return Term("deploy", minutes, f"declared on '{ctx.blocks[block].title}'")
    rollouts = [str(ctx.blocks[b].prop("rollout")) for b in members if ctx.blocks[b].prop("rollout") is not None]
    known = [r for r in rollouts if r in DEPLOY_MINUTES_BY_ROLLOUT]
    if not known:
        return Term("deploy", 0.0, "undeclared: no deploy_minutes or rollout, counted as 0")
    slowest = max(known, key=DEPLOY_MINUTES_BY_ROLLOUT.__getitem__)
    return Term("deploy", DEPLOY_MINUTES_BY_ROLLOUT[slowest], f"default for rollout {slowest}")


def model_staleness(ctx: Context, trainer: str) -> Staleness:
    """The worst-case age of the newest label the model served from ``trainer`` learned from, in minutes:

    label window + retrain period + training run + deploy, where
    - label window = max(slowest declared label delay reaching the trainer, its ``label_maturity_hours``): a run
      uses examples at least that old (when the maturity is shorter than the delay, the delay is what it takes
      for those examples' labels to be complete);
    - retrain period = ``retrain_every_hours`` (own or the kind's default of 24 h); 0 means "on trigger only",
      which has no bound (infinite);
    - training run = ``hours_per_run`` on the trainer when declared (else not counted);
    - deploy = ``deploy_time`` (declared, or the rollout's default).

    The worst case is the moment just before the next model reaches traffic: the served model was trained one
    period ago, on examples a label window older, and took a run and a deploy to arrive (Huyen, Designing ML
    Systems ch. 9, "how often to update a model"; ML Test Score Monitor 4, models are not too stale).
    """
    t = ctx.blocks[trainer]
    terms: list[Term] = []
    delay = label_delays(ctx).get(trainer)
    maturity = t.num("label_maturity_hours", -1.0)
    if maturity >= 0 and (delay is None or maturity >= delay.hours):
        terms.append(Term("label maturity window", maturity * 60, f"declared on '{t.title}'"))
    elif delay is not None:
        terms.append(Term("label delay", delay.hours * 60, f"declared on '{ctx.blocks[delay.source].title}'"))
    else:
        terms.append(Term("label delay", 0.0, "undeclared: counted as 0"))
    period = t.num("retrain_every_hours", 24.0)
    basis = "declared" if "retrain_every_hours" in t.props else "kind default"
    if period <= 0:
        terms.append(Term("retrain period", math.inf, "retrained on trigger only: no bound"))
    else:
        terms.append(Term("retrain period", period * 60, basis))
    if t.prop("hours_per_run") is not None:
        terms.append(Term("training run", t.num("hours_per_run") * 60, "declared"))
    terms.append(deploy_time(ctx, trainer))
    return Staleness(trainer, tuple(terms))


def minutes_text(minutes: float) -> str:
    """'5 min', '2.5 h', '90 days', 'unbounded': a duration for a message."""
    if math.isinf(minutes):
        return "unbounded"
    if minutes < 120:
        return f"{minutes:.3g} min"
    if minutes < 48 * 60:
        return f"{minutes / 60:.3g} h"
    return f"{minutes / 1440:.3g} days"

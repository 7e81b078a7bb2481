"""The ranking-funnel rule of the latency checklist (LAT-5): heavy models score a shrinking candidate set.

Here "component" means a placed block of a design (``mlsd.model.Component``). Serving paths, heavy models and
the work per request the analysis charges are those of ``mlsd.rules.sla``.
"""

from __future__ import annotations

import math

from mlsd.rules.context import Context
from mlsd.rules.engine import Hit, NotApplicable, rule
from mlsd.rules.sla import (
    PRECOMPUTING,
    RETRIEVAL,
    SCORERS,
    is_heavy,
    ms,
    name,
    names,
    overworked,
    qty,
    serving_paths,
)

DEFAULT_HEAVY_ITEMS = 1000  # items a heavy model is assumed to score when it declares no items_scored


@rule(
    "LAT-5", "sla", "warning", "Ranking funnel: heavy models score a shrinking candidate set",
    "Put a cheap candidate-generation stage (ANN over two-tower embeddings, a vector index, heuristics) before "
    "the heavy model, and make each stage score fewer items than the one before it (e.g. 1,000 → 500 → 100).",
)
def ranking_funnel(ctx: Context) -> list[Hit]:
    """A heavy ranking model on a serving path scores a few hundred candidates, not the whole corpus, and is given
    no more work per request than it can do within the SLA.

    Heavy models (dnn, transformer, multi_stage_ranker, reranker, or online_inference on GPU or with 10M+
    parameters) cost milliseconds per item; a corpus of millions cannot be scored within an SLA. The scoring
    stages of a serving path are its model and ranking blocks in call order. Checked per serving path:
    (1) with retrieval on the path (candidate_generation, two_tower, vector_index), each scoring stage called
    after retrieval (a query encoder called before it is not a stage) must not score more items
    (``items_scored``) than the stage before it returns, the first stage being compared with
    the total the retrieval stages return; (2) without retrieval, with ``requirements.corpus_size`` declared,
    the first scoring stage scores the whole corpus: when it is a heavy model sized for fewer items (its
    ``items_scored``, 1,000 when not given) it fails, and later stages must shrink as in (1). Candidates
    precomputed offline (a retrieval stage or batch_prediction feeding a store the path reads) count as
    retrieval without a number. A path without retrieval and without a declared corpus size gives nothing to
    check. (3) Work, not just the user's own numbers agreeing: a heavy model whose items_scored × ms_per_item
    (its own, else its kind's, see ``mlsd.analysis.service``) exceeds the SLA fails, whatever latency it
    declares: an idle replica could not answer one request in time.
    Why: scoring cost grows with the items scored, so a heavy model handed the corpus, or more candidates than
    the stage before it returns, spends more time per request than the SLA allows however many replicas run. A
    warning because items_scored and ms_per_item are the author's estimates, easily corrected when they are
    stale.
    Fix: add candidate generation; shrink items_scored stage to stage.
    Source: Covington et al., Deep Neural Networks for YouTube Recommendations (2016); Xu & Aminian, ch. 6.
    """
    corpus = ctx.requirements.corpus_size
    heavy_ids = {c.id for c in ctx.design.components if is_heavy(c)}
    retrieval_ids = {c.id for c in ctx.design.components if c.kind in RETRIEVAL}
    scorer_ids = {c.id for c in ctx.design.components if c.kind in SCORERS}
    items = {c.id: c.num("items_scored") for c in ctx.design.components
             if c.id in heavy_ids or c.id in scorer_ids or c.id in retrieval_ids}
    fed = {e.target for e in ctx.design.connections
           if e.flow != "request" and ctx.blocks[e.source].kind in PRECOMPUTING}
    heavy_seen = False
    checked = False
    hits: dict[tuple[str, ...], Hit] = {}
    sla = ctx.requirements.sla_p99_ms
    for b, work in overworked(ctx).items():
        c = ctx.blocks[b]
        per_item = work / max(c.num("items_scored"), 1.0)
        within = int((sla or 0) / per_item) if per_item > 0 else 0
        hits[(b,)] = Hit(
            f"{name(ctx, b)} ({c.kind}) scores {qty(c.num('items_scored'))} items per request at {per_item:g} ms of "
            f"a replica each: {ms(work)} of work per request against a {ms(sla or 0)} SLA, whatever its declared "
            f"latency. Within the SLA one replica scores at most about {qty(within)} items.",
            components=(b,),
        )
        checked = heavy_seen = True
    for p in serving_paths(ctx):
        on_path = set(p.blocks)
        if heavy_ids.isdisjoint(on_path):
            continue
        heavy_seen = True
        stages = [ctx.blocks[b] for b in p.blocks if b in heavy_ids or (b in scorer_ids and items[b] > 0)]
        retrieval = [ctx.blocks[b] for b in p.blocks if b in retrieval_ids]
        before: tuple[str, ...] = tuple(r.id for r in retrieval)
        if retrieval:
            before_items = math.fsum(items[r.id] for r in retrieval)
            # stages called before retrieval (e.g. a query encoder embedding one image) are not funnel stages
            order = {b: i for i, b in enumerate(p.blocks)}
            first_retrieval = min(order[r.id] for r in retrieval)
            stages = [c for c in stages if order[c.id] > first_retrieval]
        elif not fed.isdisjoint(on_path):
            continue  # candidates come from an offline stage through a store the path reads
        elif corpus is None:
            continue
        else:
            first = stages[0]
            before_items = items[first.id]
            sized = before_items or DEFAULT_HEAVY_ITEMS
            if first.id in heavy_ids and corpus > sized:
                hits.setdefault((first.id,), Hit(
                    f"{name(ctx, first.id)} ({first.kind}) would score the full corpus of {qty(corpus)} items per "
                    f"request on the path from {name(ctx, p.entry)}: no candidate-generation stage comes before "
                    f"it, and it is sized for {qty(sized)} items.",
                    components=(first.id,),
                ))
            before, stages = (first.id,), stages[1:]
        checked = True
        for c in stages:
            scored = items[c.id]
            if scored <= 0:
                continue
            if 0 < before_items < scored:
                what = (f"{name(ctx, before[0])} scores only {qty(before_items)}" if before[0] not in retrieval_ids
                        else f"candidate generation ({names(ctx, before)}) returns {qty(before_items)}")
                hits.setdefault((*before, c.id), Hit(
                    f"{name(ctx, c.id)} scores {qty(scored)} items per request but {what}: the funnel must "
                    f"shrink stage to stage (path from {name(ctx, p.entry)}).",
                    components=(*before, c.id),
                ))
            before, before_items = (c.id,), scored
    if not heavy_seen:
        raise NotApplicable("no heavy ranking model (dnn, transformer, multi-stage ranker, reranker) on a request path")
    if not checked:
        raise NotApplicable(
            "no candidate-generation stage and no requirements.corpus_size: nothing to size the funnel against"
        )
    return list(hits.values())

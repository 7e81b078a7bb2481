"""Rule of the serving checklist on cold start (SRV-5): a recommender serves new items and new users.

Here "component" means a placed block of a design (``mlsd.model.Component``).
"""

from __future__ import annotations

import re

from mlsd.catalog import KINDS
from mlsd.rules.context import Context
from mlsd.rules.engine import Hit, NotApplicable, rule
from mlsd.rules.lineage import unsourced
from mlsd.rules.roles import NAMED, REQUEST, memo, names

# words of a design's name or tags that make it a recommender; search, ads and autocomplete are driven by the
# query or the context, not by a user's history, so new users are served by what they type or where they are
RECOMMENDER_WORDS = re.compile(r"recsys|recommend|\bfeeds?\b|you may know|for you", re.IGNORECASE)
NOT_RECOMMENDER_WORDS = re.compile(r"search|\bads?\b|advert|autocomplete|completion", re.IGNORECASE)
PERSONAL_RETRIEVAL_KINDS = ("two_tower", "multi_stage_ranker")  # personalised retrieval and ranking
NEW_ITEMS = frozenset({"new_items", "both"})
NEW_USERS = frozenset({"new_users", "both"})
DEFAULT_COLD_START = {k: e.props["cold_start"] for k, e in KINDS.items() if "cold_start" in e.props}


def is_recommender(ctx: Context) -> bool:
    """Tags or name say recommendations (recsys, recommend..., feed, people you may know, for you), or, with no
    word saying search or ads, a two-tower or multi-stage ranker is called on a request path."""

    def compute() -> bool:
        text = " ".join([ctx.design.name, *ctx.design.tags])
        if RECOMMENDER_WORDS.search(text):
            return True
        if NOT_RECOMMENDER_WORDS.search(text):
            return False
        called = ctx.neighbours(False, REQUEST)
        return any(called.get(c.id) for c in ctx.of_kind(*PERSONAL_RETRIEVAL_KINDS))

    return memo(ctx, "cold_start:is_recommender", compute)


@rule(
    "SRV-5",
    "serving",
    "warning",
    "New items and new users can be served",
    "Give new items a candidate source that does not need their history (a fresh-uploads or content-based "
    "retriever fed from the item's own data, cold_start: new_items) and new users one that does not need "
    "theirs (a popular or onboarding fallback, cold_start: new_users), both called on the request path.",
)
def cold_start_served(ctx: Context) -> list[Hit]:
    """A recommender has a way to serve items and users that have no interactions yet.

    Applies to recommenders (``is_recommender``: tags or name say recsys, recommendations, feed, people you may
    know, "for you"; or a two-tower or multi-stage ranker is called online in a design whose name and tags do
    not say search, ads or autocomplete, which the query or the context drives). One finding naming which
    newcomers are not served.

    New users are served when a block called on a request path declares ``cold_start: new_users`` or ``both``.
    ``heuristic_baseline`` does so by default (a popular, chronological or nearest fallback needs no history of
    the user); any other kind counts when it declares it (an onboarding-topics retriever, a content-based
    retriever on the session's context).

    New items are served when a block called on a request path declares ``cold_start: new_items`` or ``both``,
    or when a candidate source (an index or store read online by candidate generation, any store read online
    when there is no candidate generation) is written from the items' own data: a write path from a source of
    items (a catalogue database, an upload from a client, an API; not user events, serving logs or serving
    traffic) reaches it (``Context.item_lineage``). An index whose embeddings come only from interactions cannot
    place an item nobody has interacted with. How fresh that path is, is DAT-8's question; a candidate store
    that nothing writes is DAT-7's, so new items are not judged while one is unwritten.

    Why: a collaborative-filtering retriever never retrieves a video uploaded a minute ago, and a user-tower
    embedding of a new user is noise; without a cold-start path new items get no impressions (so never any
    history: a self-fulfilling loop) and new users get a poor first session, when they are most likely to leave.

    Fix: a fresh-uploads or content-based retriever fed from the upload path (cold_start: new_items), and a
    popular-in-region or onboarding fallback (cold_start: new_users), called by the retrieval step.

    Source: Covington et al., "Deep Neural Networks for YouTube Recommendations" (RecSys 2016: example age,
    fresh content); Schein et al., "Methods and Metrics for Cold-Start Recommendations" (SIGIR 2002); Xu &
    Aminian ch. 6 (video recommendations: cold start) and ch. 10; Rules of ML #1 (popularity heuristics).
    """
    if not is_recommender(ctx):
        raise NotApplicable("not a recommendation design (no recommender tag or name, no personalised retrieval "
                            "called online)")
    called = ctx.neighbours(False, REQUEST)
    if not called:
        raise NotApplicable("nothing is called on a request path")
    blocks, kind_of = ctx.blocks, ctx.kind_of
    declared = [blocks[b].props.get("cold_start", DEFAULT_COLD_START.get(kind_of[b])) for b in called]
    for_users = any(v in NEW_USERS for v in declared)
    for_items = any(v in NEW_ITEMS for v in declared)
    candidates = _candidate_stores(ctx)
    items_ok = for_items or any(s in ctx.item_lineage.fresh for s in candidates)
    reported = set(unsourced(ctx))
    unwritten = [s for s in candidates if s in reported]
    missing = []
    if not items_ok and not unwritten:
        if candidates:
            missing.append(f"new items ({names(ctx, candidates)} {'is' if len(candidates) == 1 else 'are'} "
                           "written only from interactions, so an item nobody has interacted with is never a "
                           "candidate, and no block declares cold_start new_items)")
        else:
            missing.append("new items (no candidate source is drawn and no block declares cold_start new_items)")
    if not for_users:
        missing.append("new users (no popular or onboarding fallback: no block called online declares "
                       "cold_start new_users)")
    if not missing:
        return []
    retrieval = [c.id for c in ctx.of_kind("candidate_generation") if called.get(c.id)]
    entry = retrieval or [b for b in ctx.blocks if b in called and kind_of[b] in ("online_inference", "reranker")][:1]
    who = names(ctx, entry) if entry else "This recommender"
    # the retrieval blocks and candidate stores the message names (a design may run hundreds of retrievers)
    return [Hit(f"{who} cannot serve " + "; nor ".join(missing) + ".",
                components=(*entry[:NAMED], *candidates[:NAMED]))]


def _candidate_stores(ctx: Context) -> list[str]:
    """Stores read online by candidate generation (any store read online when there is none)."""
    reads = ctx.lineage.online_reads
    kinds = ctx.kind_of
    by_retrieval = [s for s, readers in reads.items() if any(kinds[r] == "candidate_generation" for r in readers)]
    return by_retrieval or list(reads)

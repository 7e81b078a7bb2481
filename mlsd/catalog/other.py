"""Other: a box whose kind is not known, such as an imported shape no keyword resolved.

``generic`` carries no role: the checklists that look for a role (a model, a store, a feature store...) never
count it as one, so it raises no finding of its own; the rules that go by tier treat it as an online block
(it answers when called, and its latency and capacity are what its props say, zero by default).
"""

from mlsd.catalog.base import Kind

KINDS = [
    Kind(
        kind="generic",
        label="Generic box",
        purpose="A block of no particular kind (for example an imported shape): pick a kind when you know it.",
        category="other",
        tier="online",
        shape="box",
        props={},
        source="No defaults: an unknown block is assumed to add no latency and cost until its props say so.",
    ),
]

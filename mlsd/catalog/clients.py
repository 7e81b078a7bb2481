"""Clients: whoever sends the requests a design serves."""

from mlsd.catalog.base import Kind

KINDS = [
    Kind(
        kind="client",
        label="Client app",
        purpose="Web or mobile app (or a calling service) that sends user requests and waits for the answer.",
        category="clients",
        tier="online",
        shape="house",
        props={"calls": "sequential"},
        source="Entry point of request paths; adds no server-side latency of its own.",
    ),
]

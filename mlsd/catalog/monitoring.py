"""monitoring (to be filled)."""

from mlsd.catalog.base import Kind

KINDS: list[Kind] = []

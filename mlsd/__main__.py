"""``python -m mlsd``: see ``mlsd.cli``."""

from mlsd.cli import run

run()

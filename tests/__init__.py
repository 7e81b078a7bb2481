"""The test suite as a package: ciw installs a top-level ``tests`` package of its own into site-packages, which
would otherwise shadow this folder in ``from tests.conftest import ...``."""

"""Browser journeys (a package so that ``tests.browser.conftest`` imports resolve to this folder)."""

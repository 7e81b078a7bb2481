"""How the ``mlsd`` command tunes the interpreter for one short run (a process of its own, never a library caller).

``tune()`` is called by ``mlsd.cli.run`` (the console script and ``python -m mlsd``) before any command runs;
``mlsd.cli.main``, which tests and other Python code call in their own interpreter, never calls it. Each step
was measured on ``python -m mlsd validate`` (``python -m benchmarks.cli_bench``; figures in the README):

- For ``validate``, the cyclic garbage collector is off. A run builds its objects once and exits; nothing it
  builds needs the collector to be freed in time, and the collector's passes over tens of thousands of blocks,
  connections and findings were a fifth of a 10,000-block ``validate`` (peak memory measured unchanged, ~200 MB
  at 10,000 blocks). Other commands keep it (``analyze --simulate`` runs a discrete-event simulation for
  seconds, whose garbage was not measured).
- OpenBLAS, numpy's linear algebra library, starts one thread instead of a pool of one per CPU (unless
  ``OPENBLAS_NUM_THREADS`` is set): no command does linear algebra, and starting the pool cost ~30 ms of every
  run that imports numpy.
- Pydantic plugins are not looked for (unless ``PYDANTIC_DISABLE_PLUGINS`` is set, which pydantic then honours
  as usual). Pydantic's plugin discovery imports ``importlib.metadata`` (with ``email``, ``zipfile``, ``csv``...)
  and reads the metadata of every installed package to find entry points, ~40-60 ms, the first time a model
  class is built. A plugin only observes validation (logging, tracing); the command's own models need none, and
  their validation is the same with or without one. This stands in for pydantic's private
  ``pydantic.plugin._loader`` module with one that finds no plugin, which is what pydantic does itself when
  ``PYDANTIC_DISABLE_PLUGINS=__all__`` (tests/test_cli_process.py checks that the stand-in still matches).
- ``validate`` ends with ``finish(code)``: its output is flushed, then the process exits at once
  (``os._exit``) instead of tearing the interpreter down, as mypy's command line does. A normal exit frees every
  object one by one (every module, block, finding and report of the run): ~30 ms of a 1,000-block ``validate``
  and ~45 ms at 10,000 blocks, for memory the operating system takes back anyway. No ``atexit`` handler is
  registered on this path (the command writes its output to stdout and any baseline through ``with`` blocks,
  closed before it returns); a flush that fails (a closed pipe) exits as the interpreter would have: quietly,
  with the command's own exit code.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
import types
from collections.abc import Iterable

PLUGIN_LOADER = "pydantic.plugin._loader"


def tune(command: str | None = None) -> None:
    """Tune this interpreter for one short command-line run of ``command`` (see the module docstring)."""
    if command == "validate":
        gc.disable()
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    skip_pydantic_plugins()


def finish(code: int, command: str | None = None) -> None:
    """End a run of ``command`` with exit code ``code``: for ``validate``, flush stdout and stderr and leave
    without the interpreter's teardown (see the module docstring); other commands exit as usual."""
    if command != "validate":
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a reader gone (BrokenPipeError), a stream closed
            stream.flush()
    os._exit(code)


def _no_plugins() -> Iterable[object]:
    return ()


def skip_pydantic_plugins() -> bool:
    """Let pydantic find no plugin without looking for one; False (and nothing done) when the environment says
    which plugins to disable, or when pydantic has already loaded its plugin loader."""
    if "PYDANTIC_DISABLE_PLUGINS" in os.environ or PLUGIN_LOADER in sys.modules:
        return False
    loader = types.ModuleType(PLUGIN_LOADER, "Stand-in from mlsd.cli.process: no pydantic plugins in this run.")
    loader.get_plugins = _no_plugins  # type: ignore[attr-defined]
    sys.modules[PLUGIN_LOADER] = loader
    return True

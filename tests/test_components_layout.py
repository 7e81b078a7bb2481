"""``components/`` is one subpackage per page plus ``common`` and the ``whiteboard`` canvas, and its imports point
one way (down).

Read from the source with ``ast`` (nothing is imported), so a lazy import inside a function counts too: that is
how the board's state and the canvas once imported each other.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMPONENTS = ROOT / "components"
# what each subpackage may import from ``components`` (besides itself)
MAY_USE: dict[str, set[str]] = {
    "whiteboard": set(),  # the canvas component: used by the pages that draw a design, uses none of them
    "common": {"whiteboard"},  # a design shown read-only is drawn on the same canvas
    "home": {"common"},
    "board": {"common", "whiteboard"},
    "library": {"board", "common", "whiteboard"},
    "practice": {"board", "common", "whiteboard"},
    "progress": {"practice", "common"},
    "workspace": {"common"},  # with sign-in: workspaces, members, roles
}


def imported_packages(source: str) -> set[str]:
    """The ``components`` subpackages that a module's source imports, at any depth (inside functions too)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            parts = node.module.split(".")
            names = [f"{node.module}.{a.name}" for a in node.names] if parts == ["components"] else [node.module]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        found |= {n.split(".")[1] for n in names if n.startswith("components.")}
    return found


def test_every_ui_module_lives_in_a_page_package_or_common() -> None:
    loose = sorted(p.name for p in COMPONENTS.glob("*.py") if p.name != "__init__.py")
    assert loose == []
    packages = {p.name for p in COMPONENTS.iterdir() if (p / "__init__.py").is_file()}
    assert packages == set(MAY_USE)


def test_components_imports_point_down() -> None:
    wrong = {}
    for package, allowed in MAY_USE.items():
        for path in sorted((COMPONENTS / package).rglob("*.py")):
            extra = imported_packages(path.read_text(encoding="utf-8")) - allowed - {package}
            if extra:
                wrong[str(path.relative_to(ROOT))] = sorted(extra)
    assert wrong == {}


def test_the_import_reader_sees_every_form() -> None:
    source = (
        "from components.board import state as bs\n"
        "def f():\n    from components.library.state import flash\n"
        "import components.practice.clock\n"
        "from components import progress\n"
        "from mlsd.model import Component\n"
    )
    assert imported_packages(source) == {"board", "library", "practice", "progress"}

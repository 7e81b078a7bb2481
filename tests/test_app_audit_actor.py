"""The audit log names the signed-in person for what they do on the Library and the Board (AppTest, sign-in
configured): every write of the app's pages goes through ``components.common.store.store()`` (``UserStore``, which
signs it), never through the raw store, which would record no one or "local"."""

from __future__ import annotations

import re
from pathlib import Path

from mlsd.store import Store
from tests.test_app_workspaces import ADA, app_as, library  # noqa: F401  (``library``: the fixture)

ROOT = Path(__file__).resolve().parent.parent
ADA_AUTHOR = "Ada Lovelace <ada@example.com>"
RAW_STORE = re.compile(r"\blibrary\(\)|\bopen_store\(|\bStore\(|store\(\)\.store\b|\bview\.store\b")


def test_pages_and_components_reach_the_library_only_through_the_users_view() -> None:
    """Only components/common/store.py touches the unchecked store (to build the view, and to read a workspace's
    name); any other module that does would write without the signed-in person's name."""
    found = {str(p.relative_to(ROOT)) for folder in ("components", "pages") for p in (ROOT / folder).rglob("*.py")
             if RAW_STORE.search(p.read_text(encoding="utf-8"))}
    found |= {"app.py"} if RAW_STORE.search((ROOT / "app.py").read_text(encoding="utf-8")) else set()
    assert found == {"components/common/store.py"}


def test_library_and_board_actions_are_logged_under_the_signed_in_person(library: tuple[Store, str]) -> None:  # noqa: F811
    store, design_id = library
    at = app_as(ADA, "pages/library.py")
    [menu] = [m for m in at.get("menu_button") if m.key == f"lib.act.{design_id}"]
    menu.click("Duplicate")
    at.run()
    assert not at.exception
    [copy] = [d.id for d in store.list_designs().items if d.id != design_id]
    at.button(key=f"lib.open.{copy}").click().run()
    at.switch_page("pages/board.py").run()  # AppTest reruns the page it was told to, whatever the app switched to
    at.button(key="board.btn.share").click().run()
    at.button(key="share.create").click().run()
    assert not at.exception, [e.value for e in at.exception]
    at.switch_page("pages/library.py").run()
    [menu] = [m for m in at.get("menu_button") if m.key == f"lib.act.{design_id}"]
    menu.click("Move to trash")
    at.run()
    assert not at.exception
    entries = [*store.audit(design_id), *store.audit(copy)]
    actions = {e.action for e in entries}
    assert {"design.create", "share.create", "design.delete"} <= actions, actions
    assert any(e.action == "design.create" and "duplicated from" in e.detail for e in store.audit(copy))
    assert {e.actor for e in entries if e.design_id in (design_id, copy)} == {ADA_AUTHOR}

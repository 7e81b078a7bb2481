"""How authors are shown (components.common.people): "Name <e-mail>" as the store records it becomes the name and
the e-mail as plain text, never a mailto link nor a swallowed "<...>" tag; Markdown in names shows as typed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from components.common.people import (
    WORD_JOINER,
    person_markdown,
    person_name,
    person_text,
    split_author,
    unlinked,
)
from mlsd.store import LOCAL_ACTOR, actor_for, open_store

ANA = actor_for("Ana@Example.com", "Ana Lopez").author  # what the store records for a signed-in person
# GitHub-flavoured Markdown's e-mail autolink: an address with no word joiner inside it (escapes do not stop it)
AUTOLINK = re.compile(r"[\w.+-]+(\\?@)[\w-]+(\\?\.[\w-]+)+")


def shown(markdown: str) -> str:
    """The text a reader sees: bold marks, escapes and the word joiner taken out."""
    return re.sub(r"\\(.)", r"\1", markdown.replace("**", "")).replace(WORD_JOINER, "")


@pytest.mark.parametrize(("author", "parts"), [
    (ANA, ("Ana Lopez", "ana@example.com")),
    ("ana@example.com", ("", "ana@example.com")),
    ("ana@example.com <ana@example.com>", ("", "ana@example.com")),
    ("local", ("local", "")),
    (None, ("", "")),
    ("  ", ("", "")),
    ("A <b> <c@d.org>", ("A <b>", "c@d.org")),
    ("<b>Eve</b>", ("<b>Eve</b>", "")),
])
def test_split_author(author: str | None, parts: tuple[str, str]) -> None:
    assert split_author(author) == parts


def test_an_author_is_their_name_and_their_email_as_plain_text() -> None:
    markdown = person_markdown(ANA, bold=True)
    assert shown(markdown) == "Ana Lopez · ana@example.com"
    assert markdown.startswith("**Ana Lopez**") and "<" not in markdown
    assert not AUTOLINK.search(markdown)  # the e-mail is no mailto link
    assert person_text(ANA) == "Ana Lopez (ana@example.com)" and person_name(ANA) == "Ana Lopez"


def test_the_local_user_and_nobody() -> None:
    assert person_markdown(LOCAL_ACTOR.author) == "local" == person_name("local") == person_text("local")
    assert person_markdown(None) == "someone" and person_markdown("", fallback="—") == "—"
    assert person_name(None, fallback="nobody") == "nobody"


def test_hostile_names_show_as_typed() -> None:
    for name in ("[x](https://evil.example)", "**bold** :red[x]", "<script>x</script>", "![i](https://t.example/i.png)"):
        markdown = person_markdown(f"{name} <a@b.org>")
        assert re.sub(r"\\(.)", r"\1", markdown).replace(WORD_JOINER, "") == f"{name} · a@b.org"
        assert not re.search(r"(?<!\\)[\[\]*<]", markdown) and not AUTOLINK.search(markdown)  # all escaped


def test_unlinked_keeps_every_address_from_linking() -> None:
    text = unlinked("ana@example.com is now a viewer; ben@example.org too")
    assert not AUTOLINK.search(text) and shown(text) == "ana@example.com is now a viewer; ben@example.org too"


def test_the_history_page_shows_an_author_by_name_with_the_email_as_text(monkeypatch: pytest.MonkeyPatch,
                                                                        tmp_path: Path) -> None:
    from tests.test_app_history import first, open_history

    monkeypatch.setenv("MLSD_DB", str(tmp_path / "library.db"))
    with open_store(tmp_path / "library.db") as store:  # written as a signed-in Ada's revision would be
        design_id = store.create(first(), message="merged from revision 2 by ben@example.com", author=ANA).design_id
    at = open_history(design_id)
    cells = [m.value for m in at.markdown if "Ana" in m.value or "ben" in m.value]
    assert sorted(shown(c) for c in cells) == ["Ana Lopez · ana@example.com",
                                               "merged from revision 2 by ben@example.com :green-badge[latest]"]
    assert not any(AUTOLINK.search(c) or re.search(r"(?<!\\)<", c) for c in cells)

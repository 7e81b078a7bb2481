"""The Library page's files (AppTest through app.py): importing many files, good and bad, and exporting them all."""

from __future__ import annotations

import io
import json
import zipfile

import yaml

from components.library.files import export_zip
from mlsd.io import MAX_FILE_BYTES, dumps, loads
from mlsd.store import Store
from tests.library_apptest import library, open_library, shown_ids, small, toasts, unescape, upload  # noqa: F401  (``library``: the fixture)


def test_import_many_files_keeps_the_good_and_lists_the_bad(library: Store) -> None:  # noqa: F811
    good_json = dumps(small("From JSON"), "json").encode()
    good_yaml = yaml.safe_dump(json.loads(dumps(small("From YAML", label="Zebra")))).encode()
    at = open_library()
    upload(at, [
        ("good.json", good_json),
        ("../../etc/passwd.yaml", good_yaml),
        ("broken.json", b'{"name": "x", "components": [}'),
        ("typo.json", json.dumps({"name": "T", "components": [], "colour": "red"}).encode()),
        ("huge.json", b" " * (MAX_FILE_BYTES + 1)),
    ])
    names = sorted(d.name for d in library.list_designs().items)
    assert names == ["From JSON", "From YAML"]
    [error] = at.error
    text = unescape(error.value)
    assert "Imported 2 designs; 3 files are not valid designs" in text
    for name in ("broken.json", "typo.json", "huge.json"):
        assert name in text
    assert "colour" in text and "malformed JSON" in text and "MB" in text
    assert "passwd" not in text  # a good file is not listed, whatever its name
    assert any("Imported 2 designs" in t for t in toasts(at))
    assert len(shown_ids(at)) == 2


def test_import_with_only_bad_files_imports_nothing(library: Store) -> None:  # noqa: F811
    at = open_library()
    upload(at, [("x.yaml", b"- just\n- a list\n")])
    assert library.list_designs().total == 0
    assert "Nothing was imported" in at.error[0].value


def test_export_all_is_one_json_per_design_that_imports_back_the_same(library: Store) -> None:  # noqa: F811
    designs = [small("Alpha"), small("Beta / gamma", notes="ü ✓"), small("Alpha")]
    library.import_designs(designs)
    library.delete(library.create(small("In the trash")).design_id)
    at = open_library()
    [button] = [b for b in at.download_button if b.key == "lib.export"]
    assert not button.disabled
    archive = zipfile.ZipFile(io.BytesIO(export_zip(library)))
    names = archive.namelist()
    assert len(names) == 3 and len(set(names)) == 3 and all("/" not in n for n in names)
    back = sorted((loads(archive.read(n), "json") for n in names), key=lambda d: d.name)
    assert [d.model_dump() for d in back] == [d.model_dump() for d in sorted(designs, key=lambda d: d.name)]

"""Reading Mermaid flowcharts (``flowchart``/``graph``): ours back exactly, anyone's by node text and arrows.

Our own files carry ``%% mlsd {...}`` comment lines (``mermaid.dump``): the design's fields, then before each
node its block's id, kind, label, props and position, before each link its connection's id, flow and fallback
flag. Without them a node's kind comes from a class ``kind_<kind>`` (``class a,b kind_cache`` or ``a:::kind_cache``),
else from a last label line naming a kind ("Feature store<br/>Online feature store", how our export draws it),
else from the label's keywords (``mlsd.formats.keywords``), else the user picks. Arrows: dotted ``-.->`` is a
stream, others a request, unless the link text names a flow (stream, batch, feedback). Subgraphs (their nodes are
taken), ``click`` actions (never run), and links to themselves are listed in ``Draft.skipped``; styles, classDefs
and directives are drawing only. A line that cannot be read is a ``DesignError`` naming it.
Syntax reference: https://mermaid.js.org/syntax/flowchart.html
"""

from __future__ import annotations

import html
import re
from typing import Any

from mlsd.catalog import KINDS
from mlsd.formats.draft import Draft, DraftBlock, DraftEdge, Ids, finite, json_data, resolve, text_or
from mlsd.io import DesignError, utf8_text, within_limit
from mlsd.model import FLOWS

_ID = re.compile(r"[A-Za-z0-9_\u00c0-\uffff](?:[A-Za-z0-9_\u00c0-\uffff]|[.-](?=[A-Za-z0-9_]))*")
_OPENINGS = ("(((", "((", "([", "[[", "[(", "[/", "[\\", "{{", "(", "[", "{", ">")
_CLOSINGS: dict[str, tuple[str, ...]] = {
    "(((": (")))",), "((": ("))",), "([": ("])",), "[[": ("]]",), "[(": (")]",), "[/": ("/]", "\\]"),
    "[\\": ("\\]", "/]"), "{{": ("}}",), "(": (")",), "[": ("]",), "{": ("}",), ">": ("]",),
}
_LINK_TEXT = re.compile(r"\s*(<?)(--|==|-\.)(?![->.=xo])\s*(?P<t>[^\n]+?)\s*(-{2,}>|-{3,}|\.+->|\.+-|={2,}>|={3,})")
_LINK = re.compile(r"\s*(?P<a>[<ox]?(?:-\.+->?|-{2,}>?|={2,}>?|~{3,})[>ox]?)\s*(?:\|(?P<t>(?:\"[^\"]*\"|[^|])*)\|)?")
_HEADER = re.compile(r"^(flowchart|graph)(\s+(TB|TD|BT|RL|LR))?\s*;?$")
_ENTITY = re.compile(r"#(\w+);")
_TAG = re.compile(r"<[^>]*>")
_BREAK = re.compile(r"<br\s*/?>", re.I)
_FLOW_WORD = re.compile(r"\b(stream|batch|feedback)", re.I)
_KIND_LABELS = {k.label: k.kind for k in KINDS.values()}

DATA_MARK = "%% mlsd "  # a comment line carrying one record of the design's data (written by ``mermaid.dump``)


def decode(text: str) -> str:
    """Mermaid label text as plain text: entity codes decoded, ``<br>`` as a line break, other tags dropped."""
    text = _ENTITY.sub(lambda m: chr(int(m.group(1))) if m.group(1).isdigit() and int(m.group(1)) < 0x110000
                       else html.unescape(f"&{m.group(1)};"), text)
    text = _TAG.sub("", _BREAK.sub("\n", text.strip().strip("`")))
    return "\n".join(line.strip() for line in text.split("\n"))


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source
        self.draft = Draft("mermaid", "Imported diagram")
        self.nodes: dict[str, DraftBlock] = {}
        self.classes: dict[str, list[str]] = {}
        self.ids, self.conn_ids = Ids(), Ids()
        self.block_data: dict[str, dict[str, Any]] = {}
        self.pending: dict[str, Any] | None = None
        self.line = 0

    def fail(self, message: str) -> DesignError:
        return DesignError([f"line {self.line}: {message}"], self.source)

    def data(self, text: str) -> None:
        record = json_data(text, f"line {self.line}: an '%% mlsd' data comment", self.source)
        if not isinstance(record, dict):
            raise self.fail("an '%% mlsd' data comment is not a JSON object")
        if isinstance(record.get("design"), dict):
            self.draft.fields = record["design"]
        elif isinstance(record.get("block"), dict) and isinstance(record["block"].get("node"), str):
            self.block_data[record["block"]["node"]] = record["block"]
        elif isinstance(record.get("connection"), dict):
            self.pending = record["connection"]

    def node(self, ident: str, text: str | None) -> str:
        block = self.nodes.get(ident)
        if block is None:
            data = self.block_data.get(ident, {})
            raw_id = text_or(data.get("id"), ident)
            block = self.nodes[ident] = DraftBlock(self.ids.make(raw_id), ident, element=f"node {ident!r}")
            if data.get("kind") in KINDS:
                block.kind, block.how = data["kind"], "data"
                block.label = str(data.get("label", ""))
                block.props = dict(data["props"]) if isinstance(data.get("props"), dict) else {}
                where = f"node {ident!r}"
                block.x = finite(data.get("x", 0), f"{where}: x", self.source)
                block.y = finite(data.get("y", 0), f"{where}: y", self.source)
            self.draft.blocks.append(block)
        if text is not None and block.how != "data":
            lines = decode(text).split("\n")
            if len(lines) > 1 and lines[-1] in _KIND_LABELS:
                block.kind, block.how = _KIND_LABELS[lines[-1]], "label"
                lines = lines[:-1]
            block.label = "\n".join(lines).strip()
        return ident

    def node_ref(self, s: str, i: int) -> tuple[str, int]:
        m = _ID.match(s, i)
        if not m:
            raise self.fail(f"expected a node id at {s[i:i + 30]!r}")
        ident, i = m.group(), m.end()
        text: str | None = None
        if s.startswith("@{", i):
            end = s.find("}", i)
            if end < 0:
                raise self.fail(f"node {ident!r}: '@{{' is never closed")
            found = re.search(r"label\s*:\s*\"([^\"]*)\"", s[i:end])
            text, i = (found.group(1) if found else None), end + 1
        else:
            opening = next((o for o in _OPENINGS if s.startswith(o, i)), None)
            if opening is not None:
                i += len(opening)
                if s.startswith('"', i):
                    close_quote = s.find('"', i + 1)
                    if close_quote < 0:
                        raise self.fail(f"node {ident!r}: a quoted label is never closed")
                    text, i = s[i + 1:close_quote], close_quote + 1
                    closing = next((c for c in _CLOSINGS[opening] if s.startswith(c, i)), None)
                    if closing is None:
                        raise self.fail(f"node {ident!r}: expected {_CLOSINGS[opening][0]!r} after its label")
                    i += len(closing)
                else:
                    ends = [(s.find(c, i), c) for c in _CLOSINGS[opening] if s.find(c, i) >= 0]
                    if not ends:
                        raise self.fail(f"node {ident!r}: its shape {opening!r} is never closed")
                    at, closing = min(ends)
                    text, i = s[i:at], at + len(closing)
        if s.startswith(":::", i):
            m = re.compile(r"[\w-]+").match(s, i + 3)
            if not m:
                raise self.fail(f"node {ident!r}: a class name is expected after ':::'")
            self.classes.setdefault(ident, []).append(m.group())
            i = m.end()
        return self.node(ident, text), i

    def group(self, s: str, i: int) -> tuple[list[str], int]:
        refs = []
        while True:
            ident, i = self.node_ref(s, i)
            refs.append(ident)
            m = re.compile(r"\s*&\s*").match(s, i)
            if not m:
                return refs, i
            i = m.end()

    def link(self, sources: list[str], targets: list[str], arrow: str, text: str) -> None:
        data, self.pending = self.pending or {}, None
        label = decode(text.strip().strip('"')) if text else ""
        if data:  # ours: the label exactly as it was
            label = text_or(data.get("label"), "")
        flow = data.get("flow")
        if flow not in FLOWS:
            word = _FLOW_WORD.search(label)
            flow = word.group(1).lower() if word else "stream" if "." in arrow else "request"
        for a in sources:
            for b in targets:
                if a == b:
                    self.draft.skip(f"line {self.line}: link from {a!r} to itself")
                    continue
                raw_id = text_or(data.get("id"), f"e{len(self.draft.edges) + 1}")
                self.draft.edges.append(DraftEdge(self.conn_ids.make(raw_id, "e"), self.nodes[a].id,
                                                  self.nodes[b].id, str(flow), label or None,
                                                  data.get("fallback") is True))

    def statement(self, s: str) -> None:
        word = s.split(None, 1)[0] if s else ""
        rest = s[len(word):].strip()
        if word in ("classDef", "style", "linkStyle", "direction", "accTitle", "accDescr") or s.startswith(
                ("accTitle:", "accDescr")):
            return
        if word == "class":
            parts = rest.split()
            if len(parts) < 2:
                raise self.fail("'class' needs node ids and a class name")
            for ident in parts[0].split(","):
                self.classes.setdefault(ident, []).extend(parts[1].split(","))
            return
        if word == "subgraph":
            self.draft.skip(f"line {self.line}: subgraph {rest[:60]!r}: its nodes are imported one by one")
            return
        if word == "end" and not rest:
            return
        if word in ("click", "callback", "href"):
            self.draft.skip(f"line {self.line}: click action ({rest[:40]!r}) not imported; never run")
            return
        sources, i = self.group(s, 0)
        while i < len(s):
            m = _LINK_TEXT.match(s, i)
            arrow, text = (m.group(2) + m.group(4), m.group("t")) if m else ("", "")
            if not m:
                m = _LINK.match(s, i)
                if not m:
                    raise self.fail(f"cannot read {s[i:i + 40].strip()!r}: expected a link such as '-->'")
                arrow, text = m.group("a"), m.group("t") or ""
            i = m.end()
            while i < len(s) and s[i] == " ":
                i += 1
            targets, i = self.group(s, i)
            self.link(sources, targets, arrow, text)
            sources = targets
            while i < len(s) and s[i] in " ;":
                i += 1

    def finish(self) -> Draft:
        for ident, block in self.nodes.items():
            kinds = [c[5:] for c in self.classes.get(ident, ()) if c.startswith("kind_") and c[5:] in KINDS]
            if block.how != "data" and kinds:
                block.kind, block.how = kinds[0], "class"
            resolve(block)
        return self.draft


def load(data: str | bytes, source: str = "") -> Draft:
    """A Mermaid flowchart as a Draft (see the module); DesignError naming the line when it cannot be read."""
    data = within_limit(data, source, "imports")
    if isinstance(data, bytes):
        data = utf8_text(data, source)
    reader = _Reader(source)
    lines = data.replace("\r\n", "\n").split("\n")
    started = False
    front = lines[0].strip() == "---"
    for number, raw in enumerate(lines, 1):
        reader.line = number
        line = raw.strip()
        if front:
            if number > 1 and line == "---":
                front = False
            elif line.startswith("title:"):
                reader.draft.name = line[6:].strip().strip("\"'") or reader.draft.name
            continue
        if line.startswith("%%"):
            if line.startswith(DATA_MARK.strip() + " "):
                reader.data(line[len(DATA_MARK):].strip())
            continue
        if not line:
            continue
        if not started:
            if not _HEADER.match(line):
                kind = line.split()[0][:30]
                raise reader.fail(f"only Mermaid flowcharts ('flowchart LR', 'graph TD'...) can be imported; this "
                                  f"diagram starts with {kind!r}")
            started = True
            continue
        reader.statement(line.rstrip(";"))
    if not started:
        raise DesignError(["the text holds no Mermaid flowchart (it should start with 'flowchart LR' or "
                           "'graph TD')"], source)
    return reader.finish()

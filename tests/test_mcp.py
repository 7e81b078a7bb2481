"""``python -m mlsd mcp``: the MCP server, driven by the SDK's own client over stdio (the server a subprocess)."""

from __future__ import annotations

import json
import shutil
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import anyio
from mcp import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

ROOT = Path(__file__).resolve().parent.parent
FRAUD = ROOT / "designs" / "card_fraud_scoring.json"


def _session(calls):
    """Start the server as a subprocess, run ``calls(session)`` against it, return its result."""
    async def main():
        params = StdioServerParameters(command=sys.executable, args=["-m", "mlsd", "mcp"], cwd=str(ROOT))
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            return await calls(session)

    # A thread of its own: in the full suite the browser journeys' session-scoped Playwright (sync API) keeps an
    # asyncio loop running in the main thread, where anyio.run refuses to start a second one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(anyio.run, main).result()


def _data(result):
    assert not result.is_error, result.content
    return json.loads(result.content[0].text)


def test_server_lists_the_tools_with_their_descriptions():
    async def calls(s):
        return (await s.list_tools()).tools

    tools = {t.name: t for t in _session(calls)}
    assert {"validate", "analyze", "what_if", "fix"} <= set(tools)
    assert "design" in tools["validate"].input_schema["properties"]
    assert "checklists" in tools["validate"].description


def test_validate_and_fix_on_a_file_and_on_json_text(tmp_path):
    copy = tmp_path / "fraud.json"
    shutil.copy(FRAUD, copy)

    async def calls(s):
        return (await s.call_tool("validate", {"design": str(copy)}),
                await s.call_tool("validate", {"design": FRAUD.read_text()}),
                await s.call_tool("fix", {"design": str(copy), "write": True}))

    by_path, by_text, fixed = (_data(r) for r in _session(calls))
    rules = {f["rule"] for f in by_path["findings"]}
    assert "REL-1" in rules and by_text["findings"] == by_path["findings"]
    assert {a["rule"] for a in fixed["applied"]} >= {"REL-1", "TRN-1"}
    assert len(fixed["findings_after"]) < len(fixed["findings_before"])
    assert fixed["written"] and json.loads(copy.read_text()) != json.loads(FRAUD.read_text())


def test_analyze_with_load_and_what_if():
    async def calls(s):
        return (await s.call_tool("analyze", {"design": str(FRAUD), "load_factor": 2.0}),
                await s.call_tool("what_if", {"design": str(FRAUD),
                                              "changes": [{"block": "scoring", "prop": "replicas", "value": 3}]}))

    analysis, what = (_data(r) for r in _session(calls))
    assert analysis["loads"] == [2.0] and analysis["paths"]
    assert "~ block scoring props.replicas: 1 -> 3" in what["changes"]
    assert "REL-1" in {f["rule"] for f in what["findings_resolved"]}
    assert what["after"]["cost_per_month"] > what["before"]["cost_per_month"]


def test_a_bad_design_is_a_tool_error_naming_the_problem():
    async def calls(s):
        return await s.call_tool("validate", {"design": '{"name": "x", "components": [{"id": "a", "kind": "nope"}]}'})

    result = _session(calls)
    assert result.is_error
    assert "unknown kind 'nope'" in result.content[0].text


def test_explain_and_size_are_served():
    async def calls(s):
        return (await s.call_tool("explain", {"design": str(FRAUD), "path": "authoriser"}),
                await s.call_tool("size", {"design": str(FRAUD)}))

    explained, sized = (_data(r) for r in _session(calls))
    assert explained and sized

"""``python -m mlsd mcp``: the tools of ``mlsd.cli.mcp.tools`` served over the Model Context Protocol on stdio.

Built on the maintained MCP Python SDK (``mcp``, pinned in requirements.txt; ``MCPServer`` in SDK 2.x). The SDK is
imported only here, so no other command pays for it. Each registered tool becomes an MCP tool with its
docstring as the description and its signature as the input schema; a ``ToolError`` reaches the assistant as
the tool's error message.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from mlsd import __version__
from mlsd.cli.mcp.tools import TOOLS, ToolError

INSTRUCTIONS = (
    "MLSD Whiteboard checks ML system designs (format mlsd/1: blocks, connections, requirements) against "
    "engineering checklists and models their latency, capacity and cost. Pass a design file path or the design "
    "JSON as `design`. Run validate first; fix applies the mechanical fixes; what_if tries edits without saving.")


def build_server() -> Any:
    """The MCP server with every registered tool."""
    from mcp.server.mcpserver import MCPServer

    server: Any = MCPServer(name="mlsd", title="MLSD Whiteboard", version=__version__, instructions=INSTRUCTIONS)
    for name, func in TOOLS.items():
        server.add_tool(_reported(func), name=name, structured_output=False)
    return server


def _reported(func: Callable[..., Any]) -> Callable[..., Any]:
    """The tool with its ``ToolError`` raised as the SDK's ``ToolError``: the assistant sees the message (any
    other exception is a crash whose text the SDK keeps on the server)."""
    from mcp.server.mcpserver.exceptions import ToolError as SdkToolError

    @functools.wraps(func)
    def run(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ToolError as exc:
            raise SdkToolError(str(exc)) from None

    return run


def serve() -> None:
    """Run the server on stdin/stdout until the client closes it."""
    build_server().run("stdio")

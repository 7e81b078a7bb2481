"""``python -m mlsd mcp``: the MCP server for AI assistants. ``tools`` holds the calls (plain functions over the
domain, no SDK); ``server`` serves them over stdio with the ``mcp`` SDK, which only that module imports."""

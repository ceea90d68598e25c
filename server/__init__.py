"""The knowledge base for other tools: the HTTP API (``server.api``), the MCP server (``server.mcp_tools``),
and who may call them (``server.gate``). Like ``ui/``, a presentation layer: every rule comes from ``kb/``."""

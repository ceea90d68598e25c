"""The knowledge base for other tools: the HTTP API (``api.http``), the MCP server (``api.mcp_tools``),
and who may call them (``api.gate``). Like ``ui/``, a presentation layer: every rule comes from ``kb/``."""

"""The office tool's own state beside the index: accounts, roles, sessions, each user's memo
basket and recent searches (SQLite), and the append-only audit log."""

"""Each user's saved work: the memo basket and recent searches; they survive a refresh and a restart."""

from __future__ import annotations

from kb.office.db import StateDB, now

RECENT_KEPT = 20
MAX_QUERY_CHARS = 200  # what a search takes; a longer text is no query to keep


class SavedWork(StateDB):
    """Baskets and recent searches, per user name."""

    def basket(self, user: str) -> list[str]:
        if not self.exists:
            return []
        with self.connect() as con:
            return [c for (c,) in con.execute("SELECT clause_id FROM baskets WHERE user = ? ORDER BY pos", (user,))]

    def save_basket(self, user: str, clause_ids: list[str]) -> None:
        with self.connect() as con:
            con.execute("DELETE FROM baskets WHERE user = ?", (user,))
            con.executemany("INSERT INTO baskets VALUES (?, ?, ?)", [(user, i, c) for i, c in enumerate(clause_ids)])

    def add_recent(self, user: str, query: str) -> None:
        query = query[:MAX_QUERY_CHARS]
        with self.connect() as con:
            con.execute("DELETE FROM recent WHERE user = ? AND query = ?", (user, query))
            con.execute("INSERT INTO recent VALUES (?, ?, ?)", (user, now().isoformat(), query))
            con.execute(
                "DELETE FROM recent WHERE user = ? AND at NOT IN "
                "(SELECT at FROM recent WHERE user = ? ORDER BY at DESC LIMIT ?)",
                (user, user, RECENT_KEPT),
            )

    def recent(self, user: str) -> list[str]:
        if not self.exists:
            return []
        with self.connect() as con:
            return [q for (q,) in con.execute("SELECT query FROM recent WHERE user = ? ORDER BY at DESC", (user,))]

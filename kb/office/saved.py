"""Each user's saved work: the memo basket, recent searches and their own home; and the deployment's
home jurisdiction an admin sets. They survive a refresh and a restart."""

from __future__ import annotations

from kb.office import audit
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


DEPLOYMENT = "home"  # the settings key of the deployment's home; a user's own is "home:NAME"
NO_HOME = "无"  # chosen to turn the home preference off


class Homes(StateDB):
    """Home jurisdictions: the deployment's (an admin's setting, audited) and each user's own."""

    def deployment(self) -> str | None:
        """The home an admin set for everyone (None: not set)."""
        return self._get(DEPLOYMENT)

    def set_deployment(self, place: str, actor: str) -> None:
        """Set (or, with "", clear) the deployment's home; written to the audit log."""
        self._set(DEPLOYMENT, place, actor)
        audit.append(self.path.parent, actor, "home_set", "", home=place or None)

    def own(self, user: str) -> str | None:
        """A user's own home (None: they follow the deployment's)."""
        return self._get(f"home:{user}") if user else None

    def set_own(self, user: str, place: str) -> None:
        """Keep a user's own home with their saved work ("" follows the deployment's again)."""
        if user:
            self._set(f"home:{user}", place, user)

    def _get(self, key: str) -> str | None:
        if not self.exists:
            return None
        with self.connect() as con:
            row = con.execute("SELECT value FROM settings WHERE key = ?", (key,)).fetchone()
        return row[0] if row and row[0] else None

    def _set(self, key: str, value: str, user: str) -> None:
        with self.connect() as con:
            if value:
                con.execute(
                    "INSERT OR REPLACE INTO settings (key, value, user, updated) VALUES (?, ?, ?, ?)",
                    (key, value, user, now().isoformat(timespec="seconds")),
                )
            else:
                con.execute("DELETE FROM settings WHERE key = ?", (key,))

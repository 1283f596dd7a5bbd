"""The history database (SQLite, standard library): schema and queries.

Schema version 1 (docs/history.md):

``meta(key, value)``
    ``schema_version``; ``baselines`` (what the findings were evaluated with).
``commits(sha, seq, author, email, date, subject)``
    every commit processed, in first-parent order (``seq`` from 1); ``date``
    is the committer date (ISO 8601), when the change reached the branch.
``findings(id, fingerprint, control, severity, file, resource, path, introduced, fixed)``
    one row per episode: a finding from the commit that introduced it to the
    one that fixed it (``fixed`` null while open); a finding that comes back
    is a new episode.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any, Iterable

from .evaluate import Row

SCHEMA_VERSION = "1"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS commits (
    sha TEXT PRIMARY KEY, seq INTEGER NOT NULL UNIQUE,
    author TEXT NOT NULL, email TEXT NOT NULL, date TEXT NOT NULL, subject TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS findings (
    id INTEGER PRIMARY KEY,
    fingerprint TEXT NOT NULL, control TEXT NOT NULL, severity TEXT NOT NULL,
    file TEXT NOT NULL, resource TEXT NOT NULL, path TEXT NOT NULL,
    introduced TEXT NOT NULL REFERENCES commits(sha),
    fixed TEXT REFERENCES commits(sha)
);
CREATE INDEX IF NOT EXISTS findings_open ON findings(fixed, fingerprint);
CREATE INDEX IF NOT EXISTS findings_control ON findings(control);
"""

# An episode with who and when, for every query.
EPISODES = """
SELECT f.fingerprint, f.control, f.severity, f.file, f.resource, f.path,
       i.sha AS introduced, i.author AS introduced_by, i.date AS introduced_at,
       x.sha AS fixed, x.author AS fixed_by, x.date AS fixed_at
FROM findings f JOIN commits i ON i.sha = f.introduced LEFT JOIN commits x ON x.sha = f.fixed
"""


class HistoryError(Exception):
    pass


class Store:
    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.db = sqlite3.connect(path)
        self.db.row_factory = sqlite3.Row
        version = self._version()
        if version not in (None, SCHEMA_VERSION):
            raise HistoryError(f"{path}: schema version {version}, this tool writes {SCHEMA_VERSION}; delete the file to rebuild it from Git")
        self.db.executescript(SCHEMA)
        self.db.execute("INSERT OR IGNORE INTO meta VALUES ('schema_version', ?)", (SCHEMA_VERSION,))

    def _version(self) -> str | None:
        try:
            row = self.db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        except sqlite3.OperationalError:
            return None
        return row[0] if row else None

    def close(self) -> None:
        self.db.commit()
        self.db.close()

    # --- writing ------------------------------------------------------------
    def meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        self.db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def processed(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT sha FROM commits ORDER BY seq")]

    def reset(self) -> None:
        self.db.executescript("DELETE FROM findings; DELETE FROM commits;")

    def open_rows(self) -> dict[str, Row]:
        query = "SELECT fingerprint, control, severity, file, resource, path FROM findings WHERE fixed IS NULL"
        return {row[0]: Row(*row) for row in self.db.execute(query)}

    def record(self, commit: dict[str, str], seq: int, introduced: Iterable[Row], fixed: Iterable[str]) -> None:
        self.db.execute(
            "INSERT INTO commits VALUES (?, ?, ?, ?, ?, ?)",
            (commit["sha"], seq, commit["author"], commit["email"], commit["date"], commit["subject"]),
        )
        self.db.executemany(
            "INSERT INTO findings (fingerprint, control, severity, file, resource, path, introduced) VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(r.fingerprint, r.control, r.severity, r.file, r.resource, r.path, commit["sha"]) for r in sorted(introduced)],
        )
        self.db.executemany("UPDATE findings SET fixed = ? WHERE fingerprint = ? AND fixed IS NULL", [(commit["sha"], fp) for fp in sorted(fixed)])

    def commit(self) -> None:
        self.db.commit()

    # --- reading ------------------------------------------------------------
    def episodes(self, where: str = "", params: tuple = ()) -> list[dict[str, Any]]:
        query = EPISODES + (f" WHERE {where}" if where else "") + " ORDER BY i.seq, f.control, f.file, f.resource, f.path"
        return [dict(row) for row in self.db.execute(query, params)]

    def commit_row(self, sha: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM commits WHERE sha = ?", (sha,)).fetchone()
        return dict(row) if row else None

    def commit_dates(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT date FROM commits ORDER BY seq")]

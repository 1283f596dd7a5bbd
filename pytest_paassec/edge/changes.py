"""Pull-request mode: collect only the deployment files changed since a revision."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..git import Change, Repository
from ..parsing.discovery import Discovery


@dataclass(frozen=True)
class ChangedFiles:
    revision: str
    top: Path  # the Git work tree's top level: Change paths are relative to it
    change: Change

    def includes(self, path: Path) -> bool:
        try:
            relative = path.resolve().relative_to(self.top.resolve()).as_posix()
        except ValueError:
            return False  # outside the work tree: not part of the change
        return relative in self.change.changed

    def deleted_deployment_files(self, discovery: Discovery) -> list[str]:
        return [p for p in self.change.deleted if discovery.classify(Path(p)) is not None]

    def lines(self, collected: int, discovery: Discovery) -> list[str]:
        line = f"paassec: changed since {self.revision} (merge base {self.change.base[:7]}): {collected} deployment files collected"
        renamed = [(old, new) for old, new in self.change.renamed if discovery.classify(Path(new)) is not None]
        if renamed:
            line += f", {len(renamed)} of them renamed"
        deleted = self.deleted_deployment_files(discovery)
        lines = [line]
        if deleted:
            lines.append(f"paassec: deleted since {self.revision}: {', '.join(deleted)}")
        return lines


def changed_files(revision: str, rootpath: Path) -> ChangedFiles:
    repository = Repository.at(rootpath)
    return ChangedFiles(revision, repository.top, repository.changes_since(revision))

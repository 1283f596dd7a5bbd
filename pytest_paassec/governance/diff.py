"""The security diff: the findings of the repository at another revision.

The baselines run on the files of ``REV`` read from Git objects (never a
checkout), with the same engine and file selection as the working tree;
findings are matched by the fingerprint known findings use (control, file,
resource, offending path and value; no line numbers), so a moved or
reformatted line is "unchanged", not "new".  A renamed file's findings are
new under the new name.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..git import Repository
from ..parsing.discovery import classify
from ..rules.catalog import Catalog
from ..rules.controls import Control
from ..rules.engine import scan_texts
from .findings import findings_of
from .known import KnownFinding


@dataclass(frozen=True)
class DiffBase:
    revision: str  # as the user wrote it
    commit: str  # its full hash
    findings: dict[str, KnownFinding] = field(default_factory=dict)  # by fingerprint
    files: frozenset[str] = frozenset()  # deployment files at the revision (relative to the rootdir)
    failing_items: frozenset[tuple[str, str, str]] = frozenset()  # (file, control, resource) that failed there

    def state_of(self, findings: list, file: str, control: str, resource: str) -> str:
        """new: a finding the revision did not have; unchanged: all of them
        were there (or none, before and now); fixed: it passes now but failed there."""
        if findings:
            return "unchanged" if all(f.fingerprint in self.findings for f in findings) else "new"
        return "fixed" if (file, control, resource) in self.failing_items else "unchanged"


def findings_at(
    repository: Repository, revision: str, rootdir: Path, catalog: Catalog,
    selected: Callable[[str], bool] = lambda relpath: True, max_size: int = 5 * 1024 * 1024,
    extra: tuple[Control, ...] = (),
) -> DiffBase:
    """Evaluate the baselines (and ``extra`` contributed controls) on the
    deployment files under ``rootdir`` at ``revision``."""
    commit = repository.resolve(revision)
    prefix = rootdir.resolve().relative_to(repository.top.resolve()).as_posix()
    prefix = "" if prefix == "." else prefix
    wanted: dict[str, str] = {}  # top-relative -> rootdir-relative
    for name in repository.tree_files(commit, prefix):
        relpath = name[len(prefix) + 1 :] if prefix else name
        if classify(Path(relpath)) is not None and selected(relpath):
            wanted[name] = relpath
    texts = []
    for name, blob in repository.read_blobs(commit, sorted(wanted)).items():
        if len(blob) > max_size or b"\0" in blob[:8192]:
            continue  # too large or binary: the working tree run reports such files
        try:
            texts.append((wanted[name], blob.decode("utf-8")))
        except UnicodeDecodeError:
            continue
    found: dict[str, KnownFinding] = {}
    for _, checks in scan_texts(texts, catalog, extra=extra).values():
        for resource, control, violations in checks:
            for finding in findings_of(control.id, resource.ref, violations):
                found[finding.fingerprint] = KnownFinding.of(finding)
    items = frozenset((k.file, k.control, k.resource) for k in found.values())
    return DiffBase(revision, commit, found, frozenset(relpath for relpath, _ in texts), items)

"""Bring the history database up to date with the first-parent history of a revision."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from ..git import Repository, name_status, run_git
from ..parsing.discovery import classify
from ..parsing.selection import matches_any
from ..rules.catalog import Catalog
from .evaluate import TreeEvaluator
from .store import Store

_FORMAT = "%H%x00%an%x00%ae%x00%cI%x00%s"


def first_parent_commits(repository: Repository, revision: str) -> list[dict[str, str]]:
    commit = repository.resolve(revision)
    out = run_git(repository.top, "log", "--first-parent", "--reverse", f"--format={_FORMAT}", commit).stdout
    commits = []
    # One record per line: fields separated by NUL, records by newline (subjects hold no newline).
    for line in out.decode("utf-8", errors="replace").splitlines():
        fields = line.split("\0")
        if len(fields) >= 5 and len(fields[0]) == 40:
            commits.append({"sha": fields[0], "author": fields[1], "email": fields[2], "date": fields[3], "subject": fields[4]})
    return commits


def deployment_files(exclude: tuple[str, ...] = ()) -> Callable[[str], bool]:
    """Is a work-tree path a deployment file, not excluded?  Globs as
    ``paassec_exclude`` (``*`` crosses ``/``): committed live-state
    snapshots (``live/*``) are not deployment files."""

    def deployment(path: str) -> bool:
        return classify(Path(path)) is not None and not matches_any(path, exclude)

    return deployment


def changed_files(repository: Repository, parent: str | None, commit: str, deployment: Callable[[str], bool] = deployment_files()) -> tuple[list[str], list[str]]:
    """(present, gone): deployment files the commit added or modified (renamed to), and removed (renamed from)."""
    args = ["diff-tree", "-r", "-z", "--no-commit-id", "--name-status", "-M"]
    args += [parent, commit] if parent else ["--root", commit]
    present, gone, renamed = name_status(run_git(repository.top, *args).stdout)
    gone += [old for old, _ in renamed]
    return sorted(p for p in present if deployment(p)), sorted(p for p in gone if deployment(p))


def texts_at(repository: Repository, commit: str, paths: list[str]) -> dict[str, str | None]:
    blobs = repository.read_blobs(commit, paths)
    texts: dict[str, str | None] = {}
    for path in paths:
        blob = blobs.get(path)
        try:
            texts[path] = blob.decode("utf-8") if blob is not None and b"\0" not in blob[:8192] else None
        except UnicodeDecodeError:
            texts[path] = None
    return texts


def update(store: Store, repository: Repository, catalog: Catalog, revision: str = "HEAD", on_rebuild=print, exclude: tuple[str, ...] = ()) -> int:  # type: ignore[no-untyped-def]
    """Process the commits not yet in the database; return how many."""
    commits = first_parent_commits(repository, revision)
    shas = [c["sha"] for c in commits]
    done = store.processed()
    if done and (len(done) > len(shas) or shas[: len(done)] != done):
        on_rebuild(f"{store.path}: the history it holds is no longer the first-parent history of {revision} (rebased or reset): rebuilding")
        store.reset()
        done = []
    excluded = json.dumps(sorted(set(exclude)))
    if done and (store.meta("exclude") or "[]") != excluded:
        on_rebuild(f"{store.path}: it was built with other --exclude globs ({store.meta('exclude') or '[]'}, now {excluded}): rebuilding")
        store.reset()
        done = []
    store.set_meta("exclude", excluded)
    deployment = deployment_files(tuple(exclude))
    evaluator = TreeEvaluator(catalog)
    open_rows = store.open_rows()
    if done:  # the tree as it was at the last processed commit, its findings from the database
        last = done[-1]
        files = [p for p in repository.tree_files(last) if deployment(p)]
        evaluator.load(texts_at(repository, last, files), open_rows)
    for seq, commit in enumerate(commits[len(done) :], start=len(done) + 1):
        parent = shas[seq - 2] if seq > 1 else None
        present, gone = changed_files(repository, parent, commit["sha"], deployment)
        texts = texts_at(repository, commit["sha"], present)
        texts.update({path: None for path in gone})
        current = evaluator.update(texts)
        introduced = [row for fp, row in current.items() if fp not in open_rows]
        fixed = [fp for fp in open_rows if fp not in current]
        store.record(commit, seq, introduced, fixed)
        open_rows = current
        if seq % 100 == 0:
            store.commit()
    store.commit()
    return len(commits) - len(done)

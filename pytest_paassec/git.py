"""Reading a Git repository with the ``git`` command line.

Fixed argument lists, never a shell; one ``git cat-file --batch`` process
reads any number of blobs.  Every failure is a :class:`GitError` whose
message says what to do: outside a work tree, a revision a shallow clone
does not have (fetch more history), an unknown revision.  The binding
pygit2 was not worth a compiled dependency: the plugin asks Git a handful of
questions per run, and the CLI answers each in milliseconds.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .errors import PaasSecError

# Git must not page, prompt, or read the user's configuration for output format.
_ENV_DROP = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_PAGER", "PAGER")


class GitError(PaasSecError):
    """Git could not answer; the message says why and what to do."""


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _ENV_DROP}
    env.update({"GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"})
    return env


def run_git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
    try:
        done = subprocess.run(["git", "-c", "core.quotepath=off", *args], cwd=cwd, capture_output=True, env=_env(), check=False)
    except FileNotFoundError:
        raise GitError("git is not installed or not on PATH") from None
    if check and done.returncode != 0:
        raise GitError(f"git {' '.join(args)}: {done.stderr.decode(errors='replace').strip()}")
    return done


def name_status(output: bytes) -> tuple[set[str], list[str], list[tuple[str, str]]]:
    """``git diff --name-status -z -M`` (or ``diff-tree``) output: the paths
    present afterwards (added, modified, renamed or copied to), those gone,
    and the renames (old, new)."""
    fields = output.decode(errors="surrogateescape").split("\0")
    present: set[str] = set()
    gone: list[str] = []
    renamed: list[tuple[str, str]] = []
    index = 0
    while index < len(fields) and fields[index]:
        status = fields[index]
        if status[0] in "RC":
            old, new = fields[index + 1], fields[index + 2]
            present.add(new)
            if status[0] == "R":
                renamed.append((old, new))
            index += 3
            continue
        (gone.append if status[0] == "D" else present.add)(fields[index + 1])
        index += 2
    return present, gone, renamed


@dataclass(frozen=True)
class Change:
    """What changed between a base revision and the working tree."""

    base: str  # the merge base's full hash
    changed: frozenset[str] = frozenset()  # paths relative to the top level: added, modified, renamed to, untracked
    deleted: tuple[str, ...] = ()  # gone since the base (renamed-from paths are not listed)
    renamed: tuple[tuple[str, str], ...] = ()  # (old, new)


class Repository:
    """A Git work tree."""

    def __init__(self, top: Path) -> None:
        self.top = top

    @classmethod
    def at(cls, path: Path) -> Repository:
        """The work tree holding ``path``."""
        done = run_git(path if path.is_dir() else path.parent, "rev-parse", "--show-toplevel", check=False)
        if done.returncode != 0:
            raise GitError(f"{path} is not inside a Git work tree (git rev-parse: {done.stderr.decode(errors='replace').strip()})")
        return cls(Path(done.stdout.decode().strip()))

    def shallow(self) -> bool:
        return run_git(self.top, "rev-parse", "--is-shallow-repository").stdout.strip() == b"true"

    def resolve(self, revision: str) -> str:
        """The full hash of the commit ``revision`` names."""
        if not revision or revision.startswith("-"):
            raise GitError(f"{revision!r} is not a revision")
        done = run_git(self.top, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{revision}^{{commit}}", check=False)
        if done.returncode == 0:
            return done.stdout.decode().strip()
        if self.shallow():
            raise GitError(
                f"revision {revision!r} is not in this shallow clone: fetch more history "
                f"(git fetch --deepen=50, or git fetch --unshallow), or check out with fetch-depth: 0"
            )
        raise GitError(f"unknown revision {revision!r}: no such branch, tag or commit in {self.top}")

    def merge_base(self, revision: str) -> str:
        """Where the current branch left ``revision``: what a pull request is compared with."""
        commit = self.resolve(revision)
        done = run_git(self.top, "merge-base", commit, "HEAD", check=False)
        if done.returncode != 0:
            if self.shallow():
                raise GitError(
                    f"no merge base of {revision!r} and HEAD in this shallow clone: fetch more history "
                    f"(git fetch --deepen=50, or git fetch --unshallow)"
                )
            raise GitError(f"{revision!r} and HEAD have no common history")
        return done.stdout.decode().strip()

    def changes_since(self, revision: str) -> Change:
        """Files changed between the merge base of ``revision`` and HEAD and
        the working tree: committed, staged, unstaged and untracked."""
        base = self.merge_base(revision)
        # Against the work tree, so staged and unstaged edits count; -M finds renames.
        changed, deleted, renamed = name_status(run_git(self.top, "diff", "--name-status", "-z", "-M", "--no-ext-diff", base, "--").stdout)
        untracked = run_git(self.top, "ls-files", "--others", "--exclude-standard", "-z").stdout.decode(errors="surrogateescape")
        return Change(base, frozenset(changed) | {p for p in untracked.split("\0") if p}, tuple(sorted(deleted)), tuple(sorted(renamed)))

    def tree_files(self, commit: str, under: str = "") -> list[str]:
        """Every file of ``commit``'s tree (below ``under``, relative to the top level)."""
        args = ["ls-tree", "-r", "-z", "--name-only", "--full-tree", commit]
        if under:
            args += ["--", under]
        names = run_git(self.top, *args).stdout.decode(errors="surrogateescape").split("\0")
        return sorted(name for name in names if name)

    def read_blobs(self, commit: str, paths: list[str]) -> dict[str, bytes]:
        """The contents of ``paths`` at ``commit``, read by one ``git cat-file --batch``."""
        if not paths:
            return {}
        request = "".join(f"{commit}:{path}\n" for path in paths).encode(errors="surrogateescape")
        try:
            done = subprocess.run(["git", "cat-file", "--batch"], cwd=self.top, input=request, capture_output=True, env=_env(), check=False)
        except FileNotFoundError:
            raise GitError("git is not installed or not on PATH") from None
        if done.returncode != 0:
            raise GitError(f"git cat-file --batch: {done.stderr.decode(errors='replace').strip()}")
        out, blobs, offset = done.stdout, {}, 0
        for path in paths:
            end = out.index(b"\n", offset)
            header = out[offset:end].split()
            offset = end + 1
            if len(header) < 3 or header[-1] == b"missing":
                continue  # not a blob at that commit (a submodule, say)
            size = int(header[2])
            if header[1] == b"blob":
                blobs[path] = out[offset : offset + size]
            offset += size + 1  # the content, then a newline
        return blobs

    def blame(self, path: Path) -> dict[int, Blame]:
        """Who last changed each line of ``path`` as it is in the working
        tree: one ``git blame --porcelain`` for the whole file."""
        done = run_git(self.top, "blame", "--porcelain", "--", str(path), check=False)
        if done.returncode != 0:
            return {}  # untracked or outside the repository: nothing is committed
        return parse_blame(done.stdout.decode("utf-8", errors="replace"))


@dataclass(frozen=True)
class Blame:
    commit: str  # short hash; "" for a line not committed yet
    author: str
    date: str  # YYYY-MM-DD in the author's time zone

    def describe(self) -> str:
        return "not committed yet" if not self.commit else f"{self.commit}, {self.author}, {self.date}"


_UNCOMMITTED = "0" * 40


def parse_blame(text: str) -> dict[int, Blame]:
    """``git blame --porcelain`` output -> line number -> Blame."""
    commits: dict[str, dict[str, str]] = {}
    lines: dict[int, Blame] = {}
    current: str | None = None
    final_line = 0
    for raw in text.split("\n"):
        if raw.startswith("\t"):
            if current is not None:
                info = commits[current]
                if current == _UNCOMMITTED:
                    lines[final_line] = Blame("", "", "")
                else:
                    seconds = int(info.get("author-time", "0"))
                    tz = info.get("author-tz", "+0000")
                    offset = dt.timedelta(hours=int(tz[1:3]), minutes=int(tz[3:5])) * (-1 if tz.startswith("-") else 1)
                    day = dt.datetime.fromtimestamp(seconds, dt.timezone(offset)).date().isoformat()
                    lines[final_line] = Blame(current[:7], info.get("author", ""), day)
            continue
        parts = raw.split(" ")
        if len(parts) >= 3 and len(parts[0]) == 40 and all(c in "0123456789abcdef" for c in parts[0]):
            current, final_line = parts[0], int(parts[2])
            commits.setdefault(current, {})
        elif current is not None and parts and parts[0] in ("author", "author-time", "author-tz"):
            commits[current][parts[0]] = raw[len(parts[0]) + 1 :]
    return lines

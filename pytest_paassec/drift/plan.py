"""The reconciliation plan: what brings live state back to the repository.

``write_plan`` writes, per drifted, missing or undeclared resource, a shell
script under ``<out>/<platform>/`` (and, for Kubernetes, the declared object
re-emitted as YAML beside it), plus ``index.md``.  Nothing is applied.
Scripts start with ``set -euo pipefail``, change to the repository root, and
quote every argument.  A secret value is never written: a command that sets
one reads it from the environment by name (``"DB_PASSWORD=${DB_PASSWORD}"``),
so ``set -u`` stops the script when it is not provided; a Kubernetes object
holding a secret literal is applied from its declared file instead of being
re-emitted.  Deleting what the repository does not declare is always left
commented out, for a person to review.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from pathlib import Path
from typing import Any

from ..masking import is_sensitive
from .compare import ADDED
from .engine import MISSING, UNDECLARED, DriftResult, ResourceDrift
from .normalize import comparable

_VARIABLE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class Script:
    """The commands and review notes of one resource's plan."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.notes: list[str] = []  # needs-approval notes, for the index too
        self.files: dict[str, str] = {}  # extra plan files (name -> text)

    def run(self, *words: str) -> None:
        self.lines.append(" ".join(words))

    def review(self, note: str, *words: str) -> None:
        """A command a person must approve: written commented out."""
        self.notes.append(note)
        self.lines.append(f"# needs approval: {note}")
        if words:
            self.lines.append("# " + " ".join(words))

    def comment(self, text: str) -> None:
        self.lines.append(f"# {text}")


def q(value: Any) -> str:
    return shlex.quote(str(value).lower() if isinstance(value, bool) else str(value))


def assignment(name: str, value: Any, sensitive: bool) -> str:
    """``NAME=value``, or ``"NAME=${NAME}"`` for a secret or a value the
    repository does not hold (it comes from the environment)."""
    if sensitive or value is None or isinstance(value, (dict, list)) or not comparable(value) or is_sensitive(name, str(value)):
        if not _VARIABLE.match(name):
            raise ValueError(name)
        return f'"{name}=${{{name}}}"'
    return q(f"{name}={str(value).lower() if isinstance(value, bool) else value}")


def settings_changes(entry: ResourceDrift, collection: tuple) -> tuple[list[tuple[str, bool]], list[str]]:
    """(name, sensitive) of settings to set and names to unset, from the
    differences inside a ``collection`` of env-like settings."""
    to_set: dict[str, bool] = {}
    to_unset: list[str] = []
    for difference in entry.differences:
        name = difference.name
        if name[: len(collection)] != collection or len(name) <= len(collection):
            continue
        key = str(name[len(collection)])
        if difference.change == ADDED and len(name) == len(collection) + 1:
            to_unset.append(key)
        else:
            to_set[key] = to_set.get(key, False) or difference.sensitive
    return sorted(to_set.items()), sorted(set(to_unset))


def leftover(script: Script, entry: ResourceDrift, handled: tuple[tuple, ...], fallback: list[str], why: str) -> None:
    """Differences no targeted command handles: the fallback redeploy."""
    rest = [d for d in entry.differences if not any(d.name[: len(prefix)] == prefix for prefix in handled)]
    if rest or (not entry.differences and entry.posture):
        fields = ", ".join(sorted({d.label for d in rest})) or "live posture"
        script.comment(f"{why} ({fields})")
        script.run(*fallback)


def secret_literal(data: Any, key: Any = None) -> bool:
    if isinstance(data, dict):
        return any(secret_literal(value, name) for name, value in data.items())
    if isinstance(data, list):
        return any(secret_literal(value, key) for value in data)
    return isinstance(data, str) and is_sensitive(key, data)


def plain(data: Any) -> Any:
    return json.loads(json.dumps(data, default=str))


# --- writing ----------------------------------------------------------------------


def _slug(entry: ResourceDrift) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", entry.ref).strip("_") or "resource"


def _why(entry: ResourceDrift) -> str:
    if entry.status == MISSING:
        return "declared, missing live"
    if entry.status == UNDECLARED:
        return "live, not declared"
    parts = []
    if entry.differences:
        parts.append(", ".join(sorted({f"{d.label} {d.change}" for d in entry.differences})))
    if entry.posture:
        parts.append("fails live: " + ", ".join(p.control.id for p in entry.posture))
    return "; ".join(parts)


def _script_text(entry: ResourceDrift, script: Script, to_root: str) -> str:
    head = [
        "#!/usr/bin/env bash",
        f"# pytest-paassec drift plan for {entry.ref} ({entry.status}). Nothing has been applied:",
        "# review, then run it from anywhere; paths are relative to the repository root.",
        "set -euo pipefail",
        'plan="$(cd "$(dirname "$0")" && pwd)"',
        f'cd "$(dirname "$0")/{to_root}"',
    ]
    return "\n".join(head + script.lines) + "\n"


def write_plan(result: DriftResult, out_dir: Path, root: Path) -> list[Path]:
    """Write the plan for every drifted, missing or undeclared resource and
    ``index.md``; returns the files written, sorted."""
    from ..platforms.drift_plans import PLANNERS, UNKNOWN_PLATFORM  # they use this module's helpers
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    rows = []
    details = []
    for entry in result.drifted:
        name = entry.identity.family
        slug = _slug(entry)
        folder = out_dir / name
        folder.mkdir(exist_ok=True)
        script = Script()
        PLANNERS.get(name, UNKNOWN_PLATFORM)(entry, script, slug)
        to_root = os.path.relpath(root.resolve(), folder.resolve()).replace(os.sep, "/")
        path = folder / f"{slug}.sh"
        path.write_text(_script_text(entry, script, to_root), encoding="utf-8")
        path.chmod(0o755)
        written.append(path)
        for extra, text in sorted(script.files.items()):
            (folder / extra).write_text(text, encoding="utf-8")
            written.append(folder / extra)
        file, line = entry.where
        approval = "; ".join(script.notes) or "-"
        rows.append(f"| `{entry.ref}` | {entry.status} | {_why(entry)} | `{file}:{line}` | `{name}/{slug}.sh` | {approval} |")
        details += [f"### `{entry.ref}`", "", "```", entry.render(), "```", ""]
    index = [
        "# Drift reconciliation plan",
        "",
        "Generated by pytest-paassec from the repository and the live snapshots. Nothing has been applied:",
        "review each script, provide the secret values it reads from the environment, then run it.",
        "",
    ]
    if rows:
        index += ["| resource | status | why | declared at | command | needs approval |", "|---|---|---|---|---|---|", *rows, "", "## Differences", "", *details]
    else:
        index += ["No drift: live state matches the repository.", ""]
    (out_dir / "index.md").write_text("\n".join(index).rstrip() + "\n", encoding="utf-8")
    written.append(out_dir / "index.md")
    return sorted(written)


__all__ = ["Script", "assignment", "leftover", "q", "settings_changes", "write_plan"]

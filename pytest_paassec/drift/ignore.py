"""Fields the platform adds or defaults, left out of the comparison.

A pattern is a dotted path into a resource's data as the comparison names
it: ``*`` is one step (any key, any list entry), ``**`` any number of steps,
and a step may hold shell wildcards (``WEBSITE_*``).  A key holding dots is
written in brackets and quotes: ``metadata.annotations["kubectl.kubernetes.io/last-applied-configuration"]``.
Entries of lists the platform treats as sets are named by their key, not
their position (``spec.template.spec.containers.api.imagePullPolicy``; see
normalize.py), so a pattern reads like the resource.

The defaults are per platform family (platforms/drift_rules.py); a team extends them with
:func:`build_ignore` (the ``paassec_drift_ignore`` ini lines
``platform: pattern`` go through :func:`parse_ignore_lines`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Iterable, Mapping

from ..errors import SettingsError
from ..platforms.drift_rules import DRIFT_RULES

_STEP = re.compile(r'\[\s*"((?:[^"\\]|\\.)*)"\s*\]|\[\s*\'([^\']*)\'\s*\]|([^.\[\]]+)')


def parse_pattern(text: str) -> tuple[str, ...]:
    """``a.b["c.d"].*`` -> ``("a", "b", "c.d", "*")``; ValueError on bad syntax."""
    steps: list[str] = []
    position = 0
    text = text.strip()
    while position < len(text):
        if text[position] == ".":
            position += 1
            continue
        match = _STEP.match(text, position)
        if match is None or match.end() == position:
            raise ValueError(f"cannot read {text!r} at character {position + 1}")
        steps.append(next(group for group in match.groups() if group is not None))
        position = match.end()
    if not steps:
        raise ValueError("empty pattern")
    return tuple(steps)


def _matches(pattern: tuple[str, ...], path: tuple[str, ...]) -> bool:
    if not pattern:
        return not path
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        return any(_matches(rest, path[index:]) for index in range(len(path) + 1))
    return bool(path) and fnmatchcase(path[0], head) and _matches(rest, path[1:])


@dataclass(frozen=True)
class IgnoreList:
    """Per platform family, the patterns whose fields (and all below) are not compared."""

    patterns: Mapping[str, tuple[tuple[str, ...], ...]]

    def ignored(self, family: str, path: tuple) -> bool:
        """Whether a path (or a field above it) is ignored.  A pattern ignores
        the field it names and everything below it."""
        steps = tuple(str(step) for step in path)
        return any(
            _matches(pattern, steps[:length])
            for pattern in self.patterns.get(family, ())
            for length in range(1, len(steps) + 1)
        )


def build_ignore(extra: Mapping[str, Iterable[str]] | None = None, defaults: bool = True) -> IgnoreList:
    """The default ignore lists plus a team's patterns, per platform family."""
    patterns: dict[str, list[tuple[str, ...]]] = {}
    if defaults:
        for family, rules in DRIFT_RULES.items():
            patterns[family] = [parse_pattern(text) for text, _ in rules.ignore]
    for family, texts in sorted((extra or {}).items()):
        for text in texts:
            try:
                patterns.setdefault(family, []).append(parse_pattern(text))
            except ValueError as exc:
                raise SettingsError(f"drift ignore pattern for {family}: {exc}") from None
    return IgnoreList({family: tuple(found) for family, found in sorted(patterns.items())})


def parse_ignore_lines(lines: Iterable[str], source: str = "paassec_drift_ignore") -> dict[str, list[str]]:
    """``platform: pattern`` lines (an ini linelist) -> patterns per family."""
    from .resources import FAMILIES

    found: dict[str, list[str]] = {}
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        family, sep, pattern = line.partition(":")
        family = family.strip()
        if not sep or not pattern.strip():
            raise SettingsError(f"{source}: {line!r} is not 'platform: pattern'")
        if family not in FAMILIES:
            raise SettingsError(f"{source}: unknown platform {family!r}; use one of {', '.join(sorted(FAMILIES))}")
        try:
            parse_pattern(pattern)
        except ValueError as exc:
            raise SettingsError(f"{source}: {exc}") from None
        found.setdefault(family, []).append(pattern.strip())
    return found


def ignore_table() -> str:
    """The default ignore lists as Markdown (docs/drift.md holds this text)."""
    lines = []
    for family, rules in DRIFT_RULES.items():
        entries = rules.ignore
        lines += [f"### {family}", "", "| pattern | why |", "|---|---|"]
        lines += [f"| `{text}` | {why} |" for text, why in entries]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"

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
from dataclasses import dataclass, field
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


def _fixed(pattern: tuple[str, ...], path: tuple[str, ...]) -> bool:
    return len(pattern) == len(path) and all(fnmatchcase(step, want) for step, want in zip(path, pattern))


def _matches(pattern: tuple[str, ...], path: tuple[str, ...]) -> bool:
    stars = pattern.count("**")
    if stars == 0:
        return _fixed(pattern, path)
    if stars == 1:  # the usual case: the head and the tail fixed, anything between
        at = pattern.index("**")
        head, tail = pattern[:at], pattern[at + 1 :]
        return len(path) >= len(head) + len(tail) and _fixed(head, path[: len(head)]) and _fixed(tail, path[len(path) - len(tail) :])
    head, rest = pattern[0], pattern[1:]
    if head == "**":
        return any(_matches(rest, path[index:]) for index in range(len(path) + 1))
    return bool(path) and fnmatchcase(path[0], head) and _matches(rest, path[1:])


@dataclass(frozen=True)
class IgnoreList:
    """Per platform family, the patterns whose fields (and all below) are not compared."""

    patterns: Mapping[str, tuple[tuple[str, ...], ...]]
    # Answers by (family, steps): the comparison asks for every field of
    # every resource, and field paths repeat across resources.
    _answers: dict[tuple[str, tuple[str, ...]], bool] = field(default_factory=dict, compare=False, repr=False)
    _by_length: dict[str, dict[int | None, list[tuple[str, ...]]]] = field(default_factory=dict, compare=False, repr=False)

    def ignored(self, family: str, path: tuple) -> bool:
        """Whether a path (or a field above it) is ignored.  A pattern ignores
        the field it names and everything below it."""
        return self._ignored(family, tuple(str(step) for step in path))

    def _ignored(self, family: str, steps: tuple[str, ...]) -> bool:
        key = (family, steps)
        answer = self._answers.get(key)
        if answer is None:
            answer = bool(steps) and (self._ignored(family, steps[:-1]) or any(_matches(pattern, steps) for pattern in self._candidates(family, steps)))
            self._answers[key] = answer
        return answer

    def _candidates(self, family: str, steps: tuple[str, ...]) -> list[tuple[str, ...]]:
        """The patterns that can match a path this long: one without ``**``
        matches only paths of its own length."""
        by_length = self._by_length.get(family)
        if by_length is None:
            by_length = self._by_length[family] = {}
            for pattern in self.patterns.get(family, ()):
                by_length.setdefault(None if "**" in pattern else len(pattern), []).append(pattern)
        return by_length.get(len(steps), []) + by_length.get(None, [])


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

"""Which files are deployment files: by name first, then a cheap content sniff.

``classify`` is called for every file pytest walks, so it decides on the name
alone wherever it can.  Only ``*.yaml``, ``*.yml`` and ``*.json`` files with
no telling name are read, and then only their text is searched for the
top-level keys deployment formats start with.  A sniffed file becomes tests
only if a platform adapter then claims one of its documents.

The rules are not written here: each platform adapter declares the file
names it claims (:class:`FileRule`) and how its generic files look
(:class:`Sniff`), and :class:`Discovery` indexes the declarations of a set of
adapters, built-in or contributed by plugins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, Iterable

# The suffixes of generic files, by format: any such file may be a
# deployment file, and its content decides.
GENERIC_SUFFIXES = {"yaml": (".yaml", ".yml"), "json": (".json",)}



@dataclass(frozen=True)
class Candidate:
    format: str  # a key of documents.FORMATS
    platforms: tuple[str, ...]  # adapters to try, in order
    by_name: bool  # the name alone says it is a deployment file


@dataclass(frozen=True)
class FileRule:
    """A file a platform claims by its name.

    ``pattern`` must match the whole file name (case-insensitive unless
    ``case_sensitive``).  When rules of several ranks match a path, the lowest
    rank alone decides: a platform's own folder (``.do/``) outranks a name
    several platforms share (``app.yaml``).  Platforms whose rules match at
    that rank are tried in ``order``, so one ``app.yaml`` is App Engine's
    first, then DigitalOcean's, then Kubernetes'.  The built-in adapters
    use ranks from 10 (a name that is a format, such as Dockerfile) to 120;
    tests/test_discovery.py pins the orders they produce.
    """

    pattern: str
    format: str
    rank: int
    order: int = 0
    folder: str | None = None  # the file's own folder must have this name
    under: str | None = None  # some folder above the file must have this name
    case_sensitive: bool = False

    def compiled(self) -> re.Pattern[str]:
        return re.compile(self.pattern, 0 if self.case_sensitive else re.IGNORECASE)


@dataclass(frozen=True)
class Sniff:
    """How a generic ``*.yaml``/``*.json`` file of this platform reads: a
    regular expression (multi-line) its text contains.  Platforms a generic
    file may be are tried in ``order``."""

    format: str
    pattern: str
    order: int


def yaml_keys(*keys: str) -> str:
    """A sniff pattern: one of ``keys`` as a top-level YAML key."""
    return r"^(" + "|".join(map(re.escape, keys)) + r")\s*:"


def json_keys(*keys: str) -> str:
    """A sniff pattern: one of ``keys`` as a JSON object key."""
    return r'"(' + "|".join(map(re.escape, keys)) + r')"\s*:'


class Discovery:
    """The file rules and sniffs of a set of platform adapters, indexed once.

    An adapter is anything with ``name``, ``file_rules`` (FileRules) and
    ``sniffs`` (Sniffs); adapters with neither are found only through the
    ``pytest_paassec_candidate`` hook.
    """

    def __init__(self, platforms: Iterable[Any]) -> None:
        named = []
        generic: dict[str, list[tuple[int, int, str, str]]] = {fmt: [] for fmt in GENERIC_SUFFIXES}
        for position, platform in enumerate(platforms):
            for rule in getattr(platform, "file_rules", ()):
                named.append((rule.rank, rule.order, position, platform.name, rule, rule.compiled()))
            for sniff_rule in getattr(platform, "sniffs", ()):
                generic.setdefault(sniff_rule.format, []).append((sniff_rule.order, position, platform.name, sniff_rule.pattern))
        named.sort(key=lambda entry: entry[:3])
        self._named = tuple((rank, name, rule, pattern) for rank, _, _, name, rule, pattern in named)
        # One pass over every name pattern first: most files walked match none.
        self._any_name = re.compile(
            "|".join(f"(?-i:{rule.pattern})" if rule.case_sensitive else f"(?:{rule.pattern})" for *_, rule, _ in named) or "(?!)",
            re.IGNORECASE,
        )
        # Folders pytest skips by default (norecursedirs ".*") that hold
        # deployment files, such as .do/ and .ebextensions/: walked anyway.
        self.dot_dirs = frozenset(
            folder for *_, rule, _ in named for folder in (rule.folder, rule.under) if folder is not None and folder.startswith(".")
        )
        self._generic: dict[str, tuple[str, ...]] = {}
        self._sniffs: dict[tuple[str, str], re.Pattern[str]] = {}
        self._any_sniff: dict[str, re.Pattern[str]] = {}
        for fmt, entries in generic.items():
            entries.sort(key=lambda entry: entry[:2])
            self._generic[fmt] = tuple(dict.fromkeys(name for _, _, name, _ in entries))
            for _, _, name, pattern in entries:
                key = (fmt, name)
                joined = f"{self._sniffs[key].pattern}|(?:{pattern})" if key in self._sniffs else f"(?:{pattern})"
                self._sniffs[key] = re.compile(joined, re.MULTILINE)
            if entries:
                self._any_sniff[fmt] = re.compile("|".join(f"(?:{p})" for _, _, _, p in entries), re.MULTILINE)

    def classify(self, path: PurePath) -> Candidate | None:
        """Classify by name; ``None`` for files that are certainly not ours."""
        name = path.name
        if self._any_name.fullmatch(name):
            found = self._by_name(path, name)
            if found is not None:
                return found
        lower = name.lower()
        for generic_format, suffixes in GENERIC_SUFFIXES.items():
            if lower.endswith(suffixes) and self._generic.get(generic_format):
                return Candidate(generic_format, self._generic[generic_format], False)
        return None

    def _by_name(self, path: PurePath, name: str) -> Candidate | None:
        """The platforms whose rules of the lowest matching rank claim the path."""
        parent = path.parent.name
        best: int | None = None
        fmt = ""
        platforms: list[str] = []
        for rank, platform, rule, pattern in self._named:
            if best is not None and rank != best:
                break
            if rule.folder is not None and parent != rule.folder:
                continue
            if rule.under is not None and rule.under not in path.parts[:-1]:
                continue
            if pattern.fullmatch(name) is None:
                continue
            if best is None:
                best, fmt = rank, rule.format
            if platform not in platforms:
                platforms.append(platform)
        return Candidate(fmt, tuple(platforms), True) if platforms else None

    def sniff(self, candidate: Candidate, text: str) -> bool:
        """For a file with no telling name: does its text look like a deployment file?"""
        if candidate.by_name:
            return True
        if candidate.platforms == self._generic.get(candidate.format):
            pattern = self._any_sniff.get(candidate.format)
            return pattern is not None and pattern.search(text) is not None
        return any(
            self._sniffs[(candidate.format, name)].search(text) is not None
            for name in candidate.platforms
            if (candidate.format, name) in self._sniffs
        )


def _builtin() -> Discovery:
    # Imported here: the adapters import this module for FileRule and Sniff.
    from ..platforms import BUILTIN_DISCOVERY

    return BUILTIN_DISCOVERY


def classify(path: PurePath, discovery: Discovery | None = None) -> Candidate | None:
    """Classify by name with ``discovery`` (default: the built-in platforms)."""
    return (discovery or _builtin()).classify(path)


def sniff(candidate: Candidate, text: str, discovery: Discovery | None = None) -> bool:
    """For a file with no telling name: does its text look like a deployment file?"""
    return (discovery or _builtin()).sniff(candidate, text)

"""pip requirements and constraints files, read the way pip reads them.

The file syntax (comments, ``\\`` continuations, ``-r``/``-c`` includes,
index and host options, ``--hash`` per requirement, ``-e``) is pip's own;
each requirement itself is parsed by ``packaging.requirements.Requirement``
(PEP 508), except the forms pip accepts beside PEP 508: a bare URL or path
(``git+https://...@rev#egg=name``, ``./vendor/pkg``).  A line packaging
cannot parse is a :class:`ParseError` at that line.

The data (one document per file)::

    {indexes: [{option, url}], trusted_hosts: [host], require_hashes: bool,
     no_index: bool, includes: [{option, path}],
     requirements: [{requirement, name, specifier, pinned, url, vcs,
                     revision, commit_pinned, hashes, markers, editable, local}]}

Every list entry and every key has its line in the line table.
"""

from __future__ import annotations

import shlex
from typing import Any
from urllib.parse import urlsplit

from packaging.requirements import InvalidRequirement, Requirement

from ..errors import ParseError

# Options that take a value and their long names; how pip spells them.
_VALUE_OPTIONS = {
    "-i": "--index-url", "--index-url": "--index-url",
    "--extra-index-url": "--extra-index-url",
    "-f": "--find-links", "--find-links": "--find-links",
    "--trusted-host": "--trusted-host",
    "-r": "--requirement", "--requirement": "--requirement",
    "-c": "--constraint", "--constraint": "--constraint",
    "-e": "--editable", "--editable": "--editable",
    "--no-binary": "--no-binary", "--only-binary": "--only-binary",
    "--use-feature": "--use-feature", "--config-settings": "--config-settings",
    "--global-option": "--global-option", "--hash": "--hash",
}
_FLAG_OPTIONS = frozenset({"--require-hashes", "--no-index", "--pre", "--prefer-binary"})
_INDEX_OPTIONS = frozenset({"--index-url", "--extra-index-url", "--find-links"})
_VCS = ("git", "hg", "svn", "bzr")
_HEX = frozenset("0123456789abcdef")


def parse_requirements(relpath: str, text: str) -> tuple[dict, dict[int, tuple[int, Any]]]:
    """The file's data and its line table (``id(node) -> (line, children)``)."""
    data: dict[str, Any] = {
        "indexes": [], "trusted_hosts": [], "require_hashes": False, "no_index": False, "includes": [], "requirements": [],
    }
    key_lines: dict[str, int] = {}
    list_lines: dict[str, list[int]] = {key: [] for key in ("indexes", "trusted_hosts", "includes", "requirements")}
    table: dict[int, tuple[int, Any]] = {}
    for number, line in _logical_lines(text):
        # As pip does: the requirement runs up to the first word that is an
        # option; only the options are split like a shell line.
        tokens = line.split()
        first = next((i for i, token in enumerate(tokens) if token.startswith("-")), len(tokens))
        try:
            words = shlex.split(" ".join(tokens[first:]), comments=False)
        except ValueError as exc:
            raise ParseError(relpath, number, f"cannot split the options: {exc}", "close the quote") from None
        options, rest = _options(relpath, number, words)
        if first:
            rest = [" ".join(tokens[:first])] + rest
        for option, value in options:
            if option in _INDEX_OPTIONS:
                _add(data, list_lines, key_lines, "indexes", {"option": option, "url": value}, number)
            elif option == "--trusted-host":
                _add(data, list_lines, key_lines, "trusted_hosts", value, number)
            elif option in ("--requirement", "--constraint"):
                _add(data, list_lines, key_lines, "includes", {"option": option, "path": value}, number)
            elif option in ("--require-hashes", "--no-index"):
                data[option[2:].replace("-", "_")] = True
                key_lines.setdefault(option[2:].replace("-", "_"), number)
        editable = next((value for option, value in options if option == "--editable"), None)
        hashes = [value for option, value in options if option == "--hash"]
        if editable is not None and rest:
            raise ParseError(relpath, number, "-e takes one project, found more after it", "put each requirement on its own line")
        target = editable if editable is not None else " ".join(rest) if rest else None
        if target is None:
            if hashes:
                raise ParseError(relpath, number, "--hash without a requirement", "put --hash after the requirement it checks")
            continue
        entry = requirement_entry(relpath, number, target, editable is not None, hashes)
        _add(data, list_lines, key_lines, "requirements", entry, number)
        table[id(entry)] = (number, {key: number for key in entry})
    table[id(data)] = (1, {key: key_lines.get(key, 1) for key in data})
    for key, lines in list_lines.items():
        table[id(data[key])] = (key_lines.get(key, 1), lines)
    for entry, line in zip(data["indexes"] + data["includes"], list_lines["indexes"] + list_lines["includes"]):
        table[id(entry)] = (line, {key: line for key in entry})
    return data, table


def _add(data: dict, list_lines: dict, key_lines: dict, key: str, value: Any, number: int) -> None:
    data[key].append(value)
    list_lines[key].append(number)
    key_lines.setdefault(key, number)


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """(first line number, text) per logical line: comments dropped, ``\\`` joined (pip's rules)."""
    found: list[tuple[int, str]] = []
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), start=1):
        # pip: a comment starts at the line's start or after whitespace.
        line = raw
        if line.lstrip().startswith("#"):
            line = ""
        else:
            cut = min((i for i in (line.find(" #"), line.find("\t#")) if i >= 0), default=-1)
            if cut >= 0:
                line = line[:cut]
        if not pending:
            start = number
        if line.endswith("\\"):
            pending.append(line[:-1])
            continue
        pending.append(line)
        joined = " ".join(part.strip() for part in pending).strip()
        pending = []
        if joined:
            found.append((start, joined))
    if pending and " ".join(pending).strip():
        found.append((start, " ".join(part.strip() for part in pending).strip()))
    return found


def _options(relpath: str, number: int, words: list[str]) -> tuple[list[tuple[str, Any]], list[str]]:
    """Split a line's words into (option, value) pairs and the requirement words."""
    options: list[tuple[str, Any]] = []
    rest: list[str] = []
    position = 0
    while position < len(words):
        word = words[position]
        name, equals, inline = word.partition("=") if word.startswith("--") else (word, "", "")
        if word.startswith("-") and len(word) > 2 and not word.startswith("--") and word[:2] in _VALUE_OPTIONS:
            name, inline, equals = word[:2], word[2:], "="  # -ihttps://... and -rbase.txt
        if name in _FLAG_OPTIONS:
            options.append((name, True))
        elif name in _VALUE_OPTIONS:
            if equals:
                value = inline
            elif position + 1 < len(words):
                position += 1
                value = words[position]
            else:
                raise ParseError(relpath, number, f"{name} needs a value", f"write {name} VALUE")
            options.append((_VALUE_OPTIONS[name], value))
        elif word.startswith("-"):
            raise ParseError(relpath, number, f"unknown option {name}", "use an option pip accepts in requirements files")
        else:
            rest.append(word)
        position += 1
    return options, rest


def requirement_entry(relpath: str, number: int, text: str, editable: bool, hashes: list[str]) -> dict[str, Any]:
    """One requirement: PEP 508 through packaging, or a bare URL or path as pip allows."""
    entry: dict[str, Any] = {
        "requirement": text, "name": None, "specifier": None, "pinned": False, "url": None, "vcs": None,
        "revision": None, "commit_pinned": None, "hashes": list(hashes), "markers": None, "editable": editable, "local": False,
    }
    if _is_location(text):
        location, _, markers = text.partition(";")
        entry["markers"] = markers.strip() or None
        _locate(entry, location.strip())
        return entry
    try:
        requirement = Requirement(text)
    except InvalidRequirement as exc:
        problem = str(exc).splitlines()[0]
        raise ParseError(relpath, number, f"not a valid requirement: {problem}", "write it as PEP 508 (name[extras] specifier ; markers), a URL or a path") from None
    entry["name"] = requirement.name
    entry["markers"] = str(requirement.marker) if requirement.marker else None
    if requirement.url:
        _locate(entry, requirement.url)
        entry["name"] = requirement.name
        return entry
    specifiers = list(requirement.specifier)
    entry["specifier"] = str(requirement.specifier) or None
    # One exact version: == without a wildcard (==1.2.* is a range), or ===.
    entry["pinned"] = len(specifiers) == 1 and specifiers[0].operator in ("==", "===") and not specifiers[0].version.endswith(".*")
    return entry


def _is_location(text: str) -> bool:
    """A bare URL or path (pip's other requirement forms), not ``name @ url``."""
    head = text.split(";", 1)[0].strip()
    return "://" in head.split("@", 1)[0] or head.startswith((".", "/", "~")) or head.split(":", 1)[0] in ("file",)


def _locate(entry: dict[str, Any], location: str) -> None:
    """Fill url, vcs, revision and hashes for a URL or a local path."""
    scheme = location.split("://", 1)[0] if "://" in location else ""
    if not scheme or scheme == "file":
        entry["local"] = True
        entry["pinned"] = True  # the code is in the repository (or the build's file system)
        entry["url"] = location
        return
    entry["url"] = location
    parts = urlsplit(location)
    fragment = dict(part.partition("=")[::2] for part in parts.fragment.split("&") if part)
    if entry["name"] is None and fragment.get("egg"):
        entry["name"] = fragment["egg"]
    vcs = scheme.split("+", 1)[0]
    if vcs in _VCS and "+" in scheme:
        entry["vcs"] = vcs
        path = parts.path
        revision = path.rsplit("@", 1)[1] if "@" in path else None
        entry["revision"] = revision
        entry["commit_pinned"] = revision is not None and len(revision) in (40, 64) and set(revision.lower()) <= _HEX
        entry["pinned"] = bool(entry["commit_pinned"])
        return
    for algorithm in ("sha256", "sha384", "sha512"):
        if algorithm in fragment:
            entry["hashes"].append(f"{algorithm}:{fragment[algorithm]}")
    entry["pinned"] = bool(entry["hashes"])

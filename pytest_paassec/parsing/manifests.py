"""go.mod and Gemfile: just enough to know which dependencies they declare.

Neither file is checked line by line; the controls ask whether its lock
(go.sum, Gemfile.lock) is beside it, so the parse lists the dependencies
with their lines and leaves the rest of each language alone.

    go.mod:  {module, go, requires: [{path, version, indirect}]}
    Gemfile: {sources: [url], gems: [{name, requirements: [text]}]}
"""

from __future__ import annotations

import shlex
from typing import Any

from ..errors import ParseError

LineTable = dict[int, tuple[int, Any]]


def parse_gomod(relpath: str, text: str) -> tuple[dict, LineTable]:
    data: dict[str, Any] = {"module": None, "go": None, "requires": []}
    lines: dict[str, int] = {}
    require_lines: list[int] = []
    table: LineTable = {}
    block: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split("//", 1)[0].strip()
        if not line:
            continue
        if block is not None:
            if line == ")":
                block = None
                continue
            verb, words = block, line.split()
        else:
            verb, _, rest = line.partition(" ")
            words = rest.split()
            if words == ["("]:
                block = verb
                continue
        if verb in ("module", "go") and words:
            data[verb] = words[0].strip('"')
            lines[verb] = number
        elif verb == "require":
            if len(words) < 2:
                raise ParseError(relpath, number, "a require needs a module path and a version", "write: require example.com/mod v1.2.3")
            entry = {"path": words[0].strip('"'), "version": words[1], "indirect": "indirect" in raw.split("//", 1)[-1]}
            data["requires"].append(entry)
            require_lines.append(number)
            table[id(entry)] = (number, {key: number for key in entry})
            lines.setdefault("requires", number)
    if block is not None:
        raise ParseError(relpath, len(text.splitlines()), f"the {block} ( block is not closed", "add the closing )")
    table[id(data)] = (1, lines)
    table[id(data["requires"])] = (lines.get("requires", 1), require_lines)
    return data, table


def parse_gemfile(relpath: str, text: str) -> tuple[dict, LineTable]:
    data: dict[str, Any] = {"sources": [], "gems": []}
    lines: dict[str, int] = {}
    gem_lines: list[int] = []
    table: LineTable = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        verb, _, rest = line.partition(" ")
        if verb not in ("gem", "source"):
            continue  # Ruby around the declarations (groups, conditions) is not ours to read
        try:
            words = [word.strip().rstrip(",") for word in shlex.split(rest.split(" do", 1)[0].replace(",", " , "), comments=True)]
        except ValueError:
            raise ParseError(relpath, number, f"cannot read the {verb} line", "close the quote") from None
        words = [word for word in words if word and word != ","]
        if not words:
            raise ParseError(relpath, number, f"{verb} without a name", f"write: {verb} \"...\"")
        if verb == "source":
            data["sources"].append(words[0])
            lines.setdefault("sources", number)
            continue
        # Versions are the plain strings after the name; options (require: false) are not.
        versions = [word for word in words[1:] if word[:1].isdigit() or word.startswith(("~>", ">", "<", "=", "!"))]
        entry = {"name": words[0], "requirements": versions}
        data["gems"].append(entry)
        gem_lines.append(number)
        table[id(entry)] = (number, {key: number for key in entry})
        lines.setdefault("gems", number)
    table[id(data)] = (1, lines)
    table[id(data["gems"])] = (lines.get("gems", 1), gem_lines)
    return data, table

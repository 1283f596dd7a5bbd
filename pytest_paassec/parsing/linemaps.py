"""Line maps for JSON and TOML, built only when a failure needs a line.

``json`` and ``tomllib`` give no positions.  These scanners walk the text a
second time, without building values, and record the line of every key and
array item by path.  They run only for files with a failing control.
"""

from __future__ import annotations

import bisect
import re
from json.decoder import scanstring
from typing import Any

PathLines = dict[tuple, int]

_WS = re.compile(r"[ \t\r\n]*")
_SCALAR = re.compile(r"-?[0-9][0-9eE.+-]*|true|false|null")


class _JsonScanner:
    """Walks JSON text without building values, reporting keys and values by
    path and position.  Used for line maps and for duplicate keys."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.newlines = [m.start() for m in re.finditer("\n", text)]

    def where(self, pos: int) -> tuple[int, int]:
        """(line, column), both 1-based."""
        line = bisect.bisect_right(self.newlines, pos - 1)
        start = self.newlines[line - 1] + 1 if line else 0
        return line + 1, pos - start + 1

    def skip(self, pos: int) -> int:
        return _WS.match(self.text, pos).end()  # type: ignore[union-attr]

    def on_value(self, path: tuple, pos: int) -> None:
        """Called where each value starts."""

    def on_key(self, path: tuple, key: str, pos: int, seen: dict[str, int]) -> None:
        """Called for each key of an object; ``seen`` maps earlier keys to positions."""

    def scan(self) -> None:
        try:
            self._value(0, ())
        except (ValueError, IndexError, RecursionError):
            pass  # the document was already parsed by json; keep what we have

    def _value(self, pos: int, path: tuple) -> int:
        text = self.text
        pos = self.skip(pos)
        self.on_value(path, pos)
        char = text[pos : pos + 1]
        if char == "{":
            pos = self.skip(pos + 1)
            if text.startswith("}", pos):
                return pos + 1
            seen: dict[str, int] = {}
            while True:
                pos = self.skip(pos)
                key_pos = pos
                key, pos = scanstring(text, pos + 1)
                self.on_key(path, key, key_pos, seen)
                seen.setdefault(key, key_pos)
                pos = self.skip(pos)
                pos = self.skip(self._value(pos + 1, path + (key,)))  # past ':'
                if text.startswith(",", pos):
                    pos = self.skip(pos + 1)
                    if text.startswith("}", pos):  # a trailing comma
                        return pos + 1
                    continue
                return pos + 1  # '}'
        if char == "[":
            pos = self.skip(pos + 1)
            if text.startswith("]", pos):
                return pos + 1
            index = 0
            while True:
                pos = self.skip(self._value(pos, path + (index,)))
                index += 1
                if text.startswith(",", pos):
                    pos = self.skip(pos + 1)
                    if text.startswith("]", pos):
                        return pos + 1
                    continue
                return pos + 1  # ']'
        if char == '"':
            return scanstring(text, pos + 1)[1]
        match = _SCALAR.match(text, pos)
        if match is None:
            raise ValueError(f"unexpected character at offset {pos}")
        return match.end()


class _LineMapper(_JsonScanner):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.lines: PathLines = {}

    def on_value(self, path: tuple, pos: int) -> None:
        self.lines.setdefault(path, self.where(pos)[0])

    def on_key(self, path: tuple, key: str, pos: int, seen: dict[str, int]) -> None:
        self.lines[path + (key,)] = self.where(pos)[0]


class _DuplicateFinder(_JsonScanner):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.found: list[Any] = []

    def on_key(self, path: tuple, key: str, pos: int, seen: dict[str, int]) -> None:
        if key in seen:
            from .yamlload import DuplicateKey

            line, column = self.where(pos)
            self.found.append(DuplicateKey(key, line, column, self.where(seen[key])[0]))


def json_path_lines(text: str) -> PathLines:
    """Map every path in a JSON document to the line where its value starts."""
    mapper = _LineMapper(text)
    mapper.scan()
    return mapper.lines


def json_duplicate_keys(text: str) -> list[Any]:
    """Keys given twice in one JSON object, located at the second."""
    finder = _DuplicateFinder(text)
    finder.scan()
    return finder.found


_TOML_TABLE = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_TOML_KEY = re.compile(r"^\s*([A-Za-z0-9_\-\"'. ]+?)\s*=")


def _toml_key_parts(raw: str) -> tuple[str, ...]:
    parts = []
    for part in re.findall(r'"[^"]*"|\'[^\']*\'|[^.]+', raw):
        parts.append(part.strip().strip("\"'"))
    return tuple(p for p in parts if p)


def toml_path_lines(text: str) -> PathLines:
    """Map TOML table headers and keys to lines, counting arrays of tables."""
    lines: PathLines = {}
    array_counts: dict[tuple, int] = {}
    table: tuple = ()
    for number, raw in enumerate(text.splitlines(), start=1):
        header = _TOML_TABLE.match(raw)
        if header:
            parts = _toml_key_parts(header.group(2))
            # Resolve each prefix that is an array of tables to its last item.
            resolved: tuple = ()
            for i, part in enumerate(parts):
                resolved += (part,)
                is_last = i == len(parts) - 1
                if header.group(1) == "[[" and is_last:
                    count = array_counts.get(resolved, 0)
                    array_counts[resolved] = count + 1
                    lines.setdefault(resolved, number)
                    resolved += (count,)
                elif resolved in array_counts:
                    lines.setdefault(resolved, number)
                    resolved += (array_counts[resolved] - 1,)
            table = resolved
            lines.setdefault(table, number)
            continue
        key = _TOML_KEY.match(raw)
        if key and not raw.lstrip().startswith("#"):
            lines.setdefault(table + _toml_key_parts(key.group(1)), number)
    return lines


def line_in_paths(lines: PathLines, path: tuple, default: int) -> int:
    """Line of the longest prefix of ``path`` present in ``lines``."""
    for end in range(len(path), -1, -1):
        found = lines.get(path[:end])
        if found is not None:
            return found
    return default

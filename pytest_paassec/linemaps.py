"""Line maps for JSON and TOML, built only when a failure needs a line.

``json`` and ``tomllib`` give no positions.  These scanners walk the text a
second time, without building values, and record the line of every key and
array item by path.  They run only for files with a failing control.
"""

from __future__ import annotations

import bisect
import re
from json.decoder import scanstring

PathLines = dict[tuple, int]

_WS = re.compile(r"[ \t\r\n]*")
_SCALAR = re.compile(r"-?[0-9][0-9eE.+-]*|true|false|null")


def json_path_lines(text: str) -> PathLines:
    """Map every path in a JSON document to the line where its value starts."""
    newlines = [m.start() for m in re.finditer("\n", text)]
    lines: PathLines = {}

    def line_at(pos: int) -> int:
        return bisect.bisect_right(newlines, pos - 1) + 1

    def skip(pos: int) -> int:
        return _WS.match(text, pos).end()  # type: ignore[union-attr]

    def value(pos: int, path: tuple) -> int:
        pos = skip(pos)
        lines.setdefault(path, line_at(pos))
        char = text[pos : pos + 1]
        if char == "{":
            pos = skip(pos + 1)
            if text.startswith("}", pos):
                return pos + 1
            while True:
                pos = skip(pos)
                key_line = line_at(pos)
                key, pos = scanstring(text, pos + 1)
                lines[path + (key,)] = key_line
                pos = skip(pos)
                pos = value(pos + 1, path + (key,))  # past ':'
                pos = skip(pos)
                if text.startswith(",", pos):
                    pos += 1
                    continue
                return pos + 1  # '}'
        if char == "[":
            pos = skip(pos + 1)
            if text.startswith("]", pos):
                return pos + 1
            index = 0
            while True:
                pos = value(pos, path + (index,))
                pos = skip(pos)
                index += 1
                if text.startswith(",", pos):
                    pos += 1
                    continue
                return pos + 1  # ']'
        if char == '"':
            return scanstring(text, pos + 1)[1]
        match = _SCALAR.match(text, pos)
        if match is None:
            raise ValueError(f"unexpected character at offset {pos}")
        return match.end()

    try:
        value(0, ())
    except (ValueError, IndexError, RecursionError):
        pass  # the document was already parsed by json; keep what we have
    return lines


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

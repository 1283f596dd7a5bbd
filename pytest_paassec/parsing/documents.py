"""Parse a deployment file once into Documents that can say where a field is.

Everything here is plain Python (no pytest), so it is unit-tested directly.
Errors are :class:`ParseError` with file, line and column and never quote
the offending line: it might hold a secret.
"""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..errors import ParseError
from .dockerfile import DockerfileError, parse_dockerfile
from .linemaps import PathLines, json_path_lines, line_in_paths, toml_path_lines
from .manifests import parse_gemfile, parse_gomod
from .requirements import parse_requirements
from .yamlload import DuplicateKey, LineLoader, LineTable, expanded_size, line_in_table

FORMATS = ("yaml", "json", "toml", "dockerfile", "procfile", "requirements", "gomod", "gemfile")

# A file whose aliases would expand past this many nodes is a YAML bomb.
MAX_EXPANDED_NODES = 1_000_000


@dataclass(eq=False)
class Document:
    """One document of a file: the parsed data and where it came from."""

    file: ParsedFile
    index: int
    data: Any
    start_line: int

    @property
    def path(self) -> str:
        return self.file.relpath

    @property
    def format(self) -> str:
        return self.file.format

    def line_of(self, path: tuple = ()) -> int:
        """Line (1-based) of the deepest known part of a path into ``data``."""
        return self.file.line_of(self, path)


@dataclass(eq=False)
class ParsedFile:
    """A file read once: its documents and the means to locate fields in them."""

    relpath: str
    format: str
    text: str
    documents: list[Document] = field(default_factory=list)
    duplicates: list[DuplicateKey] = field(default_factory=list)
    # Set when parsing stopped part-way; the documents before it are kept.
    error: ParseError | None = None
    # The repository root the file was read under (None: text without a
    # work tree): adapters that follow references to other files (compose's
    # override, extends and env_file) resolve them inside it.
    root: Path | None = None
    # Compose merge tags by mapping id (yamlload.LineLoader.tags).
    tags: dict[int, dict[Any, str]] = field(default_factory=dict)
    _table: LineTable | None = None
    _path_lines: dict[int, PathLines] = field(default_factory=dict)

    def line_of(self, document: Document, path: tuple) -> int:
        if self._table is not None:
            return line_in_table(self._table, document.data, document.start_line, path)
        lines = self._path_lines.get(document.index)
        if lines is None:
            lines = (
                toml_path_lines(self.text)
                if self.format == "toml"
                else json_path_lines(self.text)
            )
            self._path_lines[document.index] = lines
        return line_in_paths(lines, path, document.start_line)


def read_text(path: Path, relpath: str, max_size: int) -> str:
    """Read a file as UTF-8 text (BOM allowed) within the size limit."""
    try:
        _check_size(path.stat().st_size, relpath, max_size)
        raw = path.read_bytes()
    except OSError as exc:
        raise ParseError(relpath, None, f"cannot read file: {exc.strerror or exc}", _os_hint(path, exc)) from None
    return decode_text(raw, relpath, max_size)


def decode_text(raw: bytes, relpath: str, max_size: int) -> str:
    """Decode file contents as UTF-8 text (BOM allowed) within the size limit."""
    _check_size(len(raw), relpath, max_size)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ParseError(relpath, None, "file is UTF-16, not UTF-8", "save the file as UTF-8")
    if b"\0" in raw[:8192]:
        raise ParseError(relpath, None, "binary file (contains NUL bytes)", "deployment files must be text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ParseError(
            relpath, line, f"not valid UTF-8 (byte 0x{raw[exc.start]:02x})", "save the file as UTF-8", column=column
        ) from None


def _check_size(size: int, relpath: str, max_size: int) -> None:
    if size > max_size:
        raise ParseError(
            relpath,
            None,
            f"file is {size} bytes, over the paassec_max_file_size limit of {max_size}",
            "raise paassec_max_file_size or exclude the file with paassec_exclude",
        )


def _os_hint(path: Path, exc: OSError) -> str:
    import errno

    if exc.errno == errno.ELOOP:
        return "the symbolic link loops; point it at a real file or delete it"
    if exc.errno == errno.ENOENT and path.is_symlink():
        return "the symbolic link is dangling; point it at a real file or delete it"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "check the file's permissions, or exclude it with paassec_exclude"
    return "check the file, or exclude it with paassec_exclude"


def parse_text(relpath: str, fmt: str, text: str) -> ParsedFile:
    """Parse ``text`` in format ``fmt``; a syntax error is kept on the result."""
    parsed = ParsedFile(relpath=relpath, format=fmt, text=text)
    try:
        _PARSERS[fmt](parsed)
    except ParseError as exc:
        parsed.error = exc
    except RecursionError:
        parsed.error = ParseError(relpath, _deep_line(text), "nesting is too deep to read", "flatten the document")
    return parsed


def _deep_line(text: str, limit: int = 200) -> int:
    """The line where brackets first nest deeper than ``limit`` (else 1)."""
    depth, line = 0, 1
    for char in text:
        if char == "\n":
            line += 1
        elif char in "[{":
            depth += 1
            if depth > limit:
                return line
        elif char in "]}":
            depth -= 1
    return 1


def _parse_yaml(parsed: ParsedFile) -> None:
    text = parsed.text
    loader = LineLoader(text)
    starts = _document_start_lines(text)
    try:
        index = 0
        while loader.check_data():
            data = loader.get_data()
            if data is None:  # an empty document between separators
                index += 1
                continue
            start = starts[index] if index < len(starts) else 1
            parsed.documents.append(Document(parsed, index, data, start))
            index += 1
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if exc.context_mark is not None and mark is not None and mark.index >= len(text.rstrip()):
            mark = exc.context_mark  # the end of the file says nothing: point where it began
        problem = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            problem = f"{exc.problem} ({exc.context})"
        hint = _yaml_hint(text)
        if mark is not None and text[mark.index : mark.index + 1] == "\t":
            problem = f"a tab: {problem}"
            hint = "indent with spaces: YAML does not allow tabs for indentation"
        raise ParseError(
            parsed.relpath,
            mark.line + 1 if mark else None,
            problem,
            hint,
            column=mark.column + 1 if mark else None,
        ) from None
    except yaml.YAMLError as exc:
        raise ParseError(parsed.relpath, None, f"invalid YAML: {exc}") from None
    finally:
        parsed._table = loader.lines
        parsed.duplicates = loader.duplicates
        parsed.tags = loader.tags
        loader.dispose()
    if "*" in text and "&" in text:
        for position, document in enumerate(parsed.documents):
            try:
                size = expanded_size(document.data, MAX_EXPANDED_NODES)
            except RecursionError:
                del parsed.documents[position:]
                raise ParseError(
                    parsed.relpath,
                    document.start_line,
                    "recursive alias: an anchor's node contains an alias to itself",
                    "replace the alias with the values it stands for",
                ) from None
            if size > MAX_EXPANDED_NODES:
                del parsed.documents[position:]
                raise ParseError(
                    parsed.relpath,
                    document.start_line,
                    f"YAML aliases expand to more than {MAX_EXPANDED_NODES} nodes (a YAML bomb)",
                    "remove the nested aliases",
                )


def _yaml_hint(text: str) -> str:
    if "{{" in text and "}}" in text:
        return "this looks like a Helm or Jinja template; render it first (helm template) and scan the output"
    return "fix the YAML syntax"


def _document_start_lines(text: str) -> list[int]:
    """First line of each YAML document, from the ``---`` separators."""
    starts: list[int] = []
    first_content: int | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        if line.startswith("---"):
            starts.append(number)
        elif first_content is None and line.strip() and not line.lstrip().startswith("#"):
            first_content = number
            if not starts:
                starts.append(number)
    if first_content is not None and starts and starts[0] > first_content:
        starts.insert(0, first_content)
    return starts or [1]


def _parse_json(parsed: ParsedFile) -> None:
    try:
        data = json.loads(parsed.text)
    except json.JSONDecodeError as exc:
        # ARM templates and other tools accept comments and trailing commas.
        relaxed = relax_json(parsed.text)
        try:
            data = json.loads(relaxed)
        except json.JSONDecodeError:
            message = exc.msg[: -len(" at")] if exc.msg.endswith(" at") else exc.msg
            raise ParseError(
                parsed.relpath, exc.lineno, message, "fix the JSON syntax", column=exc.colno
            ) from None
        parsed.text = relaxed
    if _json_has_duplicates(parsed.text):
        from .linemaps import json_duplicate_keys

        parsed.duplicates = json_duplicate_keys(parsed.text)
    parsed.documents.append(Document(parsed, 0, data, 1))


def _json_has_duplicates(text: str) -> bool:
    seen: list[bool] = []

    def hook(pairs: list) -> dict:
        keys = [k for k, _ in pairs]
        if len(set(keys)) != len(keys):
            seen.append(True)
        return dict(pairs)

    try:
        json.loads(text, object_pairs_hook=hook)
    except (ValueError, RecursionError):
        return False
    return bool(seen)


_JSON_RELAX = re.compile(r'"(?:[^"\\\n]|\\.)*"|//[^\n]*|/\*.*?\*/|,(?=\s*[}\]])', re.DOTALL)


def relax_json(text: str) -> str:
    """Blank out comments and trailing commas, keeping every line where it was."""

    def blank(match: re.Match[str]) -> str:
        token = match.group(0)
        if token.startswith('"'):
            return token
        return re.sub(r"[^\n]", " ", token)

    return _JSON_RELAX.sub(blank, text)


def _parse_toml(parsed: ParsedFile) -> None:
    try:
        data = tomllib.loads(parsed.text)
    except tomllib.TOMLDecodeError as exc:
        # tomllib puts "(at line L, column C)" in its message.
        message = str(exc)
        line = column = None
        if "(at line " in message:
            message, _, where = message.partition(" (at line ")
            line_text, _, column_text = where.rstrip(")").partition(", column ")
            line, column = int(line_text), int(column_text)
        raise ParseError(parsed.relpath, line, message, "fix the TOML syntax", column=column) from None
    parsed.documents.append(Document(parsed, 0, data, 1))


def _parse_dockerfile(parsed: ParsedFile) -> None:
    try:
        data, table = parse_dockerfile(parsed.text)
    except DockerfileError as exc:
        raise ParseError(parsed.relpath, exc.line, exc.problem, "fix the Dockerfile") from None
    parsed._table = table
    parsed.documents.append(Document(parsed, 0, data, 1))


def _parse_procfile(parsed: ParsedFile) -> None:
    processes: dict[str, str] = {}
    lines: dict[str, int] = {}
    for number, line in enumerate(parsed.text.splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        name, sep, command = line.partition(":")
        if not sep or not name.strip() or " " in name.strip():
            raise ParseError(parsed.relpath, number, "expected 'process: command'", "fix the Procfile line")
        processes[name.strip()] = command.strip()
        lines[name.strip()] = number
    data = {"processes": processes}
    parsed._table = {id(data): (1, {"processes": 1}), id(processes): (1, lines)}
    parsed.documents.append(Document(parsed, 0, data, 1))


def _line_format(parse: Any) -> Any:
    """A line format (requirements, go.mod, Gemfile): one document with its line table."""

    def parse_file(parsed: ParsedFile) -> None:
        data, table = parse(parsed.relpath, parsed.text)
        parsed._table = table
        parsed.documents.append(Document(parsed, 0, data, 1))

    return parse_file


_PARSERS = {
    "yaml": _parse_yaml,
    "json": _parse_json,
    "toml": _parse_toml,
    "dockerfile": _parse_dockerfile,
    "procfile": _parse_procfile,
    "requirements": _line_format(parse_requirements),
    "gomod": _line_format(parse_gomod),
    "gemfile": _line_format(parse_gemfile),
}

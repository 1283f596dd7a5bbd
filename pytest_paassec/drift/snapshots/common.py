"""What every snapshot reader shares: the parsed snapshot, parts, secrets.

A snapshot file is parsed once with the project's own parser (so every
object knows its line); a reader either recognises it (and converts it) or
returns ``None``.  Exports that carry no identity of their own (Heroku's
config map, Azure's app settings, Render's env vars) become :class:`Part`
objects keyed by a name taken from the file name, which the package joins
with their companions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

from ...errors import LocatedError
from ...masking import is_reference, is_sensitive
from ...parsing.documents import Document, ParsedFile, parse_text
from ..live import LiveDocument, Secret


class SnapshotError(LocatedError):
    """A live-state snapshot that is malformed or that no reader recognises."""


@dataclass
class Snapshot:
    """One snapshot file, parsed: its documents and where each part lies."""

    relpath: str
    parsed: ParsedFile

    @property
    def documents(self) -> list[Document]:
        return self.parsed.documents

    @property
    def name(self) -> str:
        return self.relpath.replace("\\", "/").rsplit("/", 1)[-1]

    def line(self, path: tuple = (), index: int = 0) -> int:
        return self.documents[index].line_of(path)

    def error(self, problem: str, hint: str = "", path: tuple = (), index: int = 0) -> SnapshotError:
        return SnapshotError(self.relpath, self.line(path, index), problem, hint)


@dataclass
class Part:
    """One piece of an export split over several files (Heroku, Azure, Render).

    ``key`` is the identity the pieces share (app, site or service id);
    ``role`` says which piece it is.
    """

    platform: str
    key: str
    role: str
    data: Any
    source: str
    line: int


Reading = list["LiveDocument | Part"]
Reader = Callable[[Snapshot], "Reading | None"]


def parse_snapshot(relpath: str, text: str) -> Snapshot:
    """Parse a CLI export: JSON when it looks like JSON, else YAML."""
    fmt = "json" if text.lstrip()[:1] in ("{", "[") else "yaml"
    parsed = parse_text(relpath, fmt, text)
    if parsed.error is not None:
        err = parsed.error
        raise SnapshotError(relpath, err.line, err.problem, err.hint, column=err.column)
    if not parsed.documents:
        raise SnapshotError(relpath, 1, "the snapshot is empty", "export the live state again (docs/live-state.md)")
    return Snapshot(relpath, parsed)


def conceal(name: Any, value: Any) -> Any:
    """A value that may be a secret, as a :class:`Secret`; others as they are."""
    if isinstance(value, str) and value and not is_reference(value) and is_sensitive(name, value):
        return Secret.of(value)
    return value


def conceal_all(value: Any) -> Any:
    """Every scalar of a secret store (a Kubernetes Secret's data) as a Secret."""
    return Secret.of(value) if value is not None else None


def conceal_map(values: Any) -> Any:
    """A ``{name: value}`` map with each possibly secret value concealed."""
    if not isinstance(values, dict):
        return values
    return {key: conceal(key, value) for key, value in values.items()}


def conceal_list(items: Any, name_key: str, value_key: str) -> Any:
    """A ``[{name, value}]`` list with each possibly secret value concealed."""
    if not isinstance(items, list):
        return items
    for item in items:
        if isinstance(item, dict) and value_key in item:
            item[value_key] = conceal(item.get(name_key), item[value_key])
    return items


def key_from_name(snapshot: Snapshot, suffix: str, what: str) -> str:
    """The identity a file name carries: ``<key><suffix>`` (``web.heroku-config.json``)."""
    match = re.fullmatch(r"(?P<key>.+?)" + re.escape(suffix), snapshot.name)
    if match is None:
        raise snapshot.error(
            f"{what} carries no identity of its own",
            f"name the file <name>{suffix} (docs/live-state.md)",
        )
    return match.group("key")


def drop_none(data: dict) -> dict:
    """A mapping without its null values (the CLIs print every unset field)."""
    return {key: value for key, value in data.items() if value is not None}

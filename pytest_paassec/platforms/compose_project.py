"""Compose projects: the files ``docker compose`` reads together, merged.

A compose file rarely stands alone.  ``docker compose`` reads, in a folder,
the first of ``compose.yaml``, ``compose.yml``, ``docker-compose.yml``,
``docker-compose.yaml`` (the *base*) and then the first of
``compose.override.yml``, ``compose.override.yaml``,
``docker-compose.override.yml``, ``docker-compose.override.yaml`` (the
*override*); a service may ``extends`` a service of the same or another
file; ``env_file`` adds the variables of ``.env``-style files.  This module
builds each service as Compose runs it:

1. per file, ``extends`` is resolved (recursively, the extending service
   merged over the extended one);
2. the override is merged over the base, service by service, and the
   top-level ``volumes`` likewise;
3. the ``env_file`` entries (relative to the file that names them; a string
   or ``{path, required}``) add their variables under ``environment``,
   which wins over them; a later env file wins over an earlier one.

Merge rules (the Compose specification's "merge" page): mappings merge key
by key; ``environment``, ``labels``, ``annotations``, ``sysctls``,
``extra_hosts`` merge by variable name (list form ``K=V`` included);
``ports`` append, unique by value; ``volumes``, ``secrets``, ``configs``
append, unique by target (entries at the same target merge, a short-syntax
one replaces); other sequences append, duplicates removed; ``command``,
``entrypoint``, ``healthcheck.test`` and scalars are replaced.

**Source map.**  Every value of a merged service keeps its origin: the
document (or env file) it was written in and its path there.  Values are
wrapped in :class:`Node` (value, origin) while merging; :func:`flatten`
turns the result into plain data plus ``origins`` (a dict from a path in the
merged service to that origin), and ``ComposeService.locate`` answers a
violation's file and line from the longest matching path.  So a privilege
added by ``compose.override.yaml`` is reported at the override's line and a
``PASSWORD=...`` line of ``app.env`` at that line of ``app.env``.

**What yields items.**  The merged services belong to the base file (item
ids as before: ``compose.yaml::XP-PRIV-002[service/web]``, a service only
the override declares included).  The override file yields one resource,
``override-of/<base>``, which no control applies to: its
``PAASSEC-COVERAGE`` item says where its settings are checked.  An override
whose folder has no base file is checked on its own, as any compose file.
A file with neither override, ``extends`` nor ``env_file`` gives exactly
the resources it gave before.

**References.**  A reference that cannot be followed (a missing extends
file or service, a cycle, an env file that is not there, a path that leaves
the repository or is absolute) is kept as a :class:`Problem` at the file
and line of the reference; the ``references`` subject lists them, and
COMPOSE-REF-001/002 fail on them.  Nothing outside the repository root is
read.

Sibling files are read from the work tree when the base file is collected
(every xdist worker collects every file, so each builds the same project);
each file is read once per project, in a fixed order.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ParseError
from ..parsing.documents import Document, parse_text, read_text

BASE_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml")
OVERRIDE_NAMES = ("compose.override.yml", "compose.override.yaml", "docker-compose.override.yml", "docker-compose.override.yaml")
OVERRIDE_KIND = "override-of"

# Referenced files larger than this are not read (a compose file or an env file is small).
MAX_REFERENCED_SIZE = 1024 * 1024
MAX_EXTENDS_DEPTH = 16

_BY_NAME = frozenset({"environment", "labels", "annotations", "sysctls", "extra_hosts"})
_BY_TARGET = frozenset({"volumes", "secrets", "configs"})
_REPLACED = frozenset({"command", "entrypoint"})
NO_FILE = "no such file in the repository"


@dataclass(frozen=True)
class EnvFile:
    """An env file, located like a Document: ``line_of((NAME,))``."""

    path: str
    lines: dict[str, int]

    def line_of(self, path: tuple = ()) -> int:
        return self.lines.get(path[0], 1) if path else 1


Origin = tuple[Any, tuple]  # (Document or EnvFile, path in it)


@dataclass(frozen=True)
class Reference:
    """An ``extends`` or ``env_file`` reference, and why it cannot be followed (if it cannot)."""

    reference: str  # "extends" or "env_file"
    target: str
    problem: str | None
    origin: Origin  # where the reference is written
    missing: bool = False  # the file is simply not in the repository


class Node:
    """A value while merging: plain scalars, or dict/list of Nodes, with its
    origin and its merge tag (``!reset``, ``!override``) if it has one."""

    __slots__ = ("value", "origin", "tag")

    def __init__(self, value: Any, origin: Origin, tag: str | None = None) -> None:
        self.value = value
        self.origin = origin
        self.tag = tag


def wrap(document: Document, value: Any, path: tuple, tag: str | None = None) -> Node:
    if isinstance(value, dict):
        tags = document.file.tags.get(id(value), {})
        return Node({k: wrap(document, v, path + (k,), tags.get(k)) for k, v in value.items()}, (document, path), tag)
    if isinstance(value, list):
        return Node([wrap(document, v, path + (i,)) for i, v in enumerate(value)], (document, path), tag)
    return Node(value, (document, path), tag)


def flatten(node: Node, path: tuple = (), origins: dict | None = None) -> tuple[Any, dict]:
    """Plain data and the origin of every path in it."""
    origins = {} if origins is None else origins
    origins[path] = node.origin
    value = node.value
    if isinstance(value, dict):
        # A !reset left after merging (nothing before it to reset) is dropped too.
        return {k: flatten(v, path + (k,), origins)[0] for k, v in value.items() if v.tag != "!reset"}, origins
    if isinstance(value, list):
        return [flatten(v, path + (i,), origins)[0] for i, v in enumerate(value)], origins
    return value, origins


def locate(origins: dict, relative: tuple) -> tuple[str, int] | None:
    """File and line of a path into merged data: its longest recorded prefix."""
    for cut in range(len(relative), -1, -1):
        origin = origins.get(relative[:cut])
        if origin is not None:
            source, at = origin
            return source.path, source.line_of(at + relative[cut:])
    return None


# --- merging -----------------------------------------------------------------


def _plain(node: Node) -> Any:
    return flatten(node)[0]


def _as_mapping(node: Node) -> Node:
    """``environment``-style lists (``K=V``, bare ``K``) as a mapping by name."""
    if not isinstance(node.value, list):
        return node
    found: dict[Any, Node] = {}
    for item in node.value:
        if isinstance(item.value, str):
            name, sep, value = item.value.partition("=")
            found[name.strip()] = Node(value if sep else None, item.origin)
    return Node(found, node.origin)


def _target(item: Node) -> Any:
    """The uniqueness key of a volume, secret or config entry: its target."""
    value = item.value
    if isinstance(value, dict) and value.get("target", value.get("source")) is not None:
        return repr(_plain(value.get("target", value.get("source"))))
    if isinstance(value, str):
        parts = value.split(":")
        if len(parts) > 2 and len(parts[0]) == 1 and parts[1][:1] in ("\\", "/"):
            parts = [parts[0] + ":" + parts[1], *parts[2:]]  # a Windows drive letter
        return repr(parts[1] if len(parts) > 1 else parts[0])
    return repr(_plain(item))


def _append(base: Node, over: Node, key: Any) -> Node:
    items = list(base.value)
    if key in _BY_TARGET:
        positions = {_target(item): index for index, item in enumerate(items)}
        for item in over.value:
            target = _target(item)
            if target in positions:
                # Same target: entries merge (long syntax), else the later wins.
                items[positions[target]] = merge(items[positions[target]], item)
            else:
                positions[target] = len(items)
                items.append(item)
    else:
        seen = {repr(_plain(item)) for item in items}
        for item in over.value:
            if repr(_plain(item)) not in seen:
                seen.add(repr(_plain(item)))
                items.append(item)
    return Node(items, base.origin)


def merge(base: Node, over: Node, key: Any = None, origin: Origin | None = None) -> Node:
    """``over`` merged onto ``base`` by the Compose rules; the result's own
    origin is ``origin`` (default: the base's)."""
    if key in _REPLACED or key == "test":
        return over
    if key in _BY_NAME:
        base, over = _as_mapping(base), _as_mapping(over)
    if key == "build":
        base, over = (Node({"context": Node(n.value, n.origin)}, n.origin) if isinstance(n.value, str) else n for n in (base, over))
    if isinstance(base.value, dict) and isinstance(over.value, dict):
        merged = dict(base.value)
        for name, node in over.value.items():
            if node.tag == "!reset":
                merged.pop(name, None)
            elif node.tag == "!override" or name not in merged:
                merged[name] = node
            else:
                merged[name] = merge(merged[name], node, name)
        return Node(merged, origin or base.origin)
    if isinstance(base.value, list) and isinstance(over.value, list):
        return _append(base, over, key)
    return over


# --- reading referenced files ---------------------------------------------------


def inside(root: Path, folder: str, target: Any) -> tuple[str | None, str | None]:
    """(relpath, None) for a path inside the repository, else (None, why)."""
    if not isinstance(target, str) or not target.strip():
        return None, "not a file path"
    text = target.strip()
    if "$" in text:
        return None, "set by a variable at deploy time; cannot be read"
    if text.startswith(("/", "\\", "~")) or (len(text) > 1 and text[1] == ":"):
        return None, "an absolute path, outside the repository; not read"
    relpath = posixpath.normpath(posixpath.join(folder, text.replace("\\", "/")))
    if relpath == ".." or relpath.startswith("../"):
        return None, "outside the repository; not read"
    try:
        (root / relpath).resolve().relative_to(root.resolve())
    except (ValueError, OSError, RuntimeError):
        return None, "a link that leaves the repository; not read"
    return relpath, None


@dataclass
class Reader:
    """Files of one project, each read once."""

    root: Path
    first: Document
    documents: dict[str, Document | str] = field(default_factory=dict)
    env_files: dict[str, EnvFile | str] = field(default_factory=dict)
    env_values: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.documents[self.first.path] = self.first

    def document(self, relpath: str) -> Document | str:
        """The file's compose document, or why it cannot be had."""
        if relpath not in self.documents:
            self.documents[relpath] = self._read_document(relpath)
        return self.documents[relpath]

    def _read_document(self, relpath: str) -> Document | str:
        path = self.root / relpath
        if not path.is_file():
            return NO_FILE
        try:
            parsed = parse_text(relpath, "yaml", read_text(path, relpath, MAX_REFERENCED_SIZE))
        except ParseError as error:
            return error.problem
        if parsed.error is not None or not parsed.documents or not isinstance(parsed.documents[0].data, dict):
            return f"cannot be read as a compose file ({parsed.error.problem if parsed.error else 'empty'})"
        parsed.root = self.root
        return parsed.documents[0]

    def env_file(self, relpath: str) -> tuple[EnvFile | str, dict[str, Any]]:
        if relpath not in self.env_files:
            self.env_files[relpath], self.env_values[relpath] = self._read_env(relpath)
        return self.env_files[relpath], self.env_values[relpath]

    def _read_env(self, relpath: str) -> tuple[EnvFile | str, dict[str, Any]]:
        path = self.root / relpath
        if not path.is_file():
            return NO_FILE, {}
        try:
            text = read_text(path, relpath, MAX_REFERENCED_SIZE)
        except ParseError as error:
            return error.problem, {}
        lines, values = parse_env(text)
        return EnvFile(relpath, lines), values


def parse_env(text: str) -> tuple[dict[str, int], dict[str, Any]]:
    """``NAME=value`` lines as Compose reads them (``export``, quotes and
    ``#`` comments allowed); a bare ``NAME`` takes the shell's value (None)."""
    lines: dict[str, int] = {}
    values: dict[str, Any] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[len("export "):].lstrip()
        name, sep, value = line.partition("=")
        name = name.strip()
        if not name or " " in name:
            continue
        value = value.strip()
        if value[:1] in ("'", '"') and value[:1] in value[1:]:
            value = value[1 : value.index(value[0], 1)]
        elif " #" in value:
            value = value[: value.index(" #")].rstrip()
        lines[name], values[name] = number, (value if sep else None)
    return lines, values


# --- projects ----------------------------------------------------------------


def _folder(relpath: str) -> str:
    return posixpath.dirname(relpath)


def _first_existing(root: Path, folder: str, names: tuple[str, ...]) -> str | None:
    for name in names:
        if (root / folder / name).is_file():
            return posixpath.join(folder, name) if folder else name
    return None


def role(document: Document) -> tuple[str, str | None]:
    """("base", override relpath or None), ("override", base relpath) or ("alone", None)."""
    root = document.file.root
    if root is None or document.index != 0:
        return "alone", None
    relpath = document.path
    folder, name = _folder(relpath), posixpath.basename(relpath)
    if name in BASE_NAMES and _first_existing(root, folder, BASE_NAMES) == relpath:
        return "base", _first_existing(root, folder, OVERRIDE_NAMES)
    if name in OVERRIDE_NAMES and _first_existing(root, folder, OVERRIDE_NAMES) == relpath:
        base = _first_existing(root, folder, BASE_NAMES)
        if base is not None:
            return "override", base
    return "alone", None


def _services(document: Document) -> tuple[dict, tuple]:
    data = document.data
    if isinstance(data.get("services"), dict):
        return data["services"], ("services",)
    return data, ()  # the version 1 format


def needs_project(document: Document, override: str | None) -> bool:
    """Whether any service is shaped by another file (else: as before)."""
    if override is not None or document.file.tags:
        return True
    services, _ = _services(document)
    return any(isinstance(s, dict) and ("extends" in s or "env_file" in s) for s in services.values())


@dataclass
class Service:
    name: Any  # the key as written
    data: dict
    origins: dict  # path in ``data`` -> (Document or EnvFile, path there)
    references: list[tuple[tuple, Reference]]  # (path in ``data``, reference)


@dataclass
class Project:
    services: list[Service]
    volumes: dict  # the top-level named volumes, merged


class _Extends:
    """``extends`` of one project's files, resolved recursively."""

    def __init__(self, reader: Reader) -> None:
        self.reader = reader

    def service(self, document: Document, name: Any, chain: tuple = ()) -> tuple[Node, list[Reference]]:
        services, base_path = _services(document)
        raw = services.get(name)
        node = wrap(document, raw if isinstance(raw, dict) else {}, base_path + (name,))
        reference = node.value.pop("extends", None)
        if reference is None:
            return node, []
        target, failed = self._target(document, reference, chain)
        if failed is not None:
            return node, [failed]
        target_file, target_service = target
        base, references = self.service(target_file, target_service, chain + ((target_file.path, target_service),))
        shown = target_service if target_file is document else f"{target_file.path}:{target_service}"
        return merge(base, node, origin=node.origin), [Reference("extends", shown, None, reference.origin), *references]

    def _target(self, document: Document, reference: Node, chain: tuple) -> tuple[tuple[Document, str], Reference | None]:
        """The (file, service) an ``extends`` names, or the reference's problem."""
        target_file, service = document, _plain(reference)
        if isinstance(reference.value, dict):
            service_node = reference.value.get("service")
            service = _plain(service_node) if service_node is not None else None
            file_node = reference.value.get("file")
            if file_node is not None:
                relpath, why = inside(self.reader.root, _folder(document.path), file_node.value)
                found = self.reader.document(relpath) if relpath is not None else why
                if not isinstance(found, Document):
                    missing = found == NO_FILE
                    return (document, ""), Reference("extends", str(_plain(file_node)), str(found), file_node.origin, missing)
                target_file = found
        if not isinstance(service, str):
            return (document, ""), Reference("extends", str(service), "names no service", reference.origin)
        if (target_file.path, service) in chain:
            return (document, ""), Reference("extends", service, "extends itself (a cycle)", reference.origin)
        if len(chain) >= MAX_EXTENDS_DEPTH:
            return (document, ""), Reference("extends", service, "extends too deeply", reference.origin)
        if service not in _services(target_file)[0]:
            where = "" if target_file is document else f" in {target_file.path}"
            return (document, ""), Reference("extends", service, f"no service {service}{where}", reference.origin)
        return (target_file, service), None


def _env_entries(node: Node) -> list[tuple[Node, Any, bool]]:
    """(reference node, path text, required) of each ``env_file`` entry."""
    values = node.value if isinstance(node.value, list) else [node]
    found = []
    for item in values:
        if isinstance(item.value, dict):
            path = item.value.get("path")
            required = item.value.get("required")
            found.append((path or item, _plain(path) if path is not None else None, not (required is not None and required.value is False)))
        else:
            found.append((item, _plain(item), True))
    return found


def _apply_env_files(node: Node, reader: Reader) -> list[Reference]:
    """Add the env files' variables under ``environment`` (which wins)."""
    env_node = node.value.get("env_file")
    if env_node is None:
        return []
    references: list[Reference] = []
    added: dict[Any, Node] = {}
    for reference, target, required in _env_entries(env_node):
        source = reference.origin[0]
        relpath, why = inside(reader.root, _folder(source.path), target)
        if relpath is not None:
            found, values = reader.env_file(relpath)
            if isinstance(found, EnvFile):
                added.update((name, Node(value, (found, (name,)))) for name, value in values.items())
                references.append(Reference("env_file", str(target), None, reference.origin))
                continue
            why = found
        if why == NO_FILE and not required:
            references.append(Reference("env_file", str(target), None, reference.origin))
            continue  # required: false, and Compose starts without it
        references.append(Reference("env_file", str(target), why or "unreadable", reference.origin, why == NO_FILE))
    if added:
        current = node.value.get("environment")
        base = Node(added, env_node.origin)
        node.value["environment"] = merge(base, current, "environment") if current is not None else base
    return references


def _reference_path(origins: dict, reference: Reference, index: int) -> tuple:
    """Where a reference sits in the merged data; one removed by the merge
    (``extends``) gets a path of its own, mapped to where it is written."""
    for path, origin in origins.items():
        if origin[0] is reference.origin[0] and origin[1] == reference.origin[1]:
            return path
    path = ("extends",) if index == 0 else ("extends", index)
    origins[path] = reference.origin
    return path


def build(document: Document, override: str | None) -> Project:
    """The project whose base (or only) file is ``document``."""
    assert document.file.root is not None
    reader = Reader(document.file.root, document)
    extends = _Extends(reader)
    files: list[Document] = [document]
    if override is not None:
        found = reader.document(override)
        if isinstance(found, Document):
            files.append(found)
    merged: dict[Any, Node] = {}
    references: dict[Any, list[Reference]] = {}
    volumes: Node | None = None
    for source in files:
        for name in _services(source)[0]:
            node, found_references = extends.service(source, name, ((source.path, name),))
            references.setdefault(name, []).extend(found_references)
            merged[name] = merge(merged[name], node, origin=merged[name].origin) if name in merged else node
        top = source.data.get("volumes") if isinstance(source.data.get("services"), dict) else None
        if isinstance(top, dict):
            wrapped = wrap(source, top, ("volumes",))
            volumes = merge(volumes, wrapped) if volumes is not None else wrapped
    services = []
    for name, node in merged.items():
        service_references = references[name] + _apply_env_files(node, reader)
        data, origins = flatten(node)
        located = [(_reference_path(origins, r, i), r) for i, r in enumerate(r for r in service_references if r.reference == "extends")]
        located += [(_reference_path(origins, r, 0), r) for r in service_references if r.reference == "env_file"]
        services.append(Service(name, data, origins, located))
    return Project(services, _plain(volumes) if volumes is not None else {})


__all__ = ["OVERRIDE_KIND", "EnvFile", "Project", "Reference", "Service", "build", "locate", "needs_project", "parse_env", "role"]

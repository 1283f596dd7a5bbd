"""Helpers shared by the platform adapter tests.

``tests/platforms`` has no ``__init__.py``; pytest's default (prepend) import
mode puts this folder on ``sys.path``, so the test modules import this file as
``from platform_helpers import ...``.
"""

from __future__ import annotations

import textwrap
from typing import Any, Callable

from pytest_paassec.model.resources import Resource
from pytest_paassec.parsing.documents import Document, parse_text

# The workload fields for host access and identity, on a platform that can
# express none of them (merge into an expected workload view).
NO_HOST_ACCESS_OR_IDENTITY: dict[str, Any] = {
    "capabilities_added": None,
    "host_network": None,
    "host_pid": None,
    "host_ipc": None,
    "devices": None,
    "docker_socket": None,
    "service_account": None,
    "managed_identity": None,
    "instance_profile": None,
}


def dedented(text: str) -> str:
    """The usual preparation of an inline test file: dedent, drop leading whitespace."""
    return textwrap.dedent(text).lstrip()


class AdapterHelper:
    """Parse inline test files and run one platform adapter over them.

    ``relpath`` and ``fmt`` are the defaults for the file name and the parser
    format; ``fmt`` may also be a function of the file name.  ``prepare`` turns
    what a test passes in into the file text (by default :func:`dedented`).
    """

    def __init__(
        self,
        platform: Any,
        relpath: str,
        fmt: str | Callable[[str], str] = "yaml",
        prepare: Callable[[Any], str] = dedented,
    ) -> None:
        self.platform = platform
        self.relpath = relpath
        self.fmt = fmt
        self.prepare = prepare

    def _format(self, relpath: str, fmt: str | None) -> str:
        if fmt is not None:
            return fmt
        return self.fmt(relpath) if callable(self.fmt) else self.fmt

    def documents(self, text: Any, relpath: str | None = None, fmt: str | None = None) -> list[Document]:
        """Every document of the file; the file must parse without error."""
        relpath = self.relpath if relpath is None else relpath
        parsed = parse_text(relpath, self._format(relpath, fmt), self.prepare(text))
        assert parsed.error is None, parsed.error
        return parsed.documents

    def document(self, text: Any, relpath: str | None = None, fmt: str | None = None) -> Document:
        """The only document of the file."""
        (doc,) = self.documents(text, relpath, fmt)
        return doc

    def found(self, text: Any, relpath: str | None = None, fmt: str | None = None) -> list[Resource]:
        """The resources of the only document, which the adapter must detect."""
        doc = self.document(text, relpath, fmt)
        assert self.platform.detect(doc)
        return list(self.platform.resources(doc))

    def resources(self, text: Any, relpath: str | None = None, fmt: str | None = None, key: str = "ref") -> dict[str, Resource]:
        """The resources of the only document, by ``ref`` (or another attribute)."""
        return {getattr(resource, key): resource for resource in self.found(text, relpath, fmt)}

    def resource(self, text: Any, relpath: str | None = None, fmt: str | None = None) -> Resource:
        """The one resource of the only document."""
        (only,) = self.found(text, relpath, fmt)
        return only

    def all_resources(self, text: Any, relpath: str | None = None, fmt: str | None = None) -> list[Resource]:
        """The resources of every document of a multi-document file; each must be detected."""
        found = []
        for doc in self.documents(text, relpath, fmt):
            assert self.platform.detect(doc)
            found.extend(self.platform.resources(doc))
        return found


def line_of(resource: Resource, path: tuple) -> int:
    """The line of ``path`` below the resource."""
    return resource.document.line_of(resource.path + path)


def text_line(resource: Resource, needle: str) -> int:
    """1-based number of the only line of the file containing ``needle``."""
    (number,) = [n for n, line in enumerate(resource.document.file.text.splitlines(), 1) if needle in line]
    return number


def line_with(resource: Resource, needle: str, occurrence: int = 0) -> int:
    """1-based number of the ``occurrence``-th line of the file containing ``needle``."""
    numbers = [n for n, line in enumerate(resource.document.file.text.splitlines(), 1) if needle in line]
    return numbers[occurrence]


def subject(resource: Resource, name: str) -> dict[tuple, dict]:
    """The entries of a subject, by path."""
    return dict(resource.select(name))


def entries(resource: Resource, name: str) -> list[tuple[tuple, dict]]:
    """The entries of a subject as (path, plain dict) pairs."""
    return [(path, dict(value)) for path, value in resource.select(name)]

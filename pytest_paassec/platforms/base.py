"""What a platform adapter is: detection, then documents cut into resources."""

from __future__ import annotations

from typing import Any

from ..model.resources import Resource, SubjectFinder
from ..parsing.documents import Document


class Platform:
    """Base adapter.  Subclasses set ``name`` and implement the two methods.

    ``detect`` is called only for documents whose file the discovery step
    routed to this platform, so it checks content, not names.
    """

    name: str = ""
    title: str = ""
    # Named subjects this platform's resources offer besides ``resource``.
    subjects: dict[str, SubjectFinder] = {}

    def detect(self, document: Document) -> bool:
        raise NotImplementedError

    def resources(self, document: Document) -> list[Resource]:
        raise NotImplementedError

    def resource(
        self,
        document: Document,
        kind: str,
        name: Any,
        data: Any,
        path: tuple = (),
        scope: str | None = None,
    ) -> Resource:
        return Resource(
            platform=self.name,
            kind=kind,
            name=str(name) if name not in (None, "") else "unnamed",
            document=document,
            data=data,
            path=path,
            scope=scope,
            subjects=self.subjects,
        )


def dig(node: Any, steps: tuple) -> Any:
    """The value at ``steps`` through nested mappings, or None."""
    for step in steps:
        if not isinstance(node, dict):
            return None
        node = node.get(step)
    return node


def mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def file_stem(document: Document) -> str:
    """The file's name, for resources a platform leaves unnamed."""
    return document.path.replace("\\", "/").rsplit("/", 1)[-1]


def folder_name(document: Document) -> str:
    parts = document.path.replace("\\", "/").rsplit("/", 2)
    return parts[-2] if len(parts) >= 2 else "app"

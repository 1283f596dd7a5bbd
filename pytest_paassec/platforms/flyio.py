"""Fly.io fly.toml: one app per file."""

from __future__ import annotations

from ..documents import Document
from ..resources import Resource
from .base import Platform, folder_name


class FlyIo(Platform):
    name = "flyio"
    title = "Fly.io"

    def detect(self, document: Document) -> bool:
        return isinstance(document.data, dict)

    def resources(self, document: Document) -> list[Resource]:
        data = document.data
        return [self.resource(document, "app", data.get("app") or folder_name(document), data)]

"""Google App Engine app.yaml (standard and flexible): one service per file."""

from __future__ import annotations

from ..documents import Document
from ..resources import Resource
from .base import Platform


class AppEngine(Platform):
    name = "appengine"
    title = "Google App Engine"

    def detect(self, document: Document) -> bool:
        data = document.data
        return isinstance(data, dict) and isinstance(data.get("runtime"), str) and "services" not in data

    def resources(self, document: Document) -> list[Resource]:
        data = document.data
        name = data.get("service") or data.get("module") or "default"
        return [self.resource(document, "service", name, data)]

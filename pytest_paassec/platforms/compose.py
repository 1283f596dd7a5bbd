"""Docker Compose files: one resource per service."""

from __future__ import annotations

from ..documents import Document
from ..resources import Resource
from .base import Platform


class Compose(Platform):
    name = "compose"
    title = "Docker Compose"

    def detect(self, document: Document) -> bool:
        data = document.data
        if not isinstance(data, dict):
            return False
        services = data.get("services")
        if isinstance(services, dict):
            return all(isinstance(s, dict) or s is None for s in services.values())
        # Version 1 files are a mapping of services with image or build.
        return bool(data) and all(
            isinstance(s, dict) and ("image" in s or "build" in s) for s in data.values()
        )

    def resources(self, document: Document) -> list[Resource]:
        data = document.data
        services, base = (data["services"], ("services",)) if isinstance(data.get("services"), dict) else (data, ())
        return [
            self.resource(document, "service", name, service or {}, base + (name,))
            for name, service in services.items()
        ]

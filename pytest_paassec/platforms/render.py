"""Render blueprints (render.yaml): services, databases and env groups."""

from __future__ import annotations

from ..documents import Document
from ..resources import Resource
from .base import Platform

_SECTIONS = (("services", None), ("databases", "database"), ("envVarGroups", "envVarGroup"))


class Render(Platform):
    name = "render"
    title = "Render"

    def detect(self, document: Document) -> bool:
        data = document.data
        if not isinstance(data, dict):
            return False
        services = data.get("services")
        if isinstance(services, list) and services and all(isinstance(s, dict) and "type" in s for s in services):
            return True
        return "services" not in data and (isinstance(data.get("databases"), list) or isinstance(data.get("envVarGroups"), list))

    def resources(self, document: Document) -> list[Resource]:
        found = []
        for section, kind in _SECTIONS:
            items = document.data.get(section)
            if not isinstance(items, list):
                continue
            for index, item in enumerate(items):
                if isinstance(item, dict):
                    found.append(
                        self.resource(document, kind or str(item.get("type", "service")), item.get("name"), item, (section, index))
                    )
        return found

"""DigitalOcean App Platform specs: the app and each of its components."""

from __future__ import annotations

from ..documents import Document
from ..resources import Resource
from .base import Platform

COMPONENTS = (("services", "service"), ("workers", "worker"), ("jobs", "job"), ("static_sites", "static_site"), ("functions", "function"))


def _spec(data: object) -> tuple[dict | None, tuple]:
    """The app spec, at the top or under ``spec`` (deploy templates)."""
    if isinstance(data, dict):
        if isinstance(data.get("spec"), dict):
            return data["spec"], ("spec",)
        return data, ()
    return None, ()


class DigitalOcean(Platform):
    name = "digitalocean"
    title = "DigitalOcean App Platform"

    def detect(self, document: Document) -> bool:
        spec, _ = _spec(document.data)
        if spec is None:
            return False
        if isinstance(spec.get("services"), list) and all(isinstance(s, dict) and "type" in s for s in spec["services"]):
            return False  # a Render blueprint
        return any(isinstance(spec.get(section), list) for section, _ in COMPONENTS) or (
            "name" in spec and ("region" in spec or "databases" in spec or "domains" in spec)
        )

    def resources(self, document: Document) -> list[Resource]:
        spec, base = _spec(document.data)
        assert spec is not None
        found = [self.resource(document, "app", spec.get("name"), spec, base)]
        for section, kind in COMPONENTS:
            items = spec.get(section)
            if isinstance(items, list):
                for index, item in enumerate(items):
                    if isinstance(item, dict):
                        found.append(self.resource(document, kind, item.get("name"), item, base + (section, index)))
        for index, item in enumerate(spec.get("databases") or []):
            if isinstance(item, dict):
                found.append(self.resource(document, "database", item.get("name"), item, base + ("databases", index)))
        return found

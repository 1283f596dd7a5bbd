"""Cloud Foundry application manifests: one resource per application."""

from __future__ import annotations

from ..documents import Document
from ..resources import Resource
from .base import Platform


class CloudFoundry(Platform):
    name = "cloudfoundry"
    title = "Cloud Foundry"

    def detect(self, document: Document) -> bool:
        data = document.data
        return isinstance(data, dict) and isinstance(data.get("applications"), (list, dict))

    def resources(self, document: Document) -> list[Resource]:
        apps = document.data["applications"]
        # Version 1 manifests keyed applications by path instead of listing them.
        entries = apps.items() if isinstance(apps, dict) else enumerate(apps)
        return [
            self.resource(document, "application", app.get("name") or key, app, ("applications", key))
            for key, app in entries
            if isinstance(app, dict)
        ]

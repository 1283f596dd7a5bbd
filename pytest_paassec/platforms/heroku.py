"""Heroku app.json and Procfile."""

from __future__ import annotations

from ..documents import Document
from ..resources import Resource
from .base import Platform, folder_name

_APP_JSON_KEYS = frozenset(
    ("name", "env", "formation", "addons", "buildpacks", "stack", "scripts", "repository", "image", "environments", "success_url", "logo", "keywords", "description", "website")
)


class Heroku(Platform):
    name = "heroku"
    title = "Heroku"

    def detect(self, document: Document) -> bool:
        data = document.data
        if document.format == "procfile":
            return True
        return isinstance(data, dict) and bool(data) and set(data) <= _APP_JSON_KEYS

    def resources(self, document: Document) -> list[Resource]:
        data = document.data
        if document.format == "procfile":
            return [
                self.resource(document, "process", name, {"name": name, "command": command}, ("processes", name))
                for name, command in data["processes"].items()
            ]
        return [self.resource(document, "app", data.get("name") or folder_name(document), data)]

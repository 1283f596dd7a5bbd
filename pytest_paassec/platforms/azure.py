"""Azure App Service in ARM templates (and Bicep's JSON output)."""

from __future__ import annotations

import re
from typing import Any

from ..documents import Document
from ..resources import Resource
from .base import Platform, mapping

_PARAMETER = re.compile(r"^\[parameters\('([^']+)'\)\]$")


def resolve_name(value: Any, parameters: dict) -> str:
    """A resource name, resolving ``[parameters('x')]`` to its default or ``x``."""
    if not isinstance(value, str):
        return "unnamed"
    match = _PARAMETER.match(value.strip())
    if match:
        default = mapping(parameters.get(match.group(1))).get("defaultValue")
        return default if isinstance(default, str) and not default.startswith("[") else match.group(1)
    if value.startswith("["):
        return re.sub(r"[^A-Za-z0-9_.-]+", "-", value.strip("[]")).strip("-")[:60] or "expression"
    return value


class Azure(Platform):
    name = "azure"
    title = "Azure App Service (ARM)"

    def detect(self, document: Document) -> bool:
        data = document.data
        return (
            isinstance(data, dict)
            and isinstance(data.get("resources"), (list, dict))
            and "deploymentTemplate.json" in str(data.get("$schema", ""))
        )

    def resources(self, document: Document) -> list[Resource]:
        data = document.data
        parameters = mapping(data.get("parameters"))
        found: list[Resource] = []

        def walk(items: Any, path: tuple, parent_type: str) -> None:
            entries = items.items() if isinstance(items, dict) else enumerate(items if isinstance(items, list) else [])
            for key, item in entries:
                if not isinstance(item, dict) or not isinstance(item.get("type"), str):
                    continue
                rtype = item["type"]
                if parent_type and not rtype.startswith("Microsoft."):
                    rtype = f"{parent_type}/{rtype}"
                if rtype.startswith("Microsoft.Web/"):
                    resource = self.resource(document, rtype, resolve_name(item.get("name"), parameters), item, path + (key,))
                    found.append(resource)
                walk(item.get("resources"), path + (key, "resources"), rtype)

        walk(data.get("resources"), ("resources",), "")
        return found

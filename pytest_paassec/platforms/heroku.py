"""Heroku app.json and Procfile."""

from __future__ import annotations

from typing import Any

from ..model.resources import Resource, SubjectEntries
from ..model.workload import View, endpoint_entry, env_entry, image_entry, workload_entry
from ..parsing.documents import Document
from .base import ENDPOINT_FIELDS, ENV_FIELDS, IMAGE_FIELDS, FileRule, Platform, folder_name, mapping

_APP_JSON_KEYS = frozenset(
    ("name", "env", "formation", "addons", "buildpacks", "stack", "scripts", "repository", "image", "environments", "success_url", "logo", "keywords", "description", "website")
)

# Dyno memory in MB by size (Heroku dyno types); names are case-insensitive.
_DYNO_MEMORY_MB = {
    "free": 512,
    "hobby": 512,
    "eco": 512,
    "basic": 512,
    "standard-1x": 512,
    "standard-2x": 1024,
    "performance-m": 2560,
    "performance-l": 14336,
    "performance-l-ram": 30720,
    "performance-xl": 63488,
    "performance-2xl": 129024,
}
for _tier in ("private", "shield"):
    _DYNO_MEMORY_MB.update(
        {f"{_tier}-s": 1024, f"{_tier}-m": 2560, f"{_tier}-l": 14336, f"{_tier}-l-ram": 30720, f"{_tier}-xl": 63488, f"{_tier}-2xl": 129024}
    )


def _sections(data: dict) -> list[tuple[tuple, dict]]:
    """The app itself, then each ``environments.<name>`` override (test, review)."""
    sections: list[tuple[tuple, dict]] = [((), data)]
    for name, section in mapping(data.get("environments")).items():
        if isinstance(section, dict):
            sections.append((("environments", name), section))
    return sections


def env(resource: Resource) -> SubjectEntries:
    if resource.kind != "app":
        return []
    entries: SubjectEntries = []
    for base, section in _sections(resource.data):
        for name, spec in mapping(section.get("env")).items():
            path = base + ("env", name)
            if not isinstance(spec, dict):
                entries.append((path, env_entry(name, spec)))
            elif spec.get("generator") == "secret":
                entries.append((path + ("generator",), env_entry(name, None, reference=True)))
            elif "value" in spec:
                entries.append((path + ("value",), env_entry(name, spec["value"])))
            else:
                # No value in the file: whoever creates the app supplies it.
                entries.append((path, env_entry(name, None, reference=True)))
    return entries


def images(resource: Resource) -> SubjectEntries:
    image = resource.data.get("image") if resource.kind == "app" else None
    return [(("image",), image_entry(image))] if isinstance(image, str) and image.strip() else []


def _web_endpoints(path: tuple) -> SubjectEntries:
    # The router serves both schemes; whether plain HTTP is redirected is up
    # to the app's code, which neither file can say.
    return [
        (path, endpoint_entry(443, "https", public=True, tls=True)),
        (path, endpoint_entry(80, "http", public=True, tls=None)),
    ]


def endpoints(resource: Resource) -> SubjectEntries:
    if resource.kind == "process":
        return _web_endpoints(()) if resource.data.get("name") == "web" else []
    if "web" in mapping(resource.data.get("formation")):
        return _web_endpoints(("formation", "web"))
    return []


def workload(resource: Resource) -> SubjectEntries:
    # Dynos never run as root and cannot be privileged, whatever the files say.
    fixed: dict[str, Any] = {"run_as_root": False, "privileged": False}
    if resource.kind == "process":
        return [((), workload_entry(**fixed))]
    data = resource.data
    stack = data.get("stack") if isinstance(data.get("stack"), str) else None
    entries: SubjectEntries = []
    for base, section in _sections(data):
        for process, spec in mapping(section.get("formation")).items():
            spec = mapping(spec)
            path = base + ("formation", process)
            entry = workload_entry(
                memory=_DYNO_MEMORY_MB.get(str(spec.get("size", "")).lower()),
                instances=spec.get("quantity"),
                runtime=stack,
                memory_unit="Mi",
                **fixed,
            )
            for key, field in (("memory_bytes", "size"), ("instances", "quantity")):
                if field in spec:
                    entry.sourced(**{key: path + (field,)})
            entries.append((path, entry))
    if not entries:
        entries.append(((), workload_entry(runtime=stack, **fixed)))
    if stack is not None:
        for _, entry in entries:
            entry.sourced(runtime=("stack",))
    return entries


def addons(resource: Resource) -> SubjectEntries:
    """Every add-on, string or object form, as ``{service, plan, attachment, version, environment}``."""
    if resource.kind != "app":
        return []
    entries: SubjectEntries = []
    for base, section in _sections(resource.data):
        items = section.get("addons")
        if not isinstance(items, list):
            continue
        for index, item in enumerate(items):
            spec = item if isinstance(item, dict) else {"plan": item}
            if not isinstance(spec.get("plan"), str):
                continue
            service, _, plan = spec["plan"].partition(":")
            version = mapping(spec.get("options")).get("version")
            path = base + ("addons", index)
            entry = View(
                service=service.strip(),
                plan=plan.strip() or None,
                attachment=spec.get("as"),
                version=str(version) if version is not None else None,
                environment=base[1] if base else None,
            )
            if isinstance(item, dict):
                entry.sourced(service=path + ("plan",), plan=path + ("plan",), attachment=path + ("as",))
                if version is not None:
                    entry.sourced(version=path + ("options", "version"))
            entries.append((path, entry))
    return entries


class Heroku(Platform):
    name = "heroku"
    title = "Heroku"
    file_rules = (
        FileRule("Procfile", "procfile", rank=20, case_sensitive=True),
        FileRule(r"app\.json", "json", rank=90, order=0),
    )
    # No health_check: Heroku has no health check setting for dynos.
    fields = {
        "env": ENV_FIELDS, "images": IMAGE_FIELDS, "endpoints": ENDPOINT_FIELDS,
        "workload": frozenset({"memory_bytes", "instances", "run_as_root", "privileged", "runtime"}),
    }
    subjects = {
        "env": env,
        "images": images,
        "endpoints": endpoints,
        "workload": workload,
        "addons": addons,
    }

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

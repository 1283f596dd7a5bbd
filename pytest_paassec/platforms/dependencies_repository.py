"""Which app of the repository installs a dependency file.

A PaaS build runs in a folder: Heroku and App Engine build the folder of
app.json / Procfile / app.yaml, Cloud Foundry an application's ``path``
(default: the manifest's folder), Render a service's ``rootDir`` and
DigitalOcean a component's ``source_dir`` (both from the repository root).
The buildpack installs the dependency files it finds there, so a
requirements file in that folder (or in its ``requirements/`` subfolder,
included with ``-r``) is what that app runs.  The facts of a dependency
resource are its own data (``ResourceFacts``), so each finding keeps its
line, with ``context`` naming those apps: "installed by Heroku app
shop-api (app.json)".  An app that runs an image or builds a Dockerfile
(Render ``runtime: docker``/``image``, DigitalOcean ``dockerfile_path``/
``image``, Cloud Foundry ``docker``) installs nothing from the folder
itself; a stated runtime of another language (App Engine ``runtime:
nodejs20`` beside a requirements.txt) does not either.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from ..model.repository import Repository, ResourceFacts
from ..model.resources import Resource
from .base import mapping

# Platform id -> (title, kinds that build from a folder).
_BUILDERS = {
    "heroku": ("Heroku", frozenset({"app", "process"})),
    "render": ("Render", frozenset({"web", "pserv", "worker", "cron"})),
    "appengine": ("App Engine", frozenset({"service"})),
    "cloudfoundry": ("Cloud Foundry", frozenset({"application"})),
    "digitalocean": ("DigitalOcean", frozenset({"service", "worker", "job", "static_site", "function"})),
}
# The language a dependency file belongs to, as runtimes name it.
_LANGUAGE = {"requirements": "python", "pyproject": "python", "npm-package": "node", "go-module": "go", "gemfile": "ruby"}
_LANGUAGES = ("python", "node", "go", "ruby", "php", "java", "dotnet", "rust", "elixir", "static", "docker")


def _folder(path: str) -> PurePosixPath:
    return PurePosixPath(path.replace("\\", "/")).parent


def _below(base: PurePosixPath, relative: Any) -> PurePosixPath | None:
    if not isinstance(relative, str) or not relative.strip() or relative.strip() in (".", "/", "./"):
        return base
    joined = PurePosixPath(*[part for part in (base / relative.strip().strip("/")).parts if part != "."])
    return None if ".." in joined.parts else joined


def _runtime(resource: Resource) -> Any:
    """What an app states about its language: a runtime or buildpacks
    (None: detected at build time); "image" when it builds no source."""
    data = resource.data if isinstance(resource.data, dict) else {}
    if resource.platform == "render":
        runtime = data.get("runtime") or data.get("env")
        return "image" if runtime in ("docker", "image") or "image" in data else runtime
    if resource.platform == "digitalocean":
        if data.get("dockerfile_path") or data.get("image"):
            return "image"
        return data.get("environment_slug")
    if resource.platform == "cloudfoundry":
        if data.get("docker"):
            return "image"
        return data.get("buildpacks") or data.get("buildpack")
    if resource.platform == "appengine":
        return data.get("runtime")
    buildpacks = data.get("buildpacks")
    return [mapping(item).get("url") for item in buildpacks] if isinstance(buildpacks, list) else None


def _build_folder(resource: Resource) -> PurePosixPath | None:
    data = resource.data if isinstance(resource.data, dict) else {}
    here = _folder(resource.document.path)
    if resource.platform == "render":
        return _below(here, data.get("rootDir"))
    if resource.platform == "digitalocean":
        root = here.parent if here.name == ".do" else here
        return _below(root, data.get("source_dir"))
    if resource.platform == "cloudfoundry":
        return _below(here, data.get("path"))
    return here


def _stated(text: Any) -> str | None:
    """The language a runtime or buildpack names: python312, heroku/nodejs, go-buildpack..."""
    words = re.split(r"[^a-z0-9]+", str(text).lower())
    return next((name for name in _LANGUAGES for word in words if re.fullmatch(rf"{name}(js|lang)?\d*", word)), None)


def _speaks(runtime: Any, language: str) -> bool:
    """Whether an app with this runtime (or these buildpacks) installs a file of ``language``."""
    stated = [_stated(item) for item in (runtime if isinstance(runtime, list) else [runtime]) if item]
    return not stated or None in stated or language in stated


def _builders(repository: Repository) -> list[tuple[PurePosixPath, Any, str]]:
    found = []
    for resource in repository.of(_BUILDERS):
        title, kinds = _BUILDERS[resource.platform]
        if resource.kind not in kinds:
            continue
        folder = _build_folder(resource)
        runtime = _runtime(resource)
        if folder is None or runtime == "image":
            continue
        # A Procfile's processes are one app: named once, and not at all
        # beside the app.json that names the app.
        label = f"{title} {resource.kind} {resource.name}" if resource.kind != "process" else f"{title} Procfile"
        found.append((folder, runtime, f"{label} ({resource.document.path})"))
    named = {folder for folder, _, label in found if label.startswith("Heroku app ")}
    unique = {(folder, label): (folder, runtime, label) for folder, runtime, label in found}
    return [entry for (folder, label), entry in unique.items() if not (label.startswith("Heroku Procfile") and folder in named)]


class DependencyFacts:
    def covers(self, resource: Resource) -> bool:
        return True

    def facts(self, resource: Resource, repository: Repository) -> ResourceFacts:
        folder = _folder(resource.document.path)
        if resource.kind == "requirements" and folder.name == "requirements":
            folder = folder.parent
        language = _LANGUAGE.get(resource.kind, "")
        apps = [label for where, runtime, label in repository.index(DependencyFacts, _builders) if where == folder and _speaks(runtime, language)]
        return ResourceFacts(resource.data, "installed by " + ", ".join(apps) if apps else "")


DEPENDENCY_FACTS = DependencyFacts()
__all__ = ["DEPENDENCY_FACTS", "DependencyFacts"]

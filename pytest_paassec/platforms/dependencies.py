"""Dependency declarations: what a build installs, checked like a deployment file.

One resource per file, never per requirement, so item counts follow files:

    requirements   requirements*.txt, constraints*.txt, requirements/*.txt (pip's syntax)
    pyproject      pyproject.toml that declares dependencies
    npm-package    package.json that declares dependencies
    go-module      go.mod that requires modules
    gemfile        Gemfile that lists gems

A pyproject.toml or package.json that declares no dependency (a tool's
configuration only) is not a resource: no item, no error.  pip-tools'
``requirements.in`` is left out: it is meant to hold ranges, and the
``requirements.txt`` compiled from it is what the build installs.

Lock files are looked for on disk beside the file (for pyproject.toml and
package.json also in the folders above it, inside the repository, where a
workspace keeps one lock for all its members), through ``ParsedFile.root``.
A file read without a work tree (a revision read from Git) has no root:
there the presence of a lock is unknown, ``lock_checked`` is false and the
lock controls do not apply, rather than pass or fail on a guess.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath
from typing import Any

from ..model.resources import Resource
from ..parsing.documents import Document
from .base import FileRule, Platform, dig, file_stem, folder_name, mapping
from .dependencies_repository import DEPENDENCY_FACTS

PYTHON_LOCKS = ("poetry.lock", "uv.lock", "pdm.lock", "Pipfile.lock")
NPM_LOCKS = ("package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml")


def _declares_python(data: dict) -> bool:
    project = mapping(data.get("project"))
    tool = mapping(data.get("tool"))
    poetry = mapping(tool.get("poetry"))
    groups = [mapping(group).get("dependencies") for group in mapping(poetry.get("group")).values()]
    return any(
        bool(value)
        for value in (
            project.get("dependencies"),
            *mapping(project.get("optional-dependencies")).values(),
            [name for name in mapping(poetry.get("dependencies")) if name.lower() != "python"],
            *groups,
            *mapping(data.get("dependency-groups")).values(),
            *mapping(dig(tool, ("pdm", "dev-dependencies"))).values(),
            dig(tool, ("uv", "dev-dependencies")),
        )
    )


def _declares_npm(data: dict) -> bool:
    return any(mapping(data.get(key)) for key in ("dependencies", "devDependencies", "optionalDependencies"))


def _lock_fields(document: Document, names: tuple[str, ...], upwards: bool) -> dict[str, Any]:
    """``lock_checked`` and, when a lock is there, ``lock_file`` (its path in the repository)."""
    root = document.file.root
    if root is None:  # read from Git: no work tree to look in
        return {"lock_checked": False}
    folder = PurePosixPath(document.path.replace("\\", "/")).parent
    folders = [folder, *folder.parents] if upwards else [folder]
    for candidate in folders:
        for name in names:
            if (Path(root) / candidate / name).is_file():
                return {"lock_checked": True, "lock_file": (candidate / name).as_posix()}
    return {"lock_checked": True}


class Dependencies(Platform):
    name = "dependencies"
    title = "Dependency declarations"
    file_rules = (
        FileRule(r"requirements([._-][\w.-]*)?\.txt", "requirements", rank=30),
        FileRule(r"constraints([._-][\w.-]*)?\.txt", "requirements", rank=30),
        FileRule(r"[\w.-]+\.txt", "requirements", rank=30, order=1, folder="requirements"),
        FileRule(r"pyproject\.toml", "toml", rank=30, case_sensitive=True),
        FileRule(r"package\.json", "json", rank=30, case_sensitive=True),
        FileRule(r"go\.mod", "gomod", rank=30, case_sensitive=True),
        FileRule(r"Gemfile", "gemfile", rank=30, case_sensitive=True),
    )
    # No normalized view: a dependency file runs nothing itself.
    fields: dict[str, frozenset[str]] = {}
    facts = DEPENDENCY_FACTS

    def detect(self, document: Document) -> bool:
        data = document.data
        if not isinstance(data, dict):
            return False
        name = file_stem(document)
        if document.format == "requirements":
            return True
        if document.format == "gomod":
            return bool(data.get("requires"))
        if document.format == "gemfile":
            return bool(data.get("gems"))
        if name == "pyproject.toml":
            return _declares_python(data)
        return name == "package.json" and _declares_npm(data)

    def resources(self, document: Document) -> list[Resource]:
        data = document.data
        if document.format == "requirements":
            return [self.resource(document, "requirements", file_stem(document), data)]
        if document.format == "gomod":
            return [self.resource(document, "go-module", data.get("module") or folder_name(document), {**data, **_lock_fields(document, ("go.sum",), False)})]
        if document.format == "gemfile":
            return [self.resource(document, "gemfile", folder_name(document), {**data, **_lock_fields(document, ("Gemfile.lock",), False)})]
        if file_stem(document) == "pyproject.toml":
            name = dig(data, ("project", "name")) or dig(data, ("tool", "poetry", "name")) or folder_name(document)
            return [self.resource(document, "pyproject", name, {**data, **_lock_fields(document, PYTHON_LOCKS, True)})]
        return [self.resource(document, "npm-package", data.get("name") or folder_name(document), {**data, **_lock_fields(document, NPM_LOCKS, True)})]

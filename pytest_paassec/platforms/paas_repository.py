"""What the rest of the repository says about a Render or DigitalOcean service.

Facts (``subject: repository``) of every service, worker, cron job, job,
static site and function (and of a DigitalOcean app, for its app-wide
``envs``).  Each is a list of sentences, one per env var, empty when all is
well, so a control expects ``max_length: 0``::

    unresolved_references   env vars whose value comes from a service,
                            database or component the repository does not
                            declare: the sync fails or the variable is empty
    secrets_from_services   env vars that copy another service's secret
                            (Render ``fromService.envVarKey`` naming a
                            ``generateValue``/``sync: false`` variable;
                            DigitalOcean ``${component.VAR}`` naming a
                            ``type: SECRET`` variable)

Render: ``fromService`` matches a service of the same name and type (Key
Value and the older ``redis`` type are one) and ``fromDatabase`` a database,
in any render.yaml of the run, whatever its project or environment (a
lenient match: a name the run does not hold at all is what is reported).
``fromGroup`` is not judged: groups made in the Dashboard are shared by
every Blueprint of the workspace.  DigitalOcean: bindable variables resolve
inside one app spec only, so ``${name.VAR}`` must name ``_self``, a
component or a database of the same spec; a database's credentials are
meant for the components and are not a secret flowing between services.
The facts point at the first env var they name.
"""

from __future__ import annotations

import re
from typing import Any

from ..model.repository import Repository
from ..model.resources import Resource
from ..model.workload import View

_RENDER_SERVICES = frozenset({"web", "pserv", "worker", "cron"})
_RENDER_DATASTORES = frozenset({"keyvalue", "redis"})
_DO_COMPONENTS = frozenset({"service", "worker", "job", "static_site", "function"})
_BINDABLE = re.compile(r"\$\{([A-Za-z0-9_.-]+)\.([A-Za-z0-9_.-]+)\}")


def _service_type(kind: str) -> str:
    return "keyvalue" if kind in _RENDER_DATASTORES else kind


def _items(resource: Resource, key: str) -> list[tuple[int, dict]]:
    items = resource.data.get(key) if isinstance(resource.data, dict) else None
    return [(i, item) for i, item in enumerate(items if isinstance(items, list) else []) if isinstance(item, dict)]


def _facts(unresolved: list[tuple[tuple, str]], secrets: list[tuple[tuple, str]]) -> View:
    view = View(unresolved_references=[text for _, text in unresolved], secrets_from_services=[text for _, text in secrets])
    if unresolved:
        view.sourced(unresolved_references=unresolved[0][0])
    if secrets:
        view.sourced(secrets_from_services=secrets[0][0])
    return view


# --- Render -------------------------------------------------------------------------


def _render_secret(item: dict) -> str | None:
    if item.get("generateValue") is True:
        return "generateValue"
    if item.get("sync") is False:
        return "sync: false"
    return None


class _RenderIndex:
    def __init__(self, repository: Repository) -> None:
        resources = repository.of(["render"])
        self.databases = {r.name for r in resources if r.kind == "database"}
        self.services: dict[tuple[str, str], list[Resource]] = {}
        for r in resources:
            if r.kind in _RENDER_SERVICES | _RENDER_DATASTORES:
                self.services.setdefault((_service_type(r.kind), r.name), []).append(r)


class RenderFacts:
    def covers(self, resource: Resource) -> bool:
        return resource.kind in _RENDER_SERVICES

    def facts(self, resource: Resource, repository: Repository) -> View:
        index: _RenderIndex = repository.index(_RenderIndex, _RenderIndex)
        unresolved: list[tuple[tuple, str]] = []
        secrets: list[tuple[tuple, str]] = []
        for i, item in _items(resource, "envVars"):
            key, path = item.get("key"), ("envVars", i)
            database, service = item.get("fromDatabase"), item.get("fromService")
            if isinstance(database, dict) and isinstance(database.get("name"), str):
                if database["name"] not in index.databases:
                    unresolved.append((path + ("fromDatabase",), f"{key}: no database {database['name']} in the repository"))
            if not isinstance(service, dict) or not isinstance(service.get("name"), str):
                continue
            wanted = (_service_type(str(service.get("type", ""))), service["name"])
            sources = index.services.get(wanted, [])
            if not sources:
                unresolved.append((path + ("fromService",), f"{key}: no {wanted[0]} service {wanted[1]} in the repository"))
                continue
            read = service.get("envVarKey")
            for source in sources:
                if source is resource or not isinstance(read, str):
                    continue
                how = next((_render_secret(var) for _, var in _items(source, "envVars") if var.get("key") == read), None)
                if how:
                    secrets.append((path + ("fromService",), f"{key}: copies {read} ({how}) of {source.kind} {source.name}"))
                    break
        return _facts(unresolved, secrets)


# --- DigitalOcean -------------------------------------------------------------------


class _DigitalOceanIndex:
    """Per app spec (file and document), its components and databases."""

    def __init__(self, repository: Repository) -> None:
        self.components: dict[tuple, dict[str, Resource]] = {}
        self.databases: dict[tuple, set[str]] = {}
        for r in repository.of(["digitalocean"]):
            spec = (r.document.path, r.document.index)
            if r.kind == "database":
                self.databases.setdefault(spec, set()).add(r.name)
            elif r.kind in _DO_COMPONENTS:
                self.components.setdefault(spec, {})[r.name] = r


def _do_secret(component: Resource, name: str) -> bool:
    return any(var.get("key") == name and str(var.get("type", "")).upper() == "SECRET" for _, var in _items(component, "envs"))


class DigitalOceanFacts:
    def covers(self, resource: Resource) -> bool:
        return resource.kind in _DO_COMPONENTS or resource.kind == "app"

    def facts(self, resource: Resource, repository: Repository) -> View:
        index: _DigitalOceanIndex = repository.index(_DigitalOceanIndex, _DigitalOceanIndex)
        spec = (resource.document.path, resource.document.index)
        components = index.components.get(spec, {})
        databases = index.databases.get(spec, set())
        unresolved: list[tuple[tuple, str]] = []
        secrets: list[tuple[tuple, str]] = []
        for i, item in _items(resource, "envs"):
            value: Any = item.get("value")
            if not isinstance(value, str):
                continue
            path = ("envs", i, "value")
            for name, variable in _BINDABLE.findall(value):
                text = "${" + f"{name}.{variable}" + "}"
                if name == "_self" or name in databases:
                    continue
                component = components.get(name)
                if component is None:
                    unresolved.append((path, f"{item.get('key')}: {text}, no component or database {name}"))
                elif component is not resource and _do_secret(component, variable):
                    secrets.append((path, f"{item.get('key')}: {text}, a SECRET of {component.kind} {name}"))
        return _facts(unresolved, secrets)


RENDER_FACTS = RenderFacts()
DIGITALOCEAN_FACTS = DigitalOceanFacts()
__all__ = ["DIGITALOCEAN_FACTS", "RENDER_FACTS", "DigitalOceanFacts", "RenderFacts"]

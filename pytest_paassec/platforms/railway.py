"""Railway config as code: railway.json or railway.toml, one service per file.

The file holds a service's ``build`` and ``deploy`` settings and
``environments.<name>`` overrides of them; variables, domains and resource
limits live in the service settings, not here.  Settings the file leaves out
come from the service settings, so the view leaves them unknown.
"""

from __future__ import annotations

from ..model.resources import Resource, SubjectEntries
from ..model.workload import workload_entry
from ..parsing.documents import Document
from .base import FileRule, Platform, folder_name, mapping

# Top-level keys of railway.schema.json.
_KEYS = frozenset(("$schema", "build", "deploy", "environments"))


def _replicas(deploy: dict) -> tuple[object, tuple | None]:
    """The replica count: ``numReplicas``, else the sum over ``multiRegionConfig``."""
    if "numReplicas" in deploy:
        return deploy["numReplicas"], ("deploy", "numReplicas")
    regions = deploy.get("multiRegionConfig")
    if isinstance(regions, dict) and regions:
        counts = [mapping(region).get("numReplicas") for region in regions.values()]
        if all(isinstance(count, int) and not isinstance(count, bool) for count in counts):
            return sum(counts), ("deploy", "multiRegionConfig")  # type: ignore[arg-type]
    return None, None


def workload(resource: Resource) -> SubjectEntries:
    """The service as it deploys by default; environments only override it."""
    if resource.kind != "service":
        return []
    deploy = mapping(resource.data.get("deploy"))
    sources: dict[str, tuple] = {}
    health = None
    # A cron service runs to completion: a health check means nothing there.
    if "healthcheckPath" in deploy and not deploy.get("cronSchedule"):
        path = deploy["healthcheckPath"]
        health = isinstance(path, str) and bool(path.strip())  # null switches it off
        sources["health_check"] = ("deploy", "healthcheckPath")
    instances, where = _replicas(deploy)
    if where is not None:
        sources["instances"] = where
    view = workload_entry(instances=instances, health_check=health)
    return [(("deploy",) if "deploy" in resource.data else (), view.sourced(**sources))]


class Railway(Platform):
    name = "railway"
    title = "Railway"
    file_rules = (
        FileRule(r"railway\.json", "json", rank=85),
        FileRule(r"railway\.toml", "toml", rank=85),
    )
    # No env, images or endpoints: variables, images and domains are set in
    # the service settings.  No memory or CPU: the plan always bounds them.
    fields = {"workload": frozenset({"instances", "health_check", "run_as_root", "privileged"})}
    subjects = {"workload": workload}

    def detect(self, document: Document) -> bool:
        data = document.data
        return isinstance(data, dict) and bool(data) and set(data) <= _KEYS

    def resources(self, document: Document) -> list[Resource]:
        data = document.data
        service = folder_name(document)
        found = [self.resource(document, "service", service, data)]
        for environment, override in mapping(data.get("environments")).items():
            if isinstance(override, dict):
                found.append(
                    self.resource(document, "environment", environment, override, path=("environments", environment), scope=service)
                )
        return found

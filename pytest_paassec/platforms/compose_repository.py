"""What the rest of the run says about a compose override file.

An override file (``compose.override.yaml`` beside ``compose.yaml``) is
merged into its base file's services and checked there
(compose_project.py), so the override yields one resource,
``override-of/<base>``.  Its one fact (``subject: repository``)::

    base_not_in_run   "compose.yaml is not in this run ...": the base file
                      gave no compose service to this run (the run was
                      given the override alone, or the base is not a
                      compose file), so the override's settings were not
                      checked; null when the base is in the run

Every xdist worker collects every file, so each gives the same answer.
"""

from __future__ import annotations

from ..model.repository import Repository
from ..model.resources import Resource
from ..model.workload import View
from .compose_project import OVERRIDE_KIND


def _bases(repository: Repository) -> frozenset[str]:
    return frozenset(r.document.path for r in repository.of(["compose"], ["service"]))


class ComposeFacts:
    def covers(self, resource: Resource) -> bool:
        return resource.kind == OVERRIDE_KIND

    def facts(self, resource: Resource, repository: Repository) -> View:
        base = resource.data.get("base") if isinstance(resource.data, dict) else None
        present = base in repository.index("compose-bases", _bases)
        missing = None if present else (
            f"{base} is not in this run or holds no compose service: the override's settings were not checked; "
            "run pytest on the folder, or fix the base file"
        )
        return View(base_not_in_run=missing)

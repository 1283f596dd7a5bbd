"""The repository view: every resource of the run, for checks that span files.

Most controls look at one resource.  Some questions need the others: does
this namespace have a default-deny NetworkPolicy, which workloads mount the
ServiceAccount a binding gives cluster-admin, does a Service expose a pod
that runs privileged.  A :class:`Repository` holds every resource of the
run, in a fixed order (file, document, position), and answers those
questions as *facts*: a :class:`~.workload.View` per resource, computed by
the resource's platform (``Platform.facts``) on first use.

Controls read the facts with ``subject: repository``.  Which resources such
a control applies to is decided from the resource alone (its platform, kind
and ``when:``, evaluated on the resource data), when the file is collected;
the facts are computed when the item runs, after the whole run is collected.
Every xdist worker collects every file, so every worker holds the same
repository and gives the same answer.  A run limited to some files (``pytest
deploy/api.yaml``) sees only those files: the facts say what the collected
files declare, nothing more.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Iterable, Protocol

if TYPE_CHECKING:
    from .resources import Resource
    from .workload import View

REPOSITORY_SUBJECT = "repository"


class Facts(Protocol):
    """What a platform knows about a resource from the rest of the repository."""

    def covers(self, resource: Resource) -> bool:
        """Whether this resource has facts (decided from the resource alone)."""

    def facts(self, resource: Resource, repository: Repository) -> View:
        """The resource's facts; keys may record their source path in the resource."""


class ResourceFacts(dict):  # type: ignore[type-arg]
    """Facts shaped like the resource's own data, plus where it runs.

    A platform whose checks are ordinary conditions on its files, but whose
    failures should name what the rest of the repository says (the app
    that installs a requirements file), returns the resource data in one of
    these: paths in it are paths in the file, so each finding keeps its own
    line, and ``context`` ("installed by Heroku app shop (app.json)") is
    added to the summary of every failure read from it.
    """

    __slots__ = ("context",)

    def __init__(self, data: Any, context: str = "") -> None:
        super().__init__(data)
        self.context = context


def _order(resource: Resource) -> tuple:
    return (resource.document.path, resource.document.index, tuple(str(step) for step in resource.path))


class Repository:
    """Every resource of the run, ordered; facts and indexes made once."""

    def __init__(self, resources: Iterable[Resource]) -> None:
        self.resources: list[Resource] = sorted(resources, key=_order)
        self._facts: dict[int, View] = {}
        self._indexes: dict[Any, Any] = {}

    def of(self, platforms: Iterable[str], kinds: Iterable[str] | None = None) -> list[Resource]:
        wanted_platforms = frozenset(platforms)
        wanted_kinds = frozenset(kinds) if kinds is not None else None
        return [
            r for r in self.resources
            if r.platform in wanted_platforms and (wanted_kinds is None or r.kind in wanted_kinds)
        ]

    def index(self, key: Any, make: Callable[[Repository], Any]) -> Any:
        """A derived index (by namespace, by selector...), built once per repository."""
        if key not in self._indexes:
            self._indexes[key] = make(self)
        return self._indexes[key]

    def facts(self, resource: Resource) -> View | None:
        finder = resource.facts
        if finder is None or not finder.covers(resource):
            return None
        found = self._facts.get(id(resource))
        if found is None:
            found = self._facts[id(resource)] = finder.facts(resource, self)
        return found

"""Live resources, and which declared resource each one is.

A :class:`LiveDocument` already has its declared file's shape, so the
platform's own adapter cuts it into resources; every line lookup answers the
snapshot object's line.  Matching is by platform identity: the platform
family (OpenShift and Knative objects are Kubernetes ones), the owner (a
Kubernetes namespace, a DigitalOcean app) and the kind and name.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from ..errors import LocatedError
from ..model.resources import Resource
from ..parsing.documents import Document, ParsedFile
from ..platforms import BUILTIN_PLATFORMS
from ..platforms.base import Platform
from ..platforms.drift_rules import DRIFT_RULES, NO_RULES, DriftRules
from .live import LiveDocument

# Platform id -> the adapter (family) that reads it.
FAMILIES: dict[str, str] = {
    variant.name: platform.name for platform in BUILTIN_PLATFORMS for variant in platform.platform_ids()
}

class LiveStateError(LocatedError):
    """A live snapshot object no adapter of its platform can read."""


class _SnapshotFile(ParsedFile):
    """A snapshot object: every path is on the object's own line."""

    def line_of(self, document: Document, path: tuple) -> int:
        return document.start_line


def family(platform: str) -> str:
    return FAMILIES.get(platform, platform)


def live_resources(
    documents: Iterable[LiveDocument], platforms: Iterable[Platform] = BUILTIN_PLATFORMS, errors: list[LiveStateError] | None = None
) -> list[tuple[Resource, LiveDocument]]:
    """Every live resource, with the snapshot document it came from, in input
    order.  A document no adapter reads raises LiveStateError; with
    ``errors``, it is recorded there and skipped, and the others still count."""
    adapters = {platform.name: platform for platform in platforms}
    found: list[tuple[Resource, LiveDocument]] = []
    for index, live in enumerate(documents):
        adapter = adapters.get(family(live.platform))
        parsed = _SnapshotFile(live.source, live.format, "")
        document = Document(parsed, index, live.data, live.line)
        parsed.documents.append(document)
        if adapter is None:
            problem = LiveStateError(live.source, live.line, f"no platform adapter named {live.platform!r}")
        elif not adapter.detect_live(document):
            problem = LiveStateError(live.source, live.line, f"not {_article(adapter.title)} {adapter.title} object", "export it with the command docs/live-state.md names")
        else:
            found.extend((resource, live) for resource in adapter.resources(document))
            continue
        if errors is None:
            raise problem
        errors.append(problem)
    return found


def _article(word: str) -> str:
    return "an" if word[:1].upper() in "AEIOU" else "a"


def rules(platform: str) -> DriftRules:
    return DRIFT_RULES.get(family(platform), NO_RULES)


def owner(resource: Resource) -> str | None:
    """The namespace or app a resource belongs to ("" for the platform as a
    whole); None: cluster-wide, never reported as undeclared."""
    return rules(resource.platform).owner(resource)


@dataclass(frozen=True, order=True)
class Identity:
    family: str
    owner: str
    kind: str
    name: str

    @property
    def ref(self) -> str:
        return "/".join(part for part in (self.kind, self.owner, self.name) if part)


def identity(resource: Resource) -> Identity:
    name = family(resource.platform)
    found_owner = owner(resource) or ""
    if rules(name).case_free_names:
        return Identity(name, found_owner, resource.kind.lower(), resource.name.lower())
    return Identity(name, found_owner, resource.kind, resource.name)


def coverage(identity_: Identity) -> tuple[str, str]:
    """What must be present live for a declared resource to be compared."""
    found = rules(identity_.family)
    if found.whole_snapshot:
        return identity_.family, ""
    if found.namespaced:
        # A namespace present live is covered whole: a deleted object is
        # missing even when it was the last of its kind.  The export must
        # list every kind the repository declares (docs/live-state.md).
        return identity_.family, f"namespace:{identity_.owner}"
    return identity_.family, identity_.kind


def nested_paths(resource: Resource, platforms: Iterable[Platform] = BUILTIN_PLATFORMS) -> tuple[tuple, ...]:
    """Paths (relative to the resource's data) of the other resources cut from
    inside it: a DigitalOcean app's components, an ARM site's config children.
    They are compared as resources of their own."""
    adapter = {platform.name: platform for platform in platforms}.get(family(resource.platform))
    if adapter is None:
        return ()
    depth = len(resource.path)
    return tuple(
        other.path[depth:]
        for other in adapter.resources(resource.document)
        if len(other.path) > depth and other.path[:depth] == resource.path
    )

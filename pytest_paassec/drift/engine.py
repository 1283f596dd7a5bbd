"""Drift of a whole run: every declared resource against live state.

Per declared resource whose platform and kind the live state covers (see
resources.coverage): its differences, or ``missing`` when nothing live
matches it.  Live resources the repository does not declare are reported
only in a namespace (Kubernetes) or app (DigitalOcean) the repository
declares at all, and on the other platforms when the repository declares
that platform, so a cluster's system namespaces are not noise.

Live posture drift: the baseline controls run on live state too; a control
that passes on the declared resource (or does not apply to it) but fails on
the live one is reported at its own severity, with the live violations.  A
live value for a setting the repository declares as a reference (a
secretKeyRef, an app.json ``required`` var, a Key Vault reference) is the
platform holding the secret as intended, not a plaintext secret.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from ..model.repository import Repository
from ..model.resources import Resource
from ..platforms import BUILTIN_PLATFORMS
from ..rules.catalog import Catalog
from ..rules.controls import Control, Severity, Violation
from ..rules.engine import _evaluate
from .compare import Difference, compare
from .ignore import IgnoreList, build_ignore
from .live import LiveDocument, Secret
from .normalize import logical_name, prepare
from .resources import Identity, LiveStateError, coverage, family, identity, live_resources, owner, rules

IN_SYNC, DRIFTED, MISSING, UNDECLARED = "in-sync", "drifted", "missing", "undeclared"


@dataclass
class PostureDrift:
    """A control that holds in the repository but fails live."""

    control: Control
    severity: Severity
    violations: list[Violation]
    declared: bool = True  # False: the resource is live only

    def render(self) -> list[str]:
        where = "passes in the repository, fails live" if self.declared else "fails live"
        head = f"{self.control.id} ({self.severity.label}) {where}: {self.control.title}"
        return [head] + [f"  {violation.render()}" for violation in self.violations]


@dataclass
class ResourceDrift:
    status: str  # in-sync, drifted, missing, undeclared
    identity: Identity
    declared: Resource | None = None
    live: Resource | None = None
    snapshot: LiveDocument | None = None
    differences: list[Difference] = field(default_factory=list)
    posture: list[PostureDrift] = field(default_factory=list)

    @property
    def ref(self) -> str:
        """Kind/namespace/name on Kubernetes (the default namespace applied),
        else the resource's own ref as the repository (or live state) names it."""
        resource = self.declared or self.live
        if resource is None or rules(resource.platform).namespaced:
            return self.identity.ref
        return resource.ref

    @property
    def where(self) -> tuple[str, int]:
        """The declared file and line, else the snapshot's."""
        if self.declared is not None:
            return self.declared.document.path, self.declared.line
        assert self.live is not None
        return self.live.document.path, self.live.line

    @property
    def severity(self) -> Severity | None:
        """The highest posture severity, if any control fails live."""
        return max((p.severity for p in self.posture), default=None)

    def render(self) -> str:
        """The failure text: a summary line, then each difference and posture failure."""
        file, line = self.where
        if self.status == MISSING:
            lines = [f"{self.ref}: declared in {file}:{line}, missing live"]
        elif self.status == UNDECLARED:
            lines = [f"{self.ref}: live ({file}:{line}) but not declared in the repository"]
        else:
            count = len(self.differences)
            parts = [f"{count} field{'s' if count != 1 else ''} differ"] if count else []
            if self.posture:
                parts.append(f"{len(self.posture)} control{'s' if len(self.posture) != 1 else ''} fail live")
            lines = [f"{self.ref}: {', '.join(parts) or 'in sync'} ({file}:{line})"]
        lines += [f"  {difference.render()}" for difference in self.differences]
        for posture in self.posture:
            lines += [f"  {text}" for text in posture.render()]
        return "\n".join(lines)


@dataclass
class DriftResult:
    entries: list[ResourceDrift]
    # Snapshot documents no adapter reads: reported, never a silent pass.
    errors: list[LiveStateError] = field(default_factory=list)

    def with_status(self, *statuses: str) -> list[ResourceDrift]:
        return [entry for entry in self.entries if entry.status in statuses]

    @property
    def drifted(self) -> list[ResourceDrift]:
        return self.with_status(DRIFTED, MISSING, UNDECLARED)


SECRET_STAND_IN = "live-secret-value-masked"


def _without_secrets(data: Any) -> Any:
    if isinstance(data, Secret):
        return SECRET_STAND_IN
    if isinstance(data, dict):
        return {key: _without_secrets(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_without_secrets(value) for value in data]
    return data


def _stand_in(document: LiveDocument) -> LiveDocument:
    return replace(document, data=_without_secrets(document.data))


def _declared_order(resource: Resource) -> tuple:
    return (resource.document.path, resource.document.index, tuple(str(step) for step in resource.path))


def _pair(declared: list[Resource], live: list[tuple[Resource, LiveDocument]]):  # type: ignore[no-untyped-def]
    """(declared, live or None) pairs and the unmatched live resources."""
    by_identity: dict[Identity, tuple[Resource, LiveDocument]] = {}
    for resource, snapshot in live:
        by_identity.setdefault(identity(resource), (resource, snapshot))
    pairs: list[tuple[Resource, tuple[Resource, LiveDocument] | None]] = []
    used: set[Identity] = set()
    for resource in declared:
        key = identity(resource)
        match = by_identity.get(key) if key not in used else None
        if match is not None:
            used.add(key)
        pairs.append((resource, match))
    # Declared names that are not live identities (DriftRules.unnamed).
    for family_name in sorted({key.family for key in by_identity if rules(key.family).unnamed}):
        family_rules = rules(family_name)
        for kind in family_rules.unnamed:
            lonely = [i for i, (resource, match) in enumerate(pairs) if match is None and identity(resource).family == family_name and resource.kind == kind]
            spare = [key for key in by_identity if key not in used and key.family == family_name and key.kind == kind]
            if len(spare) == 1 and (len(lonely) == 1 or (family_rules.unnamed_shared and lonely)):
                used.add(spare[0])
                for i in lonely:
                    pairs[i] = (pairs[i][0], by_identity[spare[0]])
    unmatched = [(resource, snapshot) for resource, snapshot in live if identity(resource) not in used]
    return pairs, unmatched


def _reference_paths(declared: Resource | None, live: Resource) -> list[tuple]:
    """Live env entries (document paths) the repository declares as references."""
    if declared is None:
        return []
    referenced = {entry.get("name") for _, entry in declared.select("env") if entry.get("reference")}
    return [live.path + path for path, entry in live.select("env") if entry.get("name") in referenced]


def _exempt(violation: Violation, live: Resource, references: list[tuple], ignore: IgnoreList) -> bool:
    """A violation on a referenced secret, or on a field the platform manages."""
    if any(violation.path[: len(path)] == path for path in references):
        return True
    relative = violation.path[len(live.path) :]
    name = family(live.platform)
    return bool(relative) and ignore.ignored(name, logical_name(name, prepare(name, live.data), relative))


def posture(
    declared: Resource | None,
    live: Resource,
    catalog: Catalog,
    declared_repository: Repository,
    live_repository: Repository,
    ignore: IgnoreList,
) -> list[PostureDrift]:
    """Controls that pass on the declared resource (or do not apply) and fail live."""
    found = []
    for control in catalog.for_platform(live.platform):
        if not control.is_applicable(live):
            continue
        if declared is not None and control.is_applicable(declared) and _evaluate(control, declared, declared_repository):
            continue
        exempt = _reference_paths(declared, live)
        violations = [
            violation
            for violation in _evaluate(control, live, live_repository)
            if not _exempt(violation, live, exempt, ignore)
        ]
        if violations:
            found.append(PostureDrift(control, control.severity, violations, declared is not None))
    return found


def drift(
    declared: list[Resource],
    live: list[LiveDocument],
    catalog: Catalog,
    ignore: IgnoreList | None = None,
) -> DriftResult:
    """Compare the declared resources with the live documents."""
    ignore = ignore if ignore is not None else build_ignore()
    platforms = list(catalog.platforms.values()) or list(BUILTIN_PLATFORMS)
    errors: list[LiveStateError] = []
    live_found = live_resources(live, platforms, errors)
    # Controls see a live secret as the literal it is (its own str reads as
    # a placeholder); the stand-in tells them nothing else about it.  The
    # same documents are skipped, so the two lists stay aligned.
    checked = [resource for resource, _ in live_resources([_stand_in(doc) for doc in live], platforms, [])]
    checked_for = {id(resource): twin for (resource, _), twin in zip(live_found, checked)}
    covered = {coverage(identity(resource)) for resource, _ in live_found}
    in_scope = sorted(
        (r for r in declared if coverage(identity(r)) in covered),
        key=_declared_order,
    )
    pairs, unmatched = _pair(in_scope, live_found)
    declared_repository = Repository(declared)
    live_repository = Repository(checked)
    entries: list[ResourceDrift] = []
    for resource, match in pairs:
        key = identity(resource)
        if match is None:
            entries.append(ResourceDrift(MISSING, key, declared=resource))
            continue
        live_resource, snapshot = match
        differences = compare(resource, live_resource, ignore)
        failing = posture(resource, checked_for[id(live_resource)], catalog, declared_repository, live_repository, ignore)
        status = DRIFTED if differences or failing else IN_SYNC
        entries.append(ResourceDrift(status, key, resource, live_resource, snapshot, differences, failing))
    owners = {(identity(r).family, identity(r).owner) for r in declared if owner(r) is not None}
    undeclared = []
    for live_resource, snapshot in unmatched:
        key = identity(live_resource)
        if owner(live_resource) is None or (key.family, key.owner) not in owners:
            continue
        if (live_resource.kind, live_resource.name) in rules(key.family).server_created:
            continue
        failing = posture(None, checked_for[id(live_resource)], catalog, declared_repository, live_repository, ignore)
        undeclared.append(ResourceDrift(UNDECLARED, key, live=live_resource, snapshot=snapshot, posture=failing))
    entries.extend(sorted(undeclared, key=lambda entry: entry.identity))
    return DriftResult(entries, errors)

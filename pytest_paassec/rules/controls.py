"""Controls, severities and violations: the vocabulary every part shares."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Callable, Mapping

from ..masking import render_value
from ..model.repository import REPOSITORY_SUBJECT
from ..model.workload import NORMALIZED_SUBJECTS, View, field_label
from .conditions import MISSING, Condition, Finding
from .pathselect import SelectorCache, SelectorError, format_path

if TYPE_CHECKING:
    from ..model.repository import Repository
    from ..model.resources import Resource


class Severity(enum.IntEnum):
    INFO = 0
    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, value: Any) -> Severity:
        if isinstance(value, Severity):
            return value
        if isinstance(value, str) and value.upper() in cls.__members__:
            return cls[value.upper()]
        raise ValueError(f"unknown severity {value!r}; use one of {', '.join(s.label for s in cls)}")


CATEGORIES = (
    "secrets",
    "resources",
    "encryption",
    "least-privilege",
    "network",
    "identity",
    "images",
    "dependencies",
    "availability",
    "logging",
)


@dataclass(frozen=True, slots=True)
class Violation:
    """A located failure: where (document path and line), what was found, what was expected."""

    file: str
    line: int
    path: tuple
    found: Any
    expected: str
    sensitive: bool = False
    # For a normalized view or facts entry: the field that failed (the path
    # names the source node, not the field) and the adapter's note on how
    # the value came about ("no USER instruction in the final stage").
    field: str = ""
    note: str = ""
    # Where the resource runs, from the repository (ResourceFacts.context).
    context: str = ""

    def shown(self, limit: int = 80) -> str:
        """The found value as every output shows it: masked when it may be a secret."""
        key = self.path[-1] if self.path else None
        return "<missing>" if self.found is MISSING else render_value(self.found, self.sensitive, key, limit)

    def render(self, where: str = "") -> str:
        """``file:line<where>  path  found -> expected``; ``where`` adds to the location."""
        found = self.note or self.shown()
        if self.field:
            found = f"{field_label(self.field)}: {found}"
        return f"{self.file}:{self.line}{where}  {format_path(self.path)}  {found} -> {self.expected}"


# A check takes one subject value (the resource data, a pod spec, a
# container...) and its resource, and gives findings with paths relative to
# that value.
Check = Callable[[Any, "Resource"], list[Finding]]


@dataclass(eq=False)
class Control:
    """One rule: a check per subject entry of every applicable resource."""

    id: str
    title: str
    severity: Severity
    category: str
    check: Check
    platforms: frozenset[str] | None = None  # None: every platform
    kinds: frozenset[str] | None = None  # None: every kind
    subject: str = "resource"  # which part of a resource the check addresses
    when: Condition | None = None  # only subject entries where this holds
    message: str = ""
    remediation: str = ""
    expected: str = ""  # what a failure expects, in words (else the condition's own text)
    references: tuple[str, ...] = ()
    source: str = ""  # "file:line" of the definition
    sensitive: bool = False  # mask every found value (secrets controls)
    overridden: str = ""  # why a team changed its severity, if it did
    replaces: tuple[str, ...] = ()  # cross-platform controls this one stands in for
    replaced_on: frozenset[str] = frozenset()  # platforms where another control stands in
    reads: frozenset[str] = frozenset()  # normalized fields the control reads (baseline controls)
    inexpressible_on: frozenset[str] = frozenset()  # platforms whose view lacks a field it reads
    from_baseline: bool = False  # loaded from a baseline file (the catalog knows its title)
    extra: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def report_properties(self) -> tuple[tuple[tuple[str, str], ...], tuple[tuple[str, str], ...]]:
        """This control's JUnit properties, before and after the resource's.

        Baseline controls leave their title out (the summary looks it up);
        controls from plugins and conftests carry it, since under xdist the
        controller may never have seen them.
        """
        head = (("paassec.control", self.id), ("paassec.severity", self.severity.label))
        tail = [("paassec.category", self.category), ("paassec.references", ", ".join(self.references))]
        if not self.from_baseline:
            tail.append(("paassec.title", self.title))
        if self.overridden:
            tail.append(("paassec.override", self.overridden))
        return head, tuple(tail)

    def entries(self, resource: Resource) -> list[tuple[tuple, Any]]:
        """The subject entries this control checks on a resource."""
        entries = resource.select(self.subject)
        if self.when is not None:
            entries = [(path, value) for path, value in entries if self.when.holds(value)]
        return entries

    def is_applicable(self, resource: Resource) -> bool:
        if self.platforms is not None and resource.platform not in self.platforms:
            return False
        if resource.platform in self.replaced_on or resource.platform in self.inexpressible_on:
            return False
        if self.kinds is not None and resource.kind not in self.kinds:
            return False
        return bool(self.entries(resource))

    @property
    def spans_files(self) -> bool:
        """Whether the check reads the repository's facts (other files)."""
        return self.subject == REPOSITORY_SUBJECT

    def evaluate(self, resource: Resource, repository: Repository | None = None) -> list[Violation]:
        """Run the check on each subject entry; locate findings in the file.

        A control with ``subject: repository`` checks the resource's facts,
        which need the repository of the run.
        """
        violations = []
        entries = self.entries(resource)
        if self.spans_files and entries:
            if repository is None:
                raise ValueError(f"{self.id} reads other files: evaluate it with the run's repository")
            facts = repository.facts(resource)
            entries = [(base, facts) for base, _ in entries] if facts is not None else []
            context = getattr(facts, "context", "")
        else:
            context = ""
        # Inside a normalized View, a finding's path names View keys, not
        # file structure: it points at the key's recorded source, else at
        # the entry's own source path.
        findings = [
            (_view_path(value, base, finding.path) if isinstance(value, View) else base + finding.path, finding, _field(value, finding.path))
            for base, value in entries
            for finding in self.check(value, resource)
        ]
        for relative, finding, (view_field, note) in findings:
            path = resource.path + relative
            file, line = resource.locate(path)
            violations.append(
                Violation(
                    file=file,
                    line=line,
                    path=path,
                    found=finding.found,
                    expected=self.expected or finding.expected,
                    sensitive=self.sensitive,
                    field=view_field,
                    note=note,
                    context=context,
                )
            )
        return violations

    def summary(self, resource: Resource, violations: list[Violation]) -> str:
        """The one-line failure summary: ``ID (severity) resource: message``."""
        template = self.message or self.title
        fields = {
            "name": resource.name,
            "kind": resource.kind,
            "scope": resource.scope or "",
            "platform": resource.platform,
            "count": len(violations),
            # The first finding, as every output shows it (masked when sensitive):
            # lets a fact that states the problem in words be the summary.
            "found": violations[0].shown(limit=200) if violations else "",
        }
        try:
            text = template.format_map(fields)
        except (KeyError, ValueError, IndexError, AttributeError):
            text = template
        if violations and violations[0].context:
            text = f"{text}; {violations[0].context}"
        return f"{self.id} ({self.severity.label}) {resource.ref}: {text}"


def _field(value: Any, path: tuple) -> tuple[str, str]:
    """The view field a finding is about, and the adapter's note on it."""
    if not isinstance(value, View) or not path or not isinstance(path[0], str):
        return "", ""
    return path[0], value.note(path[0])


def _view_path(view: View, base: tuple, path: tuple) -> tuple:
    if path and path[0] in view.sources:
        return view.sources[path[0]]
    return base


# Compound operators whose operands address the same subject entry; a
# for_each's own operands address the items below its path instead.
_COMPOUND = ("all_of", "any_of", "none_of", "not")


def fields_read(spec: Any, selectors: SelectorCache) -> frozenset[str]:
    """The top-level fields of its subject entry a condition reads: the first
    step of each leaf's path (``memory_bytes``, ``$.value`` -> ``value``)."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
            return
        if not isinstance(node, dict):
            return
        if isinstance(node.get("for_each"), dict):
            node = node["for_each"]
        elif any(key in node for key in _COMPOUND):
            for key in _COMPOUND:
                walk(node.get(key))
            return
        path = node.get("path", "$")
        try:
            prefix = selectors.get(path).static_prefix if isinstance(path, str) else ()
        except SelectorError:
            prefix = ()
        if prefix and isinstance(prefix[0], str):
            found.add(prefix[0])

    walk(spec)
    return frozenset(found)


def inexpressible_on(reads: frozenset[str], subject: str, platform_fields: Mapping[str, Mapping[str, frozenset[str]] | None]) -> frozenset[str]:
    """The platforms whose declared view lacks one of the fields a
    cross-platform control reads; platforms that declare nothing get every control."""
    if subject not in NORMALIZED_SUBJECTS:
        return frozenset()
    return frozenset(
        name for name, fields in platform_fields.items() if fields is not None and not reads <= fields.get(subject, frozenset())
    )


def condition_check(condition: Condition) -> Check:
    """A check that evaluates a compiled condition against a subject value."""

    def check(value: Any, resource: Any) -> list[Finding]:
        return condition.check(value, ())

    return check

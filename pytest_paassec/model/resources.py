"""Resources: the units a platform adapter cuts a document into.

A Kubernetes document is one resource; a compose file holds one per service;
a Cloud Foundry manifest one per application.  Every item is one control on
one resource, named ``CONTROL-ID[resource.ref]``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Callable

from ..parsing.documents import Document
from ..parsing.names import clean_ref_part
from .repository import REPOSITORY_SUBJECT

if TYPE_CHECKING:
    from .repository import Facts

# A subject is a named part of a resource that controls address: the whole
# resource, a Kubernetes pod spec, every container...  Each entry is a path
# (relative to the resource data) and the value there.
SubjectEntries = list[tuple[tuple, Any]]
SubjectFinder = Callable[["Resource"], SubjectEntries]

@dataclass(eq=False)
class Resource:
    platform: str
    kind: str
    name: str
    document: Document
    data: Any
    path: tuple = ()  # where ``data`` sits in ``document.data``
    scope: str | None = None  # namespace, app, service... when the platform has one
    subjects: dict[str, SubjectFinder] = field(default_factory=dict)
    # What the platform knows about it from other files (repository.py).
    facts: Facts | None = None
    # Subject entries, found once: every control on the resource asks again.
    _selected: dict[str, SubjectEntries] = field(default_factory=dict, repr=False)

    @cached_property
    def ref(self) -> str:
        parts = [self.kind, self.scope, self.name] if self.scope else [self.kind, self.name]
        return "/".join(clean_ref_part(p) for p in parts)

    @property
    def identity(self) -> str:
        """What a finding's fingerprint names the resource by: its ref,
        unless the ref holds something that moves (a line number)."""
        return self.ref

    @cached_property
    def line(self) -> int:
        return self.document.line_of(self.path)

    @cached_property
    def report_properties(self) -> tuple[tuple[str, str], ...]:
        """The JUnit properties every item on this resource shares."""
        return (
            ("paassec.platform", self.platform),
            ("paassec.resource", self.ref),
            ("paassec.file", self.document.path),
            ("paassec.line", str(self.line)),
        )

    def locate(self, path: tuple) -> tuple[str, int]:
        """File and line of a path into the document.  Resources merged from
        several files (compose overrides, extends, env files) override this
        to say which file each value came from."""
        return self.document.path, self.document.line_of(path)

    def select(self, subject: str) -> SubjectEntries:
        """Entries of a named subject; ``resource`` is the data itself."""
        entries = self._selected.get(subject)
        if entries is None:
            if subject == "resource":
                entries = [((), self.data)]
            elif subject == REPOSITORY_SUBJECT:
                # The facts come later; ``when:`` reads the resource itself.
                entries = [((), self.data)] if self.facts is not None and self.facts.covers(self) else []
            else:
                finder = self.subjects.get(subject)
                entries = finder(self) if finder is not None else []
            self._selected[subject] = entries
        return entries

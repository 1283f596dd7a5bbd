"""The collector (one per deployment file) and its items.

``DeploymentFile.collect`` parses the file once, asks the platform adapters
for resources and yields one :class:`ControlItem` per applicable (control,
resource) pair, in document order then control id: a pure function of the
file and the configuration, so every xdist worker collects the same list.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest

from .controls import Control, Violation
from .discovery import Candidate
from .documents import FORMATS, Document, ParsedFile, parse_text, read_text
from .engine import plan_checks
from .errors import LocatedError, ParseError
from .reporting.failures import control_failure_repr, crash_repr, located_error_repr
from .resources import Resource, clean_ref_part
from .state import STATE, SessionState

MARKER = "paassec"


class ControlFailure(Exception):
    """Raised by a control item whose control found violations."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        super().__init__(f"{len(violations)} violation(s)")


class DeploymentFile(pytest.File):
    """A deployment file: parsed once when collected."""

    def __init__(self, *, candidate: Candidate, text: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.candidate = candidate
        self._text = text
        self._hook_proxy: Any = None

    @property
    def ihook(self) -> Any:
        # Items share their file's hook proxy: computing it walks conftests.
        if self._hook_proxy is None:
            self._hook_proxy = self.session.gethookproxy(self.path)
        return self._hook_proxy

    def child_id(self, name: str) -> str:
        # Given as a string so pytest (9.2+) parses "ID[ref]" as a name with
        # parameters, exactly as it parses ids read back from its cache;
        # otherwise --lf and --ff would not recognise our items.
        return f"{self.nodeid}::{name}"

    @property
    def relpath(self) -> str:
        try:
            return self.path.relative_to(self.config.rootpath).as_posix()
        except ValueError:
            return self.path.as_posix()

    def collect(self) -> Iterator[pytest.Item]:
        state = self.config.stash[STATE]
        relpath = self.relpath
        extra, errors = state.contributions.for_hook(self.ihook, self.config)
        for error in errors:
            name = f"PAASSEC-CONTROL[{clean_ref_part(error.path.rsplit('/', 1)[-1])}:{error.line or 1}]"
            yield InputErrorItem.from_parent(self, name=name, nodeid=self.child_id(name), error=error)
        parsed = state.parsed.pop(self.path, None)  # already parsed by the inventory
        if parsed is not None:
            yield from self._items(parsed, state, extra)
            return
        try:
            text = self._text if self._text is not None else read_text(self.path, relpath, state.settings.max_file_size)
        except ParseError as error:
            yield InputErrorItem.from_parent(self, name="PAASSEC-INPUT[file]", nodeid=self.child_id("PAASSEC-INPUT[file]"), error=error)
            return
        self._text = None  # the parsed file keeps it; do not hold two copies
        yield from self._items(self._parse(relpath, text), state, extra)

    def _parse(self, relpath: str, text: str) -> ParsedFile:
        fmt = self.candidate.format
        if fmt in FORMATS:
            return parse_text(relpath, fmt, text)
        parsed = ParsedFile(relpath=relpath, format=fmt, text=text)
        try:
            result = self.ihook.pytest_paassec_parse(relpath=relpath, format=fmt, text=text)
        except ParseError as error:
            parsed.error = error
            return parsed
        if result is None:
            parsed.error = ParseError(relpath, None, f"no parser for format {fmt!r}", "implement pytest_paassec_parse for it")
        elif isinstance(result, ParsedFile):
            return result
        else:
            parsed.documents = [Document(parsed, index, data, 1) for index, data in enumerate(result)]
        return parsed

    def _items(self, parsed: ParsedFile, state: SessionState, extra: tuple[Control, ...] = ()) -> Iterator[pytest.Item]:
        names: dict[str, int] = {}
        plan = plan_checks(parsed, self.candidate, state.catalog, state.settings.wants, extra)
        for resource, control in plan.checks:
            name = f"{control.id}[{resource.ref}]"
            seen = names[name] = names.get(name, 0) + 1
            if seen > 1:
                name = f"{control.id}[{resource.ref}~{seen}]"
            yield ControlItem.from_parent(self, name=name, nodeid=self.child_id(name), control=control, resource=resource)
        if parsed.error is not None:
            yield InputErrorItem.from_parent(self, name="PAASSEC-INPUT[parse]", nodeid=self.child_id("PAASSEC-INPUT[parse]"), error=parsed.error)
        elif not plan.claimed and self.candidate.by_name:
            state.unrecognized.append(parsed.relpath)


def _marker_for(control: Control, platform: str, cache: dict) -> Any:
    key = (control.id, platform)
    mark = cache.get(key)
    if mark is None:
        mark = cache[key] = getattr(pytest.mark, MARKER)(
            control=control.id, severity=control.severity.label, platform=platform, category=control.category
        )
    return mark


class ControlItem(pytest.Item):
    """One control checked on one resource."""

    def __init__(self, *, control: Control, resource: Resource, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.control = control
        self.resource = resource
        file: DeploymentFile = self.parent  # type: ignore[assignment]
        marks = file.session.stash.setdefault(_MARK_CACHE, {})
        self.add_marker(_marker_for(control, resource.platform, marks))
        # -k matches these words as it matches names and markers.
        self.extra_keyword_matches.update((control.severity.label, control.category, resource.platform))
        self._line = resource.line
        self.user_properties = [
            ("paassec.control", control.id),
            ("paassec.severity", control.severity.label),
            ("paassec.platform", resource.platform),
            ("paassec.resource", resource.ref),
            ("paassec.file", resource.document.path),
            ("paassec.line", str(self._line)),
            ("paassec.category", control.category),
            ("paassec.references", ", ".join(control.references)),
            ("paassec.title", control.title),
        ]
        if control.overridden:
            self.user_properties.append(("paassec.override", control.overridden))

    @property
    def ihook(self) -> Any:
        return self.parent.ihook  # type: ignore[union-attr]

    def violations(self) -> list[Violation]:
        return self.control.evaluate(self.resource)

    def runtest(self) -> None:
        violations = self.violations()
        if violations:
            raise ControlFailure(violations)

    def failure_repr(self, violations: list[Violation]) -> Any:
        return control_failure_repr(self.control, self.resource, violations)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, ControlFailure):
            return self.failure_repr(excinfo.value.violations)
        function = self.control.extra.get("function")
        if function is not None and isinstance(excinfo.value, Exception):
            return crash_repr(self.control, self.resource, function, excinfo)
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self._line - 1, self.name


class InputErrorItem(pytest.Item):
    """A file (or baseline) that could not be evaluated: an error, never a pass."""

    def __init__(self, *, error: LocatedError, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error = error
        self.user_properties = [
            ("paassec.control", "PAASSEC-INPUT"),
            ("paassec.severity", "critical"),
            ("paassec.file", error.path),
            ("paassec.line", str(error.line or 1)),
        ]

    def runtest(self) -> None:  # only reached through the default protocol
        raise self.error

    def error_repr(self) -> Any:
        return located_error_repr(self.error)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, LocatedError):
            return self.error_repr()
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, (self.error.line or 1) - 1, f"cannot evaluate {self.error.path}"


_MARK_CACHE = pytest.StashKey[dict]()

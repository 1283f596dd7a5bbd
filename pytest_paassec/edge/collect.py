"""The collector (one per deployment file) and its items.

``DeploymentFile.collect`` parses the file once, asks the platform adapters
for resources and yields one :class:`ControlItem` per applicable (control,
resource) pair, in document order then control id: a pure function of the
file and the configuration, so every xdist worker collects the same list.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import Any, Iterator

import pytest

from ..errors import LocatedError, ParseError
from ..model.resources import Resource, clean_ref_part
from ..parsing.discovery import Candidate
from ..parsing.documents import FORMATS, Document, ParsedFile, parse_text, read_text
from ..reporting.failures import control_failure, crash_failure, located_error_failure
from ..rules.controls import Control, Violation
from ..rules.engine import plan_checks
from . import internals
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

    @cached_property
    def location_path(self) -> str:
        """The file relative to the rootdir, as report locations give it."""
        return os.path.relpath(self.path, self.config.rootpath)

    def child_id(self, name: str) -> Any:
        # Built directly (parsing 100,000 id strings costs); see internals.
        return internals.child_id(self, name)

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
            yield self._notice(f"PAASSEC-CONTROL[{clean_ref_part(error.path.rsplit('/', 1)[-1])}:{error.line or 1}]", error)
        outside = _outside_link(self.path, self.config.rootpath)
        if outside is not None:
            yield self._notice("PAASSEC-INPUT[file]", ParseError(relpath, None, f"symbolic link to {outside}, outside the repository; not read", "check the file in, or exclude the link with paassec_exclude"))
            return
        parsed = state.parsed.pop(self.path, None)  # already parsed by the inventory
        if parsed is not None:
            yield from self._items(parsed, state, extra)
            return
        try:
            text = self._text if self._text is not None else read_text(self.path, relpath, state.settings.max_file_size)
        except ParseError as error:
            yield self._notice("PAASSEC-INPUT[file]", error)
            return
        self._text = None  # the parsed file keeps it; do not hold two copies
        if not text.strip():
            yield self._notice("PAASSEC-INPUT[empty]", ParseError(relpath, 1, "file is empty: no document to check", "add the deployment, or delete or exclude the file"))
            return
        template_line = _chart_template_line(self.path, text)
        if template_line is not None:
            yield self._notice("PAASSEC-INPUT[parse]", ParseError(relpath, template_line, "a Helm chart template ({{ ... }}), not a manifest", "render it first (helm template) and scan the output"))
            return
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
        yield from self._notices(parsed, plan)
        if parsed.error is None and not plan.claimed and self.candidate.by_name and parsed.documents:
            if all(isinstance(d.data, dict) for d in parsed.documents):  # others got a notice
                state.unrecognized.append(parsed.relpath)

    def _notice(self, name: str, error: LocatedError, **kwargs: Any) -> NoticeItem:
        return NoticeItem.from_parent(self, name=name, nodeid=self.child_id(name), error=error, **kwargs)

    def _notices(self, parsed: ParsedFile, plan: Any) -> Iterator[pytest.Item]:
        """What the file itself says: parse errors, empty files, documents
        nobody can check, and duplicate keys.  Nothing is dropped silently."""
        relpath = parsed.relpath
        if parsed.error is not None:
            yield self._notice("PAASSEC-INPUT[parse]", parsed.error)
        elif not parsed.documents and self.candidate.by_name:
            yield self._notice("PAASSEC-INPUT[empty]", ParseError(relpath, 1, "file is empty: no document to check", "add the deployment, or delete or exclude the file"))
        for document in plan.unclaimed:
            shape = type(document.data).__name__
            if not isinstance(document.data, dict) and (self.candidate.by_name or plan.claimed):
                problem = f"document {document.index + 1} is a {_SHAPES.get(shape, shape)}, expected a mapping"
            elif plan.claimed:
                problem = f"document {document.index + 1} is not a resource of {plan.platform} or any other platform"
            else:
                continue
            name = f"PAASSEC-INPUT[document-{document.index + 1}]"
            yield self._notice(name, ParseError(relpath, document.start_line, problem, "fix or remove the document"))
        platform = plan.platform or self.candidate.platforms[0]
        for duplicate in parsed.duplicates:
            name = f"PAASSEC-DUPKEY[{clean_ref_part(duplicate.key)}:{duplicate.line}]"
            error = ParseError(
                relpath,
                duplicate.line,
                f"duplicate key {duplicate.key!r} (first at line {duplicate.first_line}): only this last value takes effect, "
                "so a reader of the first one is misled",
                "keep one of the two",
                column=duplicate.column,
            )
            yield self._notice(
                name, error, phase="call", control="PAASSEC-DUPKEY", severity="high", platform=platform, title="Mapping keys must not repeat"
            )


_SHAPES = {"list": "list", "str": "string", "int": "number", "float": "number", "bool": "boolean"}


def _chart_template_line(path: Path, text: str) -> int | None:
    """First line with ``{{`` of a file in a Helm chart's templates/ folder."""
    if "{{" not in text or path.parent.name != "templates" or not (path.parent.parent / "Chart.yaml").is_file():
        return None
    return next(number for number, line in enumerate(text.splitlines(), start=1) if "{{" in line)


def _outside_link(path: Path, root: Path) -> Path | None:
    """The target of a symbolic link that leaves the repository, if it does."""
    try:
        if not any(p.is_symlink() for p in [path, *path.parents] if p != p.parent):
            return None
        target = path.resolve()
        target.relative_to(root.resolve())
    except ValueError:
        return target
    except (OSError, RuntimeError):  # Python < 3.13 raises RuntimeError on a loop
        return None  # a loop or a dangling link: reading it reports the error
    return None


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
        # The pairs are built once per control and once per resource and
        # shared: at 100,000 items, one tuple per pair per item adds up.
        head, tail = control.report_properties
        self.user_properties = [*head, *resource.report_properties, *tail]

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
        return internals.prepared_repr(control_failure(self.control, self.resource, violations))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, ControlFailure):
            return self.failure_repr(excinfo.value.violations)
        function = self.control.extra.get("function")
        if function is not None and isinstance(excinfo.value, Exception):
            return internals.prepared_repr(crash_failure(self.control, self.resource, function, excinfo.value))
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self._line - 1, self.name

    @cached_property
    def location(self) -> tuple[str, int | None, str]:
        # What pytest derives from reportinfo, with the file part computed
        # once per file rather than once per item.
        file: DeploymentFile = self.parent  # type: ignore[assignment]
        return (file.location_path, self._line - 1, self.name)


class NoticeItem(pytest.Item):
    """An item whose outcome is known when it is collected.

    ``phase="setup"``: a file, baseline or control definition that cannot be
    evaluated, reported as an error (never a pass, never a skip).
    ``phase="call"``: a finding about the file itself (a duplicate key),
    reported as a failure like any control.
    """

    def __init__(
        self,
        *,
        error: LocatedError,
        phase: str = "setup",
        control: str = "PAASSEC-INPUT",
        severity: str = "critical",
        platform: str | None = None,
        title: str = "Deployment files must be readable and recognisable",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.error = error
        self.phase = phase
        self.user_properties = [
            ("paassec.control", control),
            ("paassec.severity", severity),
            ("paassec.file", error.path),
            ("paassec.line", str(error.line or 1)),
        ]
        if platform:
            self.user_properties.insert(2, ("paassec.platform", platform))
        self.user_properties.append(("paassec.title", title))

    # Only the standard protocol calls these (runner.run_notice is the lean
    # one); plugin.pytest_runtest_makereport gives a setup error our text.
    def setup(self) -> None:
        if self.phase == "setup":
            raise self.error

    def runtest(self) -> None:
        raise self.error

    def error_repr(self) -> Any:
        return internals.prepared_repr(located_error_failure(self.error))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, LocatedError):
            return self.error_repr()
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, (self.error.line or 1) - 1, self.name


_MARK_CACHE = pytest.StashKey[dict]()

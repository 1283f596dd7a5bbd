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

from ..errors import CoverageNote, LocatedError
from ..governance.assign import Assignment, assign
from ..governance.findings import Finding, findings_of
from ..governance.waivers import Waiver, WaiverError
from ..model.resources import Resource, clean_ref_part
from ..parsing.discovery import Candidate, classify
from ..parsing.intake import Notice, dangling_links, duplicate_key_notices, take_in_file
from ..parsing.selection import relative_path, select_file
from ..reporting.failures import control_failure, crash_failure, located_error_failure
from ..rules.controls import Control, Violation
from ..rules.engine import Plan, plan_checks, unclaimed_notices
from . import internals
from .governance import report_data
from .state import STATE

MARKER = "paassec"


class ControlFailure(Exception):
    """Raised by a control item whose control found violations."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        super().__init__(f"{len(violations)} violation(s)")


def deployment_file(path: Path, parent: pytest.Collector, *, candidate: Candidate | None = None) -> DeploymentFile | None:
    """The collector for a deployment file, or None for any other file."""
    config = parent.config
    candidate = candidate or file_candidate(path, parent.ihook, config)
    if candidate is None:
        return None
    state = config.stash[STATE]
    if not state.in_change(path) or state.is_live_snapshot(path):
        return None
    selected = select_file(path, relative_path(path, config.rootpath), state.settings, candidate, state.discovery)
    if selected is None:
        return None
    candidate, text = selected
    return DeploymentFile.from_parent(parent, path=path, candidate=candidate, text=text)


def file_candidate(path: Path, ihook: Any, config: pytest.Config) -> Candidate | None:
    """A plugin's or conftest's claim on the file (path-aware), else the built-in rules."""
    return ihook.pytest_paassec_candidate(file_path=path, config=config) or classify(path, config.stash[STATE].discovery)


def unfollowable_deployment_files(folder: pytest.Collector) -> list[DeploymentFile]:
    """Dangling or looping links named like deployment files, which pytest's
    walk drops silently: collected so that reading them reports the error."""
    found = []
    for link in dangling_links(folder.path):
        if not folder.ihook.pytest_ignore_collect(collection_path=link, config=folder.config):
            collector = deployment_file(link, folder)
            if collector is not None:
                found.append(collector)
    return found


def session_error_items(session: pytest.Session) -> list[NoticeItem]:
    """Errors in baselines, the waivers file and the known-findings file as
    error items, so a broken one is never silent."""
    state = session.config.stash[STATE]
    if not state.catalog_loaded:
        return []  # no deployment file needed the baselines: nothing was checked
    items = []
    named = [("PAASSEC-BASELINE", e) for e in state.catalog.errors] + [
        ("PAASSEC-WAIVER" if isinstance(e, WaiverError) else "PAASSEC-KNOWN", e) for e in state.governance.errors
    ]
    for control, error in named:
        name = f"{control}[{clean_ref_part(error.path)}:{error.line or 1}]"
        items.append(NoticeItem.from_parent(session, name=name, nodeid=name, error=error, control=control))
    return items


def waiver_notices(waivers: Assignment, strict: bool) -> list[Notice]:
    """Invalid waivers in a file are errors; ones that cover no check are
    skipped items saying so (failures under strict waivers)."""
    notices = [Notice(f"PAASSEC-WAIVER[{clean_ref_part(e.path)}:{e.line or 1}]", e, control="PAASSEC-WAIVER") for e in waivers.errors]
    for waiver in waivers.unused:
        file, _, line = waiver.source.rpartition(":")
        error = WaiverError(file, int(line), f"waiver of {waiver.control} covers no check here", f"remove it, or correct the control id (owner {waiver.owner})")
        notices.append(
            Notice(
                f"PAASSEC-WAIVER[{clean_ref_part(file)}:{line}]",
                error,
                phase="call" if strict else "skip",
                control="PAASSEC-WAIVER",
                severity="low",
                title="Waivers must cover a check",
            )
        )
    return notices


def coverage_notice(relpath: str, resources: list[Resource]) -> Notice:
    """A passing item for a recognised file no control applies to, so the
    reports show it was read (not skipped) and what it holds."""
    refs = [r.ref for r in resources]
    held = ", ".join(refs[:10]) + (f" and {len(refs) - 10} more" if len(refs) > 10 else "")
    fact = CoverageNote(relpath, resources[0].line, f"holds {held}; no selected baseline control applies to them")
    return Notice(
        f"PAASSEC-COVERAGE[{clean_ref_part(relpath.rsplit('/', 1)[-1])}]",
        fact,
        phase="pass",
        control="PAASSEC-COVERAGE",
        severity="info",
        title="Every recognised deployment file is accounted for",
    )


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
        return relative_path(self.path, self.config.rootpath)

    def collect(self) -> Iterator[pytest.Item]:
        state = self.config.stash[STATE]
        extra, errors = state.contributions.for_hook(self.ihook, self.config)
        extra = extra + state.scan_controls if state.settings.imports else extra
        for error in errors:
            yield self._notice(Notice(f"PAASSEC-CONTROL[{clean_ref_part(error.path.rsplit('/', 1)[-1])}:{error.line or 1}]", error))
        intake = state.parsed.pop(self.path, None)  # already read by the inventory
        if intake is None:
            intake = take_in_file(
                self.path, self.config.rootpath, self.candidate, max_size=state.settings.max_file_size, text=self._text, parse_other=self._parse_other
            )
        self._text = None  # the parsed file keeps it; do not hold two copies
        parsed = intake.parsed
        if parsed is None:
            yield from (self._notice(notice) for notice in intake.notices)
            return
        plan = plan_checks(parsed, self.candidate, state.catalog, state.settings.wants, extra)
        state.add_resources(plan.resources)
        governance = state.governance
        waivers = assign(parsed, plan.checks, governance.waivers, today=governance.today, max_days=governance.max_days)
        yield from self._items(plan, waivers)
        if not plan.checks and plan.resources and state.settings.coverage_items:
            yield self._notice(coverage_notice(parsed.relpath, plan.resources), platform=plan.platform)
        platform = plan.platform or self.candidate.platforms[0]
        for notice in [*intake.notices, *unclaimed_notices(plan, self.candidate), *duplicate_key_notices(parsed), *waiver_notices(waivers, governance.strict)]:
            yield self._notice(notice, platform=platform if notice.phase == "call" else None)
        if parsed.error is None and not plan.claimed and self.candidate.by_name and parsed.documents:
            if all(isinstance(d.data, dict) for d in parsed.documents):  # others got a notice
                state.unrecognized.append(parsed.relpath)

    def _parse_other(self, relpath: str, fmt: str, text: str) -> Any:
        return self.ihook.pytest_paassec_parse(relpath=relpath, format=fmt, text=text)

    def _items(self, plan: Plan, waivers: Assignment) -> Iterator[pytest.Item]:
        names: dict[str, int] = {}
        heads: dict[str, Any] = {}  # the ids of one control's items share their head
        for resource, control in plan.checks:
            params = resource.ref
            name = f"{control.id}[{params}]"
            seen = names[name] = names.get(name, 0) + 1
            if seen > 1:
                params = f"{resource.ref}~{seen}"
                name = f"{control.id}[{params}]"
            waiver = waivers.waiver_for(control.id, resource) if waivers.by_check else None
            nodeid = internals.item_id(self, control.id, params, heads)
            yield ControlItem.from_parent(self, name=name, nodeid=nodeid, control=control, resource=resource, waiver=waiver)

    def _notice(self, notice: Notice, platform: str | None = None) -> NoticeItem:
        return NoticeItem.from_parent(
            self,
            name=notice.name,
            nodeid=self.child_id(notice.name),
            error=notice.error,
            phase=notice.phase,
            control=notice.control,
            severity=notice.severity,
            platform=platform,
            title=notice.title,
        )


def _shared(session: pytest.Session, key: tuple, make: Any) -> Any:
    """One object per key for the whole session (marks, keyword sets)."""
    cache = session.stash.setdefault(_SHARED, {})
    found = cache.get(key)
    if found is None:
        found = cache[key] = make()
    return found


def _marker_for(session: pytest.Session, control: Control, platform: str) -> Any:
    return _shared(
        session,
        ("mark", control.id, platform, control.severity),
        lambda: getattr(pytest.mark, MARKER)(control=control.id, severity=control.severity.label, platform=platform, category=control.category),
    )


_NO_VIOLATIONS: tuple[Violation, ...] = ()


class ControlItem(pytest.Item):
    """One control checked on one resource.

    At 100,000 items every per-item object counts, so an item holds slots
    rather than a ``__dict__``, shares what its siblings share (its mark,
    its ``-k`` words, the halves of its JUnit properties) and makes
    ``keywords``, ``stash``, report sections and ``user_properties`` only
    when something asks for them (see internals.ITEM_ATTRIBUTES).
    """

    __slots__ = (
        "control",
        "resource",
        "waiver",
        "_violations",
        "_findings",
        "own_markers",
        "extra_keyword_matches",
        "_keywords",
        "_stash",
        "_sections",
        "_properties",
        "_after",
    )

    def __init__(self, *, control: Control, resource: Resource, waiver: Waiver | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # Drop what Node/Item.__init__ just made: each is rebuilt on first use.
        self._keywords = self._stash = self._sections = self._properties = None
        # JUnit properties known once the check ran: paassec.diff, paassec.commit...
        self._after: tuple[tuple[str, str], ...] = ()
        self.control = control
        self.resource = resource
        self.waiver = waiver
        self._violations: list[Violation] | tuple[Violation, ...] = _NO_VIOLATIONS  # the last run's
        self._findings: list[Finding] | None = None  # their fingerprints, made when asked for
        session = self.session
        # What add_marker does, without building keywords now (see keywords).
        self.own_markers = [_marker_for(session, control, resource.platform).mark]
        # -k matches these words as it matches names and markers.
        words = (control.severity.label, control.category, resource.platform)
        self.extra_keyword_matches = _shared(session, ("words", *words), lambda: frozenset(words))
        if waiver is not None:
            governance = self.config.stash[STATE].governance
            if not waiver.expired(governance.today):
                # pytest's own xfail: XFAIL while it fails, XPASS once it passes.
                self.add_marker(pytest.mark.xfail(reason=f"waived: {waiver.describe()}", strict=governance.strict, run=True))

    @property
    def keywords(self) -> Any:  # type: ignore[override]
        if self._keywords is None:
            self._keywords = internals.node_keywords(self)
            self._keywords[MARKER] = _marker_for(self.session, self.control, self.resource.platform).mark
        return self._keywords

    @keywords.setter
    def keywords(self, value: Any) -> None:
        self._keywords = value

    @property
    def stash(self) -> pytest.Stash:  # type: ignore[override]
        if self._stash is None:
            self._stash = pytest.Stash()
        return self._stash

    @stash.setter
    def stash(self, value: pytest.Stash) -> None:
        self._stash = value

    # Node's deprecated alias of stash (a slot of Node's): the same object.
    _store = stash

    @property
    def _report_sections(self) -> list[tuple[str, str, str]]:
        if self._sections is None:
            self._sections = []
        return self._sections

    @_report_sections.setter
    def _report_sections(self, value: list[tuple[str, str, str]]) -> None:
        self._sections = value

    @property
    def user_properties(self) -> list[tuple[str, object]]:  # type: ignore[override]
        if self._properties is None:
            self._properties = self.report_properties()
        return self._properties

    @user_properties.setter
    def user_properties(self, value: list[tuple[str, object]]) -> None:
        self._properties = value

    def report_properties(self) -> list[tuple[str, object]]:
        """The JUnit properties: ``user_properties`` once anyone touched it,
        else built from the control's and the resource's shared pairs."""
        if self._properties is not None:
            return self._properties
        head, tail = self.control.report_properties
        return [*head, *self.resource.report_properties, *tail, *self._after]

    @property
    def ihook(self) -> Any:
        return self.parent.ihook  # type: ignore[union-attr]

    def violations(self) -> list[Violation]:
        state = self.config.stash[STATE]
        violations = self.control.evaluate(self.resource, state.repository if self.control.spans_files else None)
        self._violations, self._findings = violations or _NO_VIOLATIONS, None
        after: list[tuple[str, str]] = []
        if state.diff_base is not None:
            after.append(("paassec.diff", state.diff_base.state_of(self.findings(), self.resource.document.path, self.control.id, self.resource.ref)))
        if violations and state.blame_repository is not None:
            blame = state.blame_of(violations[0].file, violations[0].line)
            if blame is not None:
                after += [("paassec.commit", blame.commit or "uncommitted"), ("paassec.author", blame.author), ("paassec.date", blame.date)]
        if after:
            self._after = tuple(after)
            if self._properties is not None:  # the standard protocol made them for the setup report
                self._properties.extend(after)
        return violations

    def findings(self) -> list[Finding]:
        if self._findings is None:
            self._findings = findings_of(self.control.id, self.resource.identity, self._violations) if self._violations else []
        return self._findings

    def known_reason(self) -> str | None:
        """Why a failure is expected: every finding is in the known-findings
        file, or (--paassec-diff) was already there at the revision."""
        if not self._violations:
            return None
        state = self.config.stash[STATE]
        governance = state.governance
        if governance.known_file and governance.is_known(self.findings()):
            return f"known finding, recorded in {governance.known_file}"
        if ("paassec.diff", "unchanged") in self._after:
            base = state.diff_base
            return f"already failing at {base.revision} ({base.commit[:7]})"
        return None

    def report_data(self) -> dict[str, Any] | None:
        """What the call report carries for the controller; None when no
        report, known-findings file or waiver needs it (most runs)."""
        state = self.config.stash[STATE]
        if not state.settings.wants_findings and self.waiver is None:
            return None
        findings = self.findings()
        return report_data(findings, self._violations, self.waiver, state.governance.is_known(findings))

    def runtest(self) -> None:
        violations = self.violations()
        if violations:
            reason = self.known_reason()
            if reason is not None:
                pytest.xfail(reason)
            raise ControlFailure(violations)

    def failure_repr(self, violations: list[Violation]) -> Any:
        notes = []
        governance = self.config.stash[STATE].governance
        if self.waiver is not None and self.waiver.expired(governance.today):
            notes.append(f"waiver expired on {self.waiver.expires.isoformat()} ({self.waiver.source}, owner {self.waiver.owner})")
        known = sum(1 for f in self.findings() if f.fingerprint in governance.known) if governance.known else 0
        if known:
            notes.append(f"{len(self.findings()) - known} new findings; {known} already recorded in {governance.known_file}")
        base = self.config.stash[STATE].diff_base
        if base is not None:
            before = sum(1 for f in self.findings() if f.fingerprint in base.findings)
            notes.append(f"new since {base.revision}: {len(self.findings()) - before} of {len(self.findings())} findings"
                         + (f"; {before} already failing there" if before else ""))
        state = self.config.stash[STATE]
        locate = None
        if state.blame_repository is not None:

            def locate(violation: Violation) -> str:
                blame = state.blame_of(violation.file, violation.line)
                return f" ({blame.describe()})" if blame is not None else ""

        return internals.prepared_repr(control_failure(self.control, self.resource, violations, notes, locate))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, ControlFailure):
            return self.failure_repr(excinfo.value.violations)
        function = self.control.extra.get("function")
        if function is not None and isinstance(excinfo.value, Exception):
            return internals.prepared_repr(crash_failure(self.control, self.resource, function, excinfo.value))
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, self.resource.line - 1, self.name

    @property
    def location(self) -> tuple[str, int | None, str]:  # type: ignore[override]
        # What pytest derives from reportinfo, with the file part computed
        # once per file; not cached (a tuple per item), it is cheap to make.
        file: DeploymentFile = self.parent  # type: ignore[assignment]
        return (file.location_path, self.resource.line - 1, self.name)


class NoticeItem(pytest.Item):
    """An item whose outcome is known when it is collected.

    ``phase="setup"``: a file, baseline or control definition that cannot be
    evaluated, reported as an error (never a pass, never a skip).
    ``phase="call"``: a finding about the file itself (a duplicate key),
    reported as a failure like any control.
    ``phase="skip"``: a note that is not a failure (an unused inline waiver).
    ``phase="pass"``: a recognised file no control applies to; the note
    (what it holds) is in its ``paassec.coverage`` property.
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
        if phase == "pass":
            self.user_properties.append(("paassec.coverage", error.problem))
        self.user_properties.append(("paassec.title", title))

    # Only the standard protocol calls these (runner.run_notice is the lean
    # one); plugin.pytest_runtest_makereport gives a setup error our text.
    def setup(self) -> None:
        if self.phase == "setup":
            raise self.error

    def runtest(self) -> None:
        if self.phase == "pass":
            return
        if self.phase == "skip":
            pytest.skip(self.error.render())
        raise self.error

    def error_repr(self) -> Any:
        return internals.prepared_repr(located_error_failure(self.error))

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, LocatedError):
            return self.error_repr()
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, (self.error.line or 1) - 1, self.name


_SHARED = pytest.StashKey[dict]()

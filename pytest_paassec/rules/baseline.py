"""Loading baselines: YAML files of controls, validated with file and line.

A baseline file is a mapping with ``controls:`` (a list of control
definitions, see ``docs/baselines.md``).  Loading never stops at the first
problem: every invalid control becomes a :class:`BaselineError` and the valid
ones are kept, so one typo does not switch a whole baseline off silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..errors import BaselineError
from ..parsing.documents import parse_text, read_text
from .conditions import ConditionError, compile_condition, compile_expectation
from .controls import CATEGORIES, Control, Severity, condition_check, fields_read, inexpressible_on
from .pathselect import SelectorCache

CONTROL_ID = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")
REQUIRED = ("id", "title", "severity", "category", "expect")
ALLOWED = frozenset(
    REQUIRED
    + ("platforms", "kinds", "subject", "when", "unknown", "message", "remediation", "references", "sensitive", "description", "replaces", "expected")
)
TOP_LEVEL = frozenset(("baseline", "description", "controls", "overrides"))
OVERRIDE_KEYS = frozenset(("id", "severity", "disabled", "reason"))
MAX_BASELINE_SIZE = 5 * 1024 * 1024


@dataclass(frozen=True)
class Override:
    """A team's change to another baseline's control, with its reason."""

    id: str
    severity: Severity | None
    disabled: bool
    reason: str
    source: str  # "file:line"

    def describe(self) -> str:
        change = "disabled" if self.disabled else f"severity set to {self.severity.label if self.severity is not None else '?'}"
        return f"{change} by {self.source}: {self.reason}"


@dataclass
class LoadResult:
    controls: list[Control] = field(default_factory=list)
    errors: list[BaselineError] = field(default_factory=list)
    overrides: list[Override] = field(default_factory=list)


class BaselineLoader:
    """Loads baseline files for one session, sharing one selector cache."""

    def __init__(
        self,
        known_platforms: frozenset[str],
        known_subjects: frozenset[str],
        root: Path | None = None,
        platform_fields: Mapping[str, Mapping[str, frozenset[str]] | None] | None = None,
    ) -> None:
        self.known_platforms = known_platforms
        # Each platform id's declared normalized fields (None: declares none),
        # which decide where a control without ``platforms`` applies.
        self.platform_fields = platform_fields or {}
        self.known_subjects = known_subjects
        self.root = root
        self.selectors = SelectorCache()

    def display(self, path: Path) -> str:
        if self.root is not None:
            try:
                return path.resolve().relative_to(self.root.resolve()).as_posix()
            except ValueError:
                pass
        return str(path)

    def load_paths(self, paths: Iterable[Path], extra: list[Control] | None = None) -> LoadResult:
        """Load every ``*.yaml``/``*.yml`` file under the given files or folders.

        ``extra`` controls (from plugins) join before the duplicate-id check.
        """
        result = LoadResult()
        for path in paths:
            if path.is_dir():
                files = sorted(p for p in path.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
            elif path.exists():
                files = [path]
            else:
                result.errors.append(
                    BaselineError(str(path), None, "baseline file or folder does not exist", "check the path in paassec_baselines or --paassec-baseline")
                )
                continue
            for file in files:
                self.load_file(file, result)
        result.controls.extend(extra or ())
        _reject_duplicates(result)
        result.controls = apply_replacements(apply_overrides(result.controls, result.overrides, result.errors), result.errors)
        return result

    def load_file(self, path: Path, result: LoadResult) -> None:
        shown = self.display(path)
        try:
            parsed = parse_text(shown, "yaml", read_text(path, shown, MAX_BASELINE_SIZE))
        except BaselineError as exc:
            result.errors.append(exc)
            return
        except Exception as exc:  # ParseError from reading
            result.errors.append(BaselineError(shown, getattr(exc, "line", None), getattr(exc, "problem", str(exc))))
            return
        if parsed.error is not None:
            error = parsed.error
            result.errors.append(BaselineError(shown, error.line, error.problem, error.hint, column=error.column))
            return
        if len(parsed.documents) != 1 or not isinstance(parsed.documents[0].data, dict):
            result.errors.append(
                BaselineError(shown, 1, "a baseline is one YAML mapping with a 'controls' list", "see docs/baselines.md")
            )
            return
        document = parsed.documents[0]
        data = document.data
        for key in data:
            if key not in TOP_LEVEL:
                result.errors.append(
                    BaselineError(shown, document.line_of((key,)), f"unknown top-level key {key!r}", "use baseline, description and controls")
                )
        self._load_overrides(data.get("overrides"), shown, document, result)
        controls = data.get("controls", [] if "overrides" in data else None)
        if not isinstance(controls, list):
            result.errors.append(
                BaselineError(shown, document.line_of(("controls",)), "'controls' must be a list of controls", "see docs/baselines.md")
            )
            return
        for index, spec in enumerate(controls):
            line = document.line_of(("controls", index))
            try:
                result.controls.append(self.compile_control(spec, shown, line, lambda path, i=index: document.line_of(("controls", i) + path)))
            except BaselineError as exc:
                result.errors.append(exc)

    def compile_control(self, spec: Any, file: str, line: int, line_of_key: Any = None) -> Control:
        """Validate and compile one control definition.

        ``line_of_key(path)`` gives the line of a key path inside the control
        (a tuple such as ``("expect", "all_of", 1, "missing")``).
        """

        def fail(problem: str, hint: str = "", key: str | tuple | None = None) -> BaselineError:
            path = (key,) if isinstance(key, str) else key
            where = line_of_key(path) if (path and line_of_key) else line
            return BaselineError(file, where, problem, hint)

        if not isinstance(spec, dict):
            raise fail("a control must be a mapping", "start it with '- id: ...'")
        for key in spec:
            if key not in ALLOWED:
                raise fail(f"unknown key {key!r} in control {spec.get('id', '?')}", f"allowed keys: {', '.join(sorted(ALLOWED))}", key=str(key))
        for key in REQUIRED:
            if key not in spec:
                raise fail(f"control {spec.get('id', '?')} is missing {key!r}", f"every control needs {', '.join(REQUIRED)}")
        control_id = spec["id"]
        if not isinstance(control_id, str) or not CONTROL_ID.match(control_id):
            raise fail(f"invalid control id {control_id!r}", "use upper-case words joined by dashes, such as K8S-PRIV-001", key="id")
        try:
            severity = Severity.parse(spec["severity"])
        except ValueError as exc:
            raise fail(str(exc), key="severity") from None
        category = spec["category"]
        if category not in CATEGORIES:
            raise fail(f"unknown category {category!r}", f"use one of {', '.join(CATEGORIES)}", key="category")
        platforms = self._names(spec, "platforms", fail)
        if platforms is not None:
            unknown = sorted(platforms - self.known_platforms)
            if unknown:
                raise fail(f"unknown platform {unknown[0]!r}", f"use one of {', '.join(sorted(self.known_platforms))}", key="platforms")
        kinds = self._names(spec, "kinds", fail)
        subject = spec.get("subject", "resource")
        if subject != "resource" and subject not in self.known_subjects:
            raise fail(f"unknown subject {subject!r}", f"use resource or one of {', '.join(sorted(self.known_subjects))}", key="subject")
        replaces = spec.get("replaces", [])
        if not isinstance(replaces, list) or not all(isinstance(r, str) for r in replaces):
            raise fail("replaces must be a list of control ids", key="replaces")
        references = spec.get("references", [])
        if not isinstance(references, list) or not all(isinstance(r, str) for r in references):
            raise fail("references must be a list of strings", key="references")
        for key in ("title", "message", "remediation", "description", "expected"):
            if key in spec and not isinstance(spec[key], str):
                raise fail(f"{key} must be a string", key=key)
        unknown = spec.get("unknown")
        if unknown is not None and unknown not in ("pass", "fail"):
            raise fail(f"control {control_id}: unknown takes pass or fail, not {unknown!r}", UNKNOWN_HINT, key="unknown")
        try:
            expect = compile_expectation(spec["expect"], self.selectors, unknown)
        except ConditionError as exc:
            where = ("unknown",) if exc.path == ("unknown",) else ("expect",) + exc.path
            raise fail(f"control {control_id}: {_where(where, exc)}{exc}", _hint(exc), key=where) from None
        reads = fields_read([spec.get("when"), spec["expect"]], self.selectors)
        when = None
        if "when" in spec:
            try:
                when = compile_condition(spec["when"], self.selectors)
            except ConditionError as exc:
                where = ("when",) + exc.path
                raise fail(f"control {control_id}: {_where(where, exc)}{exc}", _hint(exc), key=where) from None
        return Control(
            id=control_id,
            title=spec["title"],
            severity=severity,
            category=category,
            check=condition_check(expect),
            platforms=platforms,
            kinds=kinds,
            subject=subject,
            when=when,
            message=spec.get("message", ""),
            remediation=spec.get("remediation", ""),
            expected=spec.get("expected", ""),
            references=tuple(references),
            source=f"{file}:{line}",
            sensitive=bool(spec.get("sensitive", category == "secrets")),
            replaces=tuple(replaces),
            reads=reads,
            inexpressible_on=inexpressible_on(reads, subject, self.platform_fields) if platforms is None else frozenset(),
            from_baseline=True,
            extra={"description": spec.get("description", "")},
        )

    @staticmethod
    def _load_overrides(overrides: Any, shown: str, document: Any, result: LoadResult) -> None:
        if overrides is None:
            return
        if not isinstance(overrides, list):
            result.errors.append(BaselineError(shown, document.line_of(("overrides",)), "'overrides' must be a list", "see docs/baselines.md"))
            return
        for index, spec in enumerate(overrides):
            line = document.line_of(("overrides", index))
            problem = None
            if not isinstance(spec, dict):
                problem = "an override must be a mapping with id, reason and severity or disabled"
            elif set(spec) - OVERRIDE_KEYS:
                problem = f"unknown key {sorted(set(spec) - OVERRIDE_KEYS)[0]!r} in override; allowed: id, severity, disabled, reason"
            elif not isinstance(spec.get("id"), str):
                problem = "an override needs the id of the control it changes"
            elif not isinstance(spec.get("reason"), str) or not spec["reason"].strip():
                problem = f"override of {spec['id']} needs a reason: overrides are audited"
            elif ("severity" in spec) == bool(spec.get("disabled")):
                problem = f"override of {spec['id']} sets either severity or disabled: true"
            if problem is not None:
                result.errors.append(BaselineError(shown, line, problem))
                continue
            severity = None
            if "severity" in spec:
                try:
                    severity = Severity.parse(spec["severity"])
                except ValueError as exc:
                    result.errors.append(BaselineError(shown, line, str(exc)))
                    continue
            result.overrides.append(Override(spec["id"], severity, bool(spec.get("disabled")), spec["reason"].strip(), f"{shown}:{line}"))

    @staticmethod
    def _names(spec: dict, key: str, fail: Any) -> frozenset[str] | None:
        value = spec.get(key)
        if value is None:
            return None
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            raise fail(f"{key} must be a non-empty list of names", key=key)
        return frozenset(value)


UNKNOWN_HINT = "unknown says what a field the file does not set means for this control's expect; see docs/baselines.md"


def _where(path: tuple, exc: ConditionError) -> str:
    """Where in the control a condition error is, as a prefix for its message:
    ``("expect", "all_of", 1, "missing")`` -> ``expect.all_of[1]: `` (the
    message itself names the key)."""
    if exc.key is not None and path[-1] == exc.key:
        path = path[:-1]
    if not path:
        return ""
    text = str(path[0])
    for step in path[1:]:
        text += f"[{step}]" if isinstance(step, int) else f".{step}"
    return text + ": "


def _hint(exc: ConditionError) -> str:
    if exc.key in ("missing", "unknown"):
        return "a leaf's missing: is for the exception; unknown: on the control for its rule; see docs/baselines.md"
    return "see the operator list in docs/baselines.md"


def _reject_duplicates(result: LoadResult) -> None:
    """An id must be unique across every loaded baseline; later copies are errors."""
    first: dict[str, Control] = {}
    kept = []
    for control in result.controls:
        earlier = first.get(control.id)
        if earlier is None:
            first[control.id] = control
            kept.append(control)
            continue
        file, _, line = control.source.rpartition(":")
        result.errors.append(
            BaselineError(file, int(line), f"duplicate control id {control.id} (first defined at {earlier.source})", "ids are never reused: pick a new id")
        )
    result.controls = kept


def apply_overrides(controls: list[Control], overrides: list[Override], errors: list[BaselineError] | None = None) -> list[Control]:
    """Controls with team overrides applied; disabled ones are left out.

    An override naming no loaded control is an error (when ``errors`` is given):
    a typo must not leave a control silently unchanged.
    """
    by_id = {o.id: o for o in overrides}
    if errors is not None:
        known = {c.id for c in controls}
        for override in overrides:
            if override.id not in known:
                file, _, line = override.source.rpartition(":")
                errors.append(BaselineError(file, int(line), f"override names unknown control {override.id}", "check the id against docs/controls.md"))
    result = []
    for control in controls:
        override = by_id.get(control.id)
        if override is None:
            result.append(control)
        elif not override.disabled:
            result.append(replace(control, severity=override.severity, overridden=f"{control.severity.label} -> {override.describe()}"))
    return result


def apply_replacements(controls: list[Control], errors: list[BaselineError]) -> list[Control]:
    """A platform control that ``replaces`` a cross-platform one takes its place
    on its platforms, so one problem is reported once, by the more precise
    control.  The replaced control keeps running everywhere else."""
    by_id = {c.id: c for c in controls}
    excluded: dict[str, set[str]] = {}
    for control in controls:
        for target in control.replaces:
            if target not in by_id:
                file, _, line = control.source.rpartition(":")
                errors.append(BaselineError(file, int(line) if line.isdigit() else None, f"{control.id} replaces unknown control {target}", "check the id"))
                continue
            if control.platforms is None:
                file, _, line = control.source.rpartition(":")
                errors.append(BaselineError(file, int(line) if line.isdigit() else None, f"{control.id} replaces {target} but names no platforms", "a replacement is per platform: list them"))
                continue
            excluded.setdefault(target, set()).update(control.platforms)
    return [replace(c, replaced_on=frozenset(excluded[c.id])) if c.id in excluded else c for c in controls]


def builtin_baseline_dir() -> Path:
    """The built-in baselines: inside the installed package, else the checkout's."""
    package = Path(__file__).resolve().parents[1]
    for candidate in (package / "baselines", package.parent / "baselines"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"built-in baselines not found beside {package}")

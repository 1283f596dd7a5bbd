"""Python controls: a decorator that turns a function into a Control.

    import pytest_paassec as paassec

    @paassec.control(
        id="TEAM-IMG-001",
        title="Images come from our registry",
        severity="high",
        category="images",
        subject="images",
    )
    def our_registry(image):
        if image["registry"] != "registry.example.com":
            yield paassec.violation(found=image["image"], expected="registry.example.com/...")

The function receives one subject entry (the resource data for the default
subject ``resource``); if it also has a parameter named ``resource`` it gets
the :class:`Resource` too.  It returns or yields violations: ``violation()``
objects, or plain strings (a message about the entry as a whole).

An invalid definition does not raise at import time: the decorator returns
an :class:`InvalidControl` that the plugin reports as an error item naming
the file and line of the function, and the rest of the run goes on.
"""

from __future__ import annotations

import inspect
from typing import Any, Callable, Iterable

from ..errors import BaselineError
from .conditions import MISSING, Finding
from .controls import CATEGORIES, Control, Severity

_CONTROL_ID = __import__("re").compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")


def violation(path: Iterable[Any] = (), found: Any = MISSING, expected: str = "") -> Finding:
    """A violation at ``path`` (relative to the subject entry)."""
    return Finding(tuple(path), found, expected)


class InvalidControl:
    """A control definition that failed validation; reported, never run."""

    def __init__(self, error: BaselineError) -> None:
        self.error = error
        self.id = None


def _where(function: Callable[..., Any]) -> tuple[str, int]:
    try:
        return inspect.getsourcefile(function) or "<unknown>", inspect.getsourcelines(function)[1]
    except (OSError, TypeError):
        return getattr(function, "__module__", "<unknown>"), 1


def control(
    *,
    id: str,
    title: str,
    severity: str | Severity,
    category: str,
    platforms: Iterable[str] | None = None,
    kinds: Iterable[str] | None = None,
    subject: str = "resource",
    remediation: str = "",
    references: Iterable[str] = (),
    message: str = "",
    sensitive: bool | None = None,
) -> Callable[[Callable[..., Any]], Control | InvalidControl]:
    """Turn a check function into a :class:`Control` (see the module doc)."""

    def decorate(function: Callable[..., Any]) -> Control | InvalidControl:
        file, line = _where(function)

        def invalid(problem: str, hint: str = "") -> InvalidControl:
            return InvalidControl(BaselineError(file, line, problem, hint))

        if not isinstance(id, str) or not _CONTROL_ID.match(id):
            return invalid(f"invalid control id {id!r}", "use upper-case words joined by dashes, such as TEAM-NET-001")
        try:
            level = Severity.parse(severity)
        except ValueError as exc:
            return invalid(f"control {id}: {exc}")
        if category not in CATEGORIES:
            return invalid(f"control {id}: unknown category {category!r}", f"use one of {', '.join(CATEGORIES)}")
        # Platform names are checked when the plugin adopts the control: a
        # plugin may contribute the platform itself.
        platform_set = frozenset(platforms) if platforms is not None else None
        wants_resource = "resource" in inspect.signature(function).parameters

        def check(value: Any, resource: Any) -> list[Finding]:
            result = function(value, resource=resource) if wants_resource else function(value)
            return [
                item if isinstance(item, Finding) else Finding((), MISSING, str(item))
                for item in (result or ())
            ]

        made = Control(
            id=id,
            title=title,
            severity=level,
            category=category,
            check=check,
            platforms=platform_set,
            kinds=frozenset(kinds) if kinds is not None else None,
            subject=subject,
            message=message,
            remediation=remediation,
            references=tuple(references),
            source=f"{file}:{line}",
            sensitive=category == "secrets" if sensitive is None else sensitive,
            # User code runs: the full protocol (capture, logging, tracebacks).
            extra={"data_only": False, "function": function},
        )
        return made

    return decorate

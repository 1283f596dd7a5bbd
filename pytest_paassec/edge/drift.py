"""Drift (``--paassec-live=DIR``) as items, and the reconciliation plan.

The comparison needs every declared resource, so the items are made once
collection is complete (``pytest_collection_modifyitems``), from one
``drift.engine.drift`` result: the same files give the same result in every
xdist worker, so every worker makes the same items.

- ``DRIFT[ref]`` under the declared file, for every declared resource the
  live state covers: passes in sync, fails with the field-by-field diff
  (``path  declared -> live``, secrets masked) or when it is missing live;
- ``DRIFT[ref]`` under the snapshot file for a live resource the repository
  does not declare (in a namespace or app it declares);
- ``DRIFT-POSTURE[ref/CONTROL]`` for a baseline control that holds in the
  repository but fails live, at the control's own severity.

The plan (``--paassec-drift-plan=DIR``) is written by the one process that
holds the whole result: the plain run, or the first xdist worker.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

from ..drift.engine import MISSING, UNDECLARED, DriftResult, ResourceDrift, drift
from ..drift.ignore import build_ignore, parse_ignore_lines
from ..drift.plan import write_plan
from ..drift.snapshots import SnapshotError, read_directory, read_snapshots
from ..errors import LocatedError
from ..parsing.names import clean_ref_part
from ..parsing.selection import relative_path
from . import internals
from .collect import NoticeItem
from .state import STATE

DRIFT = "DRIFT"
POSTURE = "DRIFT-POSTURE"
LIVE_INPUT = "PAASSEC-LIVE"
HOOK_INPUT = "paassec_live_state"  # workerinput key: the hook's snapshots, from the controller


class DriftFailure(LocatedError):
    """A drifted, missing or undeclared resource, or a control failing live."""


def live_state(config: pytest.Config) -> tuple[list[Any], list[SnapshotError]]:
    """The live documents of the run: the directory's and the hook's."""
    state = config.stash[STATE]
    documents: list[Any] = []
    errors: list[SnapshotError] = []
    if state.settings.live is not None:
        documents, errors = read_directory(state.settings.live, config.rootpath)
    contributed = hook_snapshots(config)
    if contributed:
        more, more_errors = read_snapshots(contributed)
        documents, errors = documents + more, errors + more_errors
    return documents, errors


def hook_snapshots(config: pytest.Config) -> list[tuple[str, str]]:
    """``pytest_paassec_live_state``'s pairs: asked once, by the controller
    under xdist (workers take its answer), so every worker compares with the same state."""
    workerinput = getattr(config, "workerinput", None)
    if workerinput is not None and HOOK_INPUT in workerinput:
        return [tuple(pair) for pair in workerinput[HOOK_INPUT]]  # type: ignore[misc]
    state = config.stash[STATE]
    if state.hook_snapshots is None:
        pairs = [pair for answer in config.hook.pytest_paassec_live_state(config=config) for pair in answer or ()]
        state.hook_snapshots = sorted((str(name), str(text)) for name, text in pairs)
    return state.hook_snapshots


class DriftItem(pytest.Item):
    """One outcome of the drift result, known when it is collected."""

    def __init__(self, *, entry: ResourceDrift, text: str, failed: bool, control: str, severity: str, file: str, line: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.entry = entry
        self.failed = failed
        self.failure = DriftFailure(file, line, text)
        resource = entry.declared or entry.live
        self.user_properties = [
            ("paassec.control", control),
            ("paassec.severity", severity),
            ("paassec.platform", resource.platform if resource is not None else ""),
            ("paassec.resource", entry.ref),
            ("paassec.file", file),
            ("paassec.line", str(line)),
            ("paassec.drift", entry.status),
            ("paassec.title", "Live state must match the repository" if control == DRIFT else "Controls must hold live as in the repository"),
        ]

    def runtest(self) -> None:
        if self.failed:
            raise self.failure

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, DriftFailure):
            return self.failure.render()
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        return self.path, (self.failure.line or 1) - 1, self.name


def drift_items(session: pytest.Session) -> list[pytest.Item]:
    """The drift items of the run (none without live state)."""
    config = session.config
    state = config.stash[STATE]
    if state.settings.live is None and not hook_snapshots(config):
        return []
    documents, errors = live_state(config)
    ignore = build_ignore(parse_ignore_lines(state.settings.drift_ignore))
    result = drift(state.resources, documents, state.catalog, ignore)
    state.drift_result = result
    items: list[pytest.Item] = []
    for error in [*errors, *result.errors]:
        name = f"{LIVE_INPUT}[{clean_ref_part(error.path)}:{error.line or 1}]"
        items.append(NoticeItem.from_parent(session, name=name, nodeid=name, error=error, control=LIVE_INPUT,
                                            title="Live-state snapshots must be readable"))
    for entry in result.entries:
        file, line = entry.where
        failed = entry.status in (MISSING, UNDECLARED) or bool(entry.differences)
        severity = "medium" if entry.status == UNDECLARED else "high"
        items.append(_item(session, f"{DRIFT}[{clean_ref_part(entry.ref)}]", file, entry, entry.render(), failed, DRIFT, severity, line))
        for posture in entry.posture:
            first = posture.violations[0] if posture.violations else None
            text = "\n".join([f"{entry.ref}: {posture.render()[0]}", *posture.render()[1:]])
            name = f"{POSTURE}[{clean_ref_part(entry.ref)}/{posture.control.id}]"
            items.append(_item(session, name, file, entry, text, True, POSTURE, posture.severity.label,
                               first.line if first is not None else line, live_control=posture.control.id))
    internals.count_collected(config, len(items))
    return items


def _item(session: pytest.Session, name: str, file: str, entry: ResourceDrift, text: str, failed: bool, control: str,
          severity: str, line: int, live_control: str = "") -> DriftItem:
    item = DriftItem.from_parent(
        session, name=name, nodeid=f"{file}::{name}", path=session.config.rootpath / file, entry=entry, text=text, failed=failed, control=control, severity=severity, file=file, line=line,
    )
    if live_control:
        item.user_properties.append(("paassec.live_control", live_control))
    return item


def write_drift_plan(session: pytest.Session) -> None:
    """Write the plan where one process holds the whole result (the plain
    run, or gw0).  A plan that cannot be written fails the run, loudly."""
    config = session.config
    state = config.stash[STATE]
    out = state.settings.drift_plan
    result: DriftResult | None = state.drift_result
    if out is None or result is None:
        return
    worker = getattr(config, "workerinput", None)
    if worker is not None and worker.get("workerid") != "gw0":
        return
    try:
        write_plan(result, out, config.rootpath)
    except OSError as exc:
        state.drift_plan_error = f"drift plan: NOT written to {relative_path(out, config.rootpath)}: {exc.strerror or exc}"
        if worker is not None:  # the controller's summary cannot see it: say it here
            print(state.drift_plan_error, file=sys.stderr)
        if session.exitstatus == pytest.ExitCode.OK:
            session.exitstatus = pytest.ExitCode.TESTS_FAILED

"""The report header: what the session checks against, and how."""

from __future__ import annotations

from typing import Any

from .state import SessionState


def header_lines(state: SessionState) -> list[str]:
    catalog = state.catalog
    line = f"paassec: {len(catalog.controls)} controls from {', '.join(catalog.sources) or 'no baselines'}"
    if catalog.errors:
        line += f" ({len(catalog.errors)} baseline errors)"
    lines = [line, "paassec: " + "; ".join(state.settings.header())]
    if state.protocol is not None:
        lines.append("paassec: " + state.protocol.header())
    for control in catalog.controls:
        if control.overridden:
            lines.append(f"paassec: override {control.id}: {control.overridden}")
    for override in catalog.disabled():
        lines.append(f"paassec: override {override.id}: {override.describe()}")
    governance = state.governance.header()
    if governance:
        lines.append(governance)
    return lines


def collection_lines(state: SessionState, items: list[Any]) -> list[str]:
    """How many deployment files were collected, and from where."""
    from .collect import DeploymentFile

    files = {id(item.parent) for item in items if isinstance(item.parent, DeploymentFile)}
    if state.changes is not None:
        return state.changes.lines(len(files), state.discovery)
    if not files and not state.extra_files:
        return []
    line = f"paassec: {len(files)} deployment files collected"
    if state.extra_files:
        line += f", {state.extra_files} of them from paassec_roots outside testpaths ({', '.join(state.extra_roots)})"
    return [line]

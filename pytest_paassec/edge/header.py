"""The report header: what the session checks against, and how."""

from __future__ import annotations

from .state import SessionState


def header_lines(state: SessionState) -> list[str]:
    catalog = state.catalog
    line = f"paassec: {len(catalog.controls)} controls from {', '.join(catalog.sources) or 'no baselines'}"
    if catalog.errors:
        line += f" ({len(catalog.errors)} baseline errors)"
    lines = [line, "paassec: " + "; ".join(state.settings.header())]
    for control in catalog.controls:
        if control.overridden:
            lines.append(f"paassec: override {control.id}: {control.overridden}")
    for override in catalog.disabled():
        lines.append(f"paassec: override {override.id}: {override.describe()}")
    return lines

"""The controls reference page, generated from the built-in baselines.

    python -m pytest_paassec.rules.reference > docs/controls.md

A test compares the committed page with a fresh rendering, so the page
cannot drift from the baselines.
"""

from __future__ import annotations

import sys
from collections import defaultdict

from .catalog import Catalog, build_catalog
from .controls import Control

CROSS_PLATFORM = "Cross-platform (on the normalized view, wherever a platform has its fields)"


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _section(control: Control, catalog: Catalog) -> str:
    """The first platform (in adapter order) a control names; "*" for cross-platform ones."""
    if control.platforms is None:
        return "*"
    return next((name for name in catalog.platform_ids if name in control.platforms), sorted(control.platforms)[0])


def _scope(control: Control, catalog: Catalog) -> str:
    if control.platforms:
        scope = ", ".join(sorted(control.platforms - control.replaced_on))
    else:
        scope = "all platforms"
        if control.inexpressible_on:
            scope += f" but {', '.join(sorted(control.inexpressible_on))} (their view has no {', '.join(sorted(control.reads))})"
        elif control.replaced_on:
            scope += " but " + ", ".join(sorted(control.replaced_on))
    if control.kinds:
        scope += " (" + ", ".join(sorted(control.kinds)) + ")"
    if control.replaced_on:
        scope += "; a platform control stands in on " + ", ".join(sorted(control.replaced_on))
    if control.replaces:
        scope += "; stands in for " + ", ".join(control.replaces)
    return scope


def render(catalog: Catalog) -> str:
    titles = {"*": CROSS_PLATFORM} | {name: variant.title for name, variant in catalog.platform_ids.items()}
    sections: dict[str, list[Control]] = defaultdict(list)
    for control in catalog.controls:
        sections[_section(control, catalog)].append(control)
    lines = [
        "# Built-in controls",
        "",
        "Generated from `baselines/` by `python -m pytest_paassec.rules.reference`; do not edit by hand.",
        "",
        f"{len(catalog.controls)} controls. Severities follow the rubric in [baselines.md](baselines.md).",
        "",
        "| platform | controls |",
        "| --- | --- |",
    ]
    for key, title in titles.items():
        if sections.get(key):
            lines.append(f"| {title} | {len(sections[key])} |")
    for key, title in titles.items():
        controls = sections.get(key)
        if not controls:
            continue
        lines += ["", f"## {title}", "", "| id | severity | category | applies to | what it checks | how to fix |", "| --- | --- | --- | --- | --- | --- |"]
        for control in controls:
            lines.append(
                f"| {control.id} | {control.severity.label} | {control.category} | {_cell(_scope(control, catalog))} | {_cell(control.title)} | {_cell(control.remediation)} |"
            )
    return "\n".join(lines) + "\n"


def main() -> int:
    catalog = build_catalog([])
    if catalog.errors:
        for error in catalog.errors:
            print(error, file=sys.stderr)
        return 1
    sys.stdout.write(render(catalog))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

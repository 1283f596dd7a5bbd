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

PLATFORM_TITLES = {
    "*": "Cross-platform (every platform, on the normalized view)",
    "kubernetes": "Kubernetes",
    "openshift": "OpenShift",
    "knative": "Knative / Cloud Run",
    "cloudfoundry": "Cloud Foundry",
    "appengine": "Google App Engine",
    "heroku": "Heroku",
    "flyio": "Fly.io",
    "render": "Render",
    "digitalocean": "DigitalOcean App Platform",
    "elasticbeanstalk": "AWS Elastic Beanstalk",
    "azure": "Azure App Service",
    "compose": "Docker Compose",
    "dockerfile": "Dockerfile",
}


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def _section(control: Control) -> str:
    if control.id.startswith("XP-") or control.platforms is None:
        return "*"
    for platform in PLATFORM_TITLES:
        if control.platforms and platform in control.platforms and control.id.split("-")[0] != "K8S":
            return platform
    return "kubernetes" if control.id.startswith("K8S-") else sorted(control.platforms or ["*"])[0]


def render(catalog: Catalog) -> str:
    sections: dict[str, list[Control]] = defaultdict(list)
    for control in catalog.controls:
        sections[_section(control)].append(control)
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
    for key, title in PLATFORM_TITLES.items():
        if sections.get(key):
            lines.append(f"| {title} | {len(sections[key])} |")
    for key, title in PLATFORM_TITLES.items():
        controls = sections.get(key)
        if not controls:
            continue
        lines += ["", f"## {title}", "", "| id | severity | category | applies to | what it checks | how to fix |", "| --- | --- | --- | --- | --- | --- |"]
        for control in controls:
            if control.platforms:
                scope = ", ".join(sorted(control.platforms - control.replaced_on))
            else:
                scope = "all platforms"
                if control.replaced_on:
                    scope += " but " + ", ".join(sorted(control.replaced_on))
            if control.kinds:
                scope += " (" + ", ".join(sorted(control.kinds)) + ")"
            if control.replaced_on:
                scope += "; a platform control stands in on " + ", ".join(sorted(control.replaced_on))
            if control.replaces:
                scope += "; stands in for " + ", ".join(control.replaces)
            lines.append(
                f"| {control.id} | {control.severity.label} | {control.category} | {_cell(scope)} | {_cell(control.title)} | {_cell(control.remediation)} |"
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

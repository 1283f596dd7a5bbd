"""Every deployed image scanned, recently: two controls on the images view.

With reports imported (``--paassec-import``), every image a deployment file
references must be covered by an imported report (matched by repository and
tag or digest, registry aliases such as ``docker.io/library/`` handled:
``images.covering``), and the newest covering report must be no older than
``paassec_scan_max_age`` days, judged from the report's own timestamp
against the run's one "today" (``--paassec-today``, as waivers are).

Dockerfiles are left out: their images are the base images a build pulls,
while what is deployed (and scanned) is the image the build produces, which
the deployment files name.  Without imports the controls do not run: a
repository that imports no report has not adopted the gate, and every image
failing it would bury the findings that matter.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable

from ..platforms.dockerfile import Dockerfile
from ..rules.conditions import Finding
from ..rules.controls import Control, Severity
from .images import covering
from .model import ScanReport

DEFAULT_MAX_AGE_DAYS = 7
# Platforms whose images are not what is deployed (see the module docstring).
NOT_DEPLOYED = frozenset({Dockerfile.name})
REFERENCES = ("NIST SSDF PW.8.2", "NIST 800-53 RA-5", "SLSA v1.0 Build", "OWASP Top 10 2021 A06")


@dataclass
class ScanIndex:
    """The readable imported reports of the run, loaded on first use."""

    load: Callable[[], list[ScanReport]]
    today: dt.date
    max_age_days: int = DEFAULT_MAX_AGE_DAYS
    _reports: list[ScanReport] | None = field(default=None, repr=False)

    @property
    def reports(self) -> list[ScanReport]:
        if self._reports is None:
            self._reports = self.load()
        return self._reports

    def covering(self, image: str) -> list[ScanReport]:
        return [report for report, _ in covering(self.reports, image)]


def _image(entry: Any) -> str:
    return str(entry.get("image") or "") if isinstance(entry, dict) else ""


def _age_days(report: ScanReport, today: dt.date) -> int | None:
    if report.created is None:
        return None
    return (today - report.created.date()).days


def _newest(reports: list[ScanReport]) -> ScanReport:
    dated = [r for r in reports if r.created is not None]
    return max(dated, key=lambda r: (r.created, r.path)) if dated else reports[0]


def scanned_check(index: ScanIndex) -> Callable[[Any, Any], list[Finding]]:
    def check(entry: Any, resource: Any) -> list[Finding]:
        image = _image(entry)
        if index.covering(image):
            return []
        imported = ", ".join(sorted({r.path for r in index.reports})) or "no readable report"
        return [Finding(("image",), image, f"an imported scan report covering it (imported: {imported})")]

    return check


def fresh_check(index: ScanIndex) -> Callable[[Any, Any], list[Finding]]:
    def check(entry: Any, resource: Any) -> list[Finding]:
        reports = index.covering(_image(entry))
        if not reports:
            return []  # SCAN-IMG-001 says so
        newest = _newest(reports)
        age = _age_days(newest, index.today)
        limit = index.max_age_days
        if age is None:
            found = f"{newest.path} ({newest.tool}) has no timestamp"
        elif age > limit:
            found = f"scanned {newest.created.date().isoformat()} by {newest.path}, {age} days before {index.today.isoformat()}"  # type: ignore[union-attr]
        else:
            return []
        return [Finding(("image",), found, f"a scan at most {limit} days old")]

    return check


class ImageScanControl(Control):
    """Applies to every image entry of a deployed resource (not Dockerfiles);
    with ``index``, only to the images some report covers (the age of a
    scan that does not exist is SCAN-IMG-001's failure, not a pass here)."""

    covered_by: ScanIndex | None = None

    def is_applicable(self, resource: Any) -> bool:
        return resource.platform not in NOT_DEPLOYED and super().is_applicable(resource)

    def entries(self, resource: Any) -> list[tuple[tuple, Any]]:
        entries = super().entries(resource)
        index = self.covered_by
        return entries if index is None else [(p, v) for p, v in entries if index.covering(_image(v))]


def image_scan_controls(index: ScanIndex) -> tuple[Control, ...]:
    common = dict(category="images", subject="images", references=REFERENCES, source="pytest_paassec/scans/coverage.py:1")
    fresh = ImageScanControl(
        id="SCAN-IMG-002",
        title="The scan covering a deployed image must be recent",
        severity=Severity.MEDIUM,
        check=fresh_check(index),
        message=f"{{kind}} {{name}} deploys an image whose newest scan is older than {index.max_age_days} days or undated",
        remediation=(
            "Re-scan the image in this pipeline run (new vulnerabilities are published daily) and import the new report; "
            "paassec_scan_max_age sets the limit in days."
        ),
        **common,  # type: ignore[arg-type]
    )
    fresh.covered_by = index
    return (
        ImageScanControl(
            id="SCAN-IMG-001",
            title="Every deployed image must be covered by an imported scan report",
            severity=Severity.HIGH,
            check=scanned_check(index),
            message="{kind} {name} deploys an image that no imported scan report covers",
            remediation=(
                "Scan the image in the pipeline (trivy image --format json -o reports/trivy-IMAGE.json IMAGE, or grype -o json) "
                "and import the report with --paassec-import=trivy:PATH; the report must name the same repository and tag or digest."
            ),
            **common,  # type: ignore[arg-type]
        ),
        fresh,
    )

"""pip-audit JSON (``pip-audit -r requirements.txt -f json --desc --aliases``).

pip-audit gives no severity. Every finding is ``high``: it is a published
advisory against an installed version, and a team that disagrees waives
the id with a reason rather than have unknown risk pass silently.
The report does not name what was audited, so ``ref`` is the package.
"""

from __future__ import annotations

from pathlib import Path

from .common import links, load, records, require_object, text_of
from .model import ScanFinding, ScanReport

SEVERITY = "high"


def read(path: Path, relpath: str, max_size: int) -> ScanReport:
    doc = load(path, relpath, max_size, "pip-audit")
    dependencies = require_object(doc, "dependencies", "pip-audit JSON", "produce it with 'pip-audit -r requirements.txt -f json --desc --aliases -o pip-audit.json'")
    report = ScanReport(path=relpath, format="pip-audit", tool="pip-audit", tool_version=None, created=None)
    for d, dep in records(doc, dependencies, ("dependencies",), "dependencies"):
        package = text_of(dep.get("name"))
        for v, vuln in records(doc, dep.get("vulns"), ("dependencies", d, "vulns"), "vulns"):
            where = ("dependencies", d, "vulns", v)
            vid = text_of(vuln.get("id"))
            aliases = [a for a in vuln.get("aliases") or [] if isinstance(a, str)]
            report.findings.append(ScanFinding(
                id=vid, kind="vulnerability", severity=SEVERITY, tool_severity="",
                title=text_of(vuln.get("description")).split("\n")[0][:120], target="", ref=package,
                package=package, installed=text_of(dep.get("version")) or None,
                fixed=", ".join(str(f) for f in vuln.get("fix_versions") or []) or None,
                references=links(f"https://osv.dev/vulnerability/{vid}", [f"https://osv.dev/vulnerability/{a}" for a in aliases]),
                report_path=where, report_line=doc.line_of(where)))
    return report

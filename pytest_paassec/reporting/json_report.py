"""The JSON report: every control item's outcome, in a stable order.

Schema version 1 is documented in docs/reports.md; a change that removes or
renames a field raises the version.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable

from .records import OUTCOMES, ItemRecord

SCHEMA_VERSION = 1
_FIELDS = ("control", "severity", "category", "platform", "resource", "file", "line", "title", "references", "override", "diff")


def json_document(records: Iterable[ItemRecord], rules: dict[str, dict[str, Any]], *, version: str, today: str) -> dict[str, Any]:
    items = []
    counts: Counter[str] = Counter()
    for record in records:
        counts[record.outcome] += 1
        props = {key: record.properties.get(f"paassec.{key}") for key in _FIELDS}
        meta = rules.get(record.control) or {}
        props["title"] = props["title"] or meta.get("title") or ""
        props["line"] = int(props["line"]) if (props["line"] or "").isdigit() else None
        # The catalog's list when known: a reference may itself hold a comma.
        references = props["references"] or ""
        props["references"] = list(meta["references"]) if meta.get("references") else [r.strip() for r in references.split(",") if r.strip()]
        items.append(
            {
                "id": record.nodeid,
                "outcome": record.outcome,
                **props,
                "summary": record.summary,
                "violations": record.violations,
                "waiver": record.waiver,
                "known_finding": record.known,
                "note": record.note,
            }
        )
    return {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "pytest-paassec", "version": version},
        "today": today,
        "counts": {outcome: counts.get(outcome, 0) for outcome in OUTCOMES},
        "items": items,
    }

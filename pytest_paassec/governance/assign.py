"""Which waiver, if any, applies to each (resource, control) check of a file.

A waiver comment covers the resource it sits in (on or directly above the
offending line) or, at the top of a document, every resource of that
document; an annotation covers its own resource; the waivers file covers
what its globs name.  The most local one wins: comment, then annotation,
then file.  Waivers written in the file that cover no check are returned as
unused, so they can be reported rather than rot.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Iterable

from .waivers import InlineWaiver, Waiver, WaiverError, annotation_waivers, comment_waivers, first_content_line, first_covering


@dataclass
class Assignment:
    by_check: dict[tuple[str, int], Waiver] = field(default_factory=dict)  # (control id, id(resource)) -> waiver
    unused: list[Waiver] = field(default_factory=list)  # written in this file, covering no check
    errors: list[WaiverError] = field(default_factory=list)

    def waiver_for(self, control_id: str, resource: Any) -> Waiver | None:
        return self.by_check.get((control_id, id(resource)))


def assign(
    parsed: Any,
    checks: Iterable[tuple[Any, Any]],
    file_waivers: list[Waiver],
    *,
    today: dt.date,
    max_days: int,
) -> Assignment:
    """``parsed``: a ParsedFile; ``checks``: (resource, control) pairs of it."""
    checks = list(checks)
    result = Assignment()
    lines = parsed.text.splitlines()
    firsts = [first_content_line(lines, document.start_line) for document in parsed.documents]
    comments, errors = comment_waivers(parsed.relpath, parsed.text, firsts, today=today, max_days=max_days)
    result.errors.extend(errors)
    resources = _unique(resource for resource, _ in checks)
    local: dict[int, list[Waiver]] = {id(r): [] for r in resources}  # id(resource) -> comment waivers, then annotations
    for inline in comments:
        for resource in _targets(inline, parsed.documents, firsts, resources):
            local[id(resource)].append(inline.waiver)
    for resource in resources:
        annotations = _annotations(resource)
        if annotations:
            found, errors = annotation_waivers(
                annotations,
                parsed.relpath,
                lambda key, r=resource: r.document.line_of(r.path + ("metadata", "annotations", key)),
                today=today,
                max_days=max_days,
            )
            local[id(resource)].extend(found)
            result.errors.extend(errors)
    used: set[int] = set()
    for resource, control in checks:
        waiver = next((w for w in local[id(resource)] if w.covers_control(control.id)), None)
        if waiver is None:
            waiver = first_covering(file_waivers, control.id, parsed.relpath, resource.ref)
        if waiver is not None:
            result.by_check[(control.id, id(resource))] = waiver
            used.add(id(waiver))
    written = [inline.waiver for inline in comments] + [w for r in resources for w in local[id(r)] if w.kind == "annotation"]
    result.unused = sorted({id(w): w for w in written if id(w) not in used}.values(), key=lambda w: _line(w.source))
    return result


def _unique(resources: Iterable[Any]) -> list[Any]:
    seen: dict[int, Any] = {}
    for resource in resources:
        seen.setdefault(id(resource), resource)
    return list(seen.values())


def _annotations(resource: Any) -> Any:
    data = resource.data
    metadata = data.get("metadata") if isinstance(data, dict) else None
    return metadata.get("annotations") if isinstance(metadata, dict) else None


def _targets(inline: InlineWaiver, documents: list[Any], firsts: list[int], resources: list[Any]) -> list[Any]:
    """The resources a waiver comment covers."""
    if not documents:
        return []
    line = inline.line
    if inline.document_level:
        position = next((i for i, first in enumerate(firsts) if first > line), len(firsts) - 1)
    else:
        position = max((i for i, first in enumerate(firsts) if first <= line), default=0)
    document = documents[position]
    mine = [r for r in resources if r.document is document]
    directly_above = [r for r in mine if r.line == line + 1]
    if inline.document_level and directly_above and len(mine) > 1:
        return directly_above  # right above one of several resources (a Procfile's first process): that one
    if inline.document_level or not mine:
        return mine
    # The resource the line belongs to: the last one starting at or before
    # the line below the comment (a comment may sit right above it).
    before = [r for r in mine if r.line <= line + 1]
    return [max(before, key=lambda r: r.line)] if before else [min(mine, key=lambda r: r.line)]


def _line(source: str) -> int:
    tail = source.rpartition(":")[2]
    return int(tail) if tail.isdigit() else 0

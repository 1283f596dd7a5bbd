"""Waivers: exceptions with a reason, an owner and an end date.

Three places say a control does not apply to a resource for now:

- the waivers file (``.paassec-waivers.yaml``): a list of entries with
  ``control`` (an id or a prefix such as ``K8S-PSS-*``), ``path`` (a glob
  relative to the rootdir), optional ``resource`` (as in the item name, glob
  allowed), ``reason``, ``owner`` and ``expires`` (an ISO date);
- a comment in the deployment file, on or directly above the offending
  line, or at the top of the document:
  ``# paassec: waive K8S-PSS-001 reason="..." owner=... expires=2027-01-31``;
- for Kubernetes-style objects, an annotation on the resource:
  ``paassec.dev/waive.K8S-PSS-001: 'reason="..." owner=... expires=...'``.

Every waiver is validated the same way; an invalid one is a
:class:`WaiverError` naming its file and line, never silently ignored.
Plain Python: the plugin turns errors into ``PAASSEC-WAIVER[...]`` items.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from dataclasses import dataclass
from typing import Any, Iterable

from ..errors import LocatedError
from .clock import parse_date

DEFAULT_MAX_DAYS = 365
ANNOTATION_PREFIX = "paassec.dev/waive."
# A control id or prefix (K8S-PSS-001, K8S-PSS-*), or the id of an imported
# finding: CVE-2024-3094, GHSA-jfh8-c2jp-5v3q, B105, py/sql-injection,
# python.lang.security.audit.formatted-sql-query.
_CONTROL_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/:+-]*\*?$")
_COMMENT = re.compile(r"#\s*paassec:\s*waive\b(?P<rest>.*)$")
_PAIR = re.compile(r"\s*(?P<key>[A-Za-z_]+)\s*=\s*(?P<value>\"(?:[^\"\\]|\\.)*\"|'[^']*'|\S+)")
INLINE_KEYS = ("reason", "owner", "expires")
FILE_KEYS = frozenset(("control", "path", "resource", *INLINE_KEYS))


class WaiverError(LocatedError):
    """A waiver that cannot apply: missing or invalid fields, or too long."""


@dataclass(frozen=True)
class Waiver:
    control: str  # an id, or a prefix ending in * (K8S-PSS-*)
    reason: str
    owner: str
    expires: dt.date
    source: str  # "file:line" where the waiver is written
    kind: str  # "file", "comment" or "annotation"
    path: str | None = None  # file waivers: a glob relative to the rootdir
    resource: str | None = None  # file waivers: a glob on the resource reference

    def covers_control(self, control_id: str) -> bool:
        if self.control.endswith("*"):
            return control_id.startswith(self.control[:-1])
        return control_id == self.control

    def covers(self, control_id: str, relpath: str, resource_ref: str) -> bool:
        """For file waivers: does this entry name the item?"""
        if not self.covers_control(control_id):
            return False
        if self.path is not None and not fnmatch.fnmatchcase(relpath, self.path):
            return False
        return self.resource is None or fnmatch.fnmatchcase(resource_ref, self.resource)

    def expired(self, today: dt.date) -> bool:
        return self.expires < today

    def describe(self) -> str:
        return f"{self.reason} (owner {self.owner}, expires {self.expires.isoformat()}, {self.source})"


def validate(
    fields: dict[str, Any], *, file: str, line: int, kind: str, today: dt.date, max_days: int, control: Any = None
) -> Waiver:
    """One waiver from its fields; :class:`WaiverError` says what to fix."""
    control = fields.get("control") if control is None else control

    def fail(problem: str, hint: str) -> WaiverError:
        return WaiverError(file, line, problem, hint)

    if not isinstance(control, str) or not _CONTROL_PATTERN.match(control.strip()):
        raise fail(f"waiver names no valid control ({control!r})", "give a control id such as K8S-PSS-001 or a prefix such as K8S-PSS-*")
    for key in ("reason", "owner"):
        value = fields.get(key)
        if not isinstance(value, str) or not value.strip():
            raise fail(f"waiver of {control} has no {key}", f"add {key}=...: every exception needs a {key}")
    expires = parse_date(fields.get("expires"))
    if expires is None:
        raise fail(f"waiver of {control} has no valid expiry ({fields.get('expires')!r})", "add expires=YYYY-MM-DD")
    latest = today + dt.timedelta(days=max_days)
    if expires > latest:
        raise fail(
            f"waiver of {control} expires {expires.isoformat()}, more than {max_days} days ahead (latest {latest.isoformat()})",
            "set an earlier expiry and renew it when it comes, or raise paassec_max_waiver_days",
        )
    return Waiver(
        control=control.strip(),
        reason=str(fields["reason"]).strip(),
        owner=str(fields["owner"]).strip(),
        expires=expires,
        source=f"{file}:{line}",
        kind=kind,
        path=fields.get("path"),
        resource=fields.get("resource"),
    )


def parse_inline(text: str) -> tuple[str | None, dict[str, str], str | None]:
    """``K8S-PSS-001 reason="..." owner=x expires=...`` -> (control, fields, problem)."""
    words = text.strip()
    control, _, rest = words.partition(" ")
    fields: dict[str, str] = {}
    position = 0
    while position < len(rest):
        if rest[position:].strip() == "":
            break
        match = _PAIR.match(rest, position)
        if match is None:
            return control or None, fields, f"cannot read {rest[position:].strip()!r}; write key=value or key=\"a value\""
        value = match.group("value")
        if value[:1] in ('"', "'"):
            value = re.sub(r"\\(.)", r"\1", value[1:-1]) if value[0] == '"' else value[1:-1]
        key = match.group("key")
        if key not in INLINE_KEYS:
            return control or None, fields, f"unknown waiver field {key!r}; use reason, owner and expires"
        fields[key] = value
        position = match.end()
    return control or None, fields, None


@dataclass(frozen=True)
class InlineWaiver:
    """A waiver comment in a deployment file and the lines it covers."""

    waiver: Waiver
    line: int  # the comment's line
    document_level: bool  # at the top of a document: every resource of it


def comment_waivers(
    relpath: str, text: str, document_starts: list[int], *, today: dt.date, max_days: int
) -> tuple[list[InlineWaiver], list[WaiverError]]:
    """Waiver comments of a file.  ``document_starts``: each document's
    first content line, so a comment before it is at the document's top."""
    found: list[InlineWaiver] = []
    errors: list[WaiverError] = []
    if "paassec:" not in text:
        return found, errors
    tops = _top_lines(text, document_starts)
    for number, line in enumerate(text.splitlines(), start=1):
        match = _COMMENT.search(line)
        if match is None:
            continue
        control, fields, problem = parse_inline(match.group("rest"))
        if problem is not None:
            errors.append(WaiverError(relpath, number, problem, 'write # paassec: waive ID reason="..." owner=... expires=YYYY-MM-DD'))
            continue
        try:
            waiver = validate(fields, file=relpath, line=number, kind="comment", today=today, max_days=max_days, control=control)
        except WaiverError as error:
            errors.append(error)
            continue
        found.append(InlineWaiver(waiver, number, number in tops))
    return found, errors


def _top_lines(text: str, document_starts: list[int]) -> set[int]:
    """Comment lines right before each document's first content line (up to
    the document separator): a waiver there covers the whole document."""
    lines = text.splitlines()
    tops: set[int] = set()
    for start in document_starts:
        number = start - 1
        while number >= 1:
            stripped = lines[number - 1].strip()
            if stripped.startswith("#"):
                tops.add(number)
            elif stripped:
                break  # content of the document before, or its --- separator
            number -= 1
    return tops


def first_content_line(text_lines: list[str], start: int) -> int:
    """The first line at or after ``start`` that is neither blank, a comment
    nor a document separator (``start`` when there is none)."""
    for number in range(start, len(text_lines) + 1):
        stripped = text_lines[number - 1].strip()
        if stripped and not stripped.startswith("#") and stripped != "---":
            return number
    return start


def annotation_waivers(
    annotations: Any, relpath: str, line_of: Any, *, today: dt.date, max_days: int
) -> tuple[list[Waiver], list[WaiverError]]:
    """``paassec.dev/waive.<ID>`` annotations of one resource.

    ``line_of(key)`` gives the annotation's line.
    """
    waivers: list[Waiver] = []
    errors: list[WaiverError] = []
    if not isinstance(annotations, dict):
        return waivers, errors
    for key in sorted(k for k in annotations if isinstance(k, str) and k.startswith(ANNOTATION_PREFIX)):
        line = line_of(key)
        control = key[len(ANNOTATION_PREFIX) :]
        value = annotations[key]
        if not isinstance(value, str):
            errors.append(WaiverError(relpath, line, f"annotation {key} must be a string", 'write \'reason="..." owner=... expires=YYYY-MM-DD\''))
            continue
        _, fields, problem = parse_inline(f"{control} {value}")
        if problem is not None:
            errors.append(WaiverError(relpath, line, problem, 'write \'reason="..." owner=... expires=YYYY-MM-DD\''))
            continue
        try:
            waivers.append(validate(fields, file=relpath, line=line, kind="annotation", today=today, max_days=max_days, control=control))
        except WaiverError as error:
            errors.append(error)
    return waivers, errors


def file_waivers(
    data: Any, relpath: str, line_of: Any, *, today: dt.date, max_days: int
) -> tuple[list[Waiver], list[WaiverError]]:
    """Entries of a waivers file: a list, or a mapping with a ``waivers:`` list.

    ``line_of(path)`` gives the line of a path into ``data``.
    """
    waivers: list[Waiver] = []
    errors: list[WaiverError] = []
    base: tuple = ()
    if isinstance(data, dict) and set(data) <= {"waivers"}:
        data, base = data.get("waivers") or [], ("waivers",)
    if data is None:
        return waivers, errors
    if not isinstance(data, list):
        errors.append(WaiverError(relpath, line_of(base), "a waivers file is a list of waivers (or a mapping with a 'waivers' list)", "see docs/waivers.md"))
        return waivers, errors
    for index, entry in enumerate(data):
        line = line_of(base + (index,))
        if not isinstance(entry, dict):
            errors.append(WaiverError(relpath, line, "a waiver is a mapping with control, path, reason, owner and expires", "see docs/waivers.md"))
            continue
        unknown = sorted(str(k) for k in entry if k not in FILE_KEYS)
        if unknown:
            errors.append(WaiverError(relpath, line, f"unknown waiver field {unknown[0]!r}", f"use {', '.join(sorted(FILE_KEYS))}"))
            continue
        for key in ("path", "resource"):
            if key in entry and (not isinstance(entry[key], str) or not entry[key].strip()):
                errors.append(WaiverError(relpath, line, f"waiver {key} must be a non-empty glob", f"e.g. {key}: deploy/*.yaml"))
                break
        else:
            if "path" not in entry:
                errors.append(WaiverError(relpath, line, "waiver has no path", "add path: a glob relative to the rootdir, such as deploy/**"))
                continue
            try:
                waivers.append(validate(entry, file=relpath, line=line, kind="file", today=today, max_days=max_days))
            except WaiverError as error:
                errors.append(error)
    return waivers, errors


def first_covering(waivers: Iterable[Waiver], control_id: str, relpath: str, resource_ref: str) -> Waiver | None:
    """The first file waiver (in file order) naming the item."""
    return next((w for w in waivers if w.covers(control_id, relpath, resource_ref)), None)

"""Findings and their fingerprints.

A finding is one violation of one control on one resource of one file.  Its
fingerprint is built from the control id, the file, the resource's identity
and the offending path and value (a secret's value only as a hash), never
from line numbers: it survives line moves, reformatting and unrelated
edits.  One implementation serves known findings, the security diff between
revisions, the history database and drift.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from ..masking import is_sensitive
from ..rules.conditions import MISSING
from ..rules.pathselect import format_path

FINGERPRINT_LENGTH = 20  # hex digits: 80 bits, no collision in any real repository


@dataclass(frozen=True, slots=True)
class Finding:
    """What a report or a file needs to know of one violation."""

    control: str
    file: str
    resource: str  # the item's resource reference, e.g. Deployment/payments/api
    path: str  # the offending field, e.g. $.spec.containers[0].image
    line: int
    fingerprint: str


def value_token(value: Any, sensitive: bool, key: Any = None) -> str:
    """The offending value as fingerprint input: canonical JSON, or a hash
    of it when the value is (or may be) a secret, so no clear text is kept."""
    if value is MISSING:
        return "<missing>"
    try:
        text = json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    if sensitive or is_sensitive(key, value) or isinstance(value, (dict, list)):
        return "sha256:" + hashlib.sha256(text.encode("utf-8")).hexdigest()
    return text


def fingerprint(control: str, file: str, resource: str, path: tuple, value: Any, sensitive: bool = False) -> str:
    key = path[-1] if path else None
    parts = (control, file, resource, format_path(path), value_token(value, sensitive, key))
    return hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:FINGERPRINT_LENGTH]


def findings_of(control_id: str, resource_ref: str, violations: list[Any]) -> list[Finding]:
    """The findings of one item's violations (``rules.controls.Violation``)."""
    return [
        Finding(
            control=control_id,
            file=v.file,
            resource=resource_ref,
            path=format_path(v.path),
            line=v.line,
            fingerprint=fingerprint(control_id, v.file, resource_ref, v.path, v.found, v.sensitive),
        )
        for v in violations
    ]

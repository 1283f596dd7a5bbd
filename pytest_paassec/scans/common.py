"""What every report reader shares: loading the JSON with lines, located
errors, CVSS bands and timestamps."""

from __future__ import annotations

import contextvars
import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from ..errors import ParseError
from ..parsing.documents import Document, parse_text, read_text
from .model import ReportError

# The record a reader is working on (the innermost one): a value of an
# unexpected type deep inside it is reported at its line, not as a crash.
_current: contextvars.ContextVar[tuple[Document, tuple] | None] = contextvars.ContextVar("paassec_report_record", default=None)


def cvss_band(score: Any) -> str | None:
    """CVSS v3 qualitative bands (FIRST), also GitHub code scanning's for SARIF
    security-severity: 9.0+ critical, 7.0+ high, 4.0+ medium, 0.1+ low, 0 info."""
    try:
        value = float(score)
    except (TypeError, ValueError):
        return None
    if value >= 9.0:
        return "critical"
    if value >= 7.0:
        return "high"
    if value >= 4.0:
        return "medium"
    if value > 0.0:
        return "low"
    return "info"


def load(path: Path, relpath: str, max_size: int, fmt: str) -> Document:
    """The report's JSON document; any read or syntax problem is a ReportError."""
    try:
        text = read_text(path, relpath, max_size)
    except ParseError as exc:
        raise ReportError(relpath, exc.line, exc.problem, f"import the JSON report the scanner wrote ({fmt})") from None
    if not text.strip():
        raise ReportError(relpath, None, f"empty {fmt} report", f"re-run the scanner; an empty file is not a clean {fmt} report")
    parsed = parse_text(relpath, "json", text)
    if parsed.error is not None:
        raise ReportError(
            relpath, parsed.error.line, f"not valid JSON ({parsed.error.problem}): truncated or malformed {fmt} report",
            "re-run the scanner with JSON output and import the whole file",
            column=parsed.error.column,
        )
    _current.set((parsed.documents[0], ()))
    return parsed.documents[0]


def require_object(doc: Document, key: str, fmt: str, hint: str) -> Any:
    """``doc.data[key]``; a missing key means the file is not this format."""
    data = doc.data
    if not isinstance(data, dict) or key not in data:
        problem = f"not a {fmt} report: no top-level '{key}'"
        other = guess_format(data)
        if other:
            problem += f"; it looks like a {other} report"
            hint = f"import it as {other}:{doc.path}, or {hint}"
        raise ReportError(doc.path, 1, problem, hint)
    return data[key]


# The top-level keys that give each format away, to name the right one.
_SIGNATURES = (
    ("trivy", ("SchemaVersion", "Results")),
    ("grype", ("matches", "descriptor")),
    ("sarif", ("runs", "version")),
    ("npm-audit", ("auditReportVersion", "vulnerabilities")),
    ("npm-audit", ("advisories", "actions")),
    ("pip-audit", ("dependencies", "fixes")),
    ("osv", ("results",)),
)


def guess_format(data: Any) -> str | None:
    if isinstance(data, dict):
        for name, keys in _SIGNATURES:
            if all(key in data for key in keys):
                return name
    return None


def expect(doc: Document, value: Any, kind: type | tuple, path: tuple, what: str) -> Any:
    if not isinstance(value, kind):
        name = kind.__name__ if isinstance(kind, type) else " or ".join(k.__name__ for k in kind)
        raise ReportError(doc.path, doc.line_of(path), f"{what} is not a JSON {_JSON_NAMES.get(name, name)}", "the report was edited or written by another tool")
    return value


def records(doc: Document, value: Any, path: tuple, what: str) -> Iterator[tuple[int, dict]]:
    """The objects of a JSON array (absent: none), each with its index."""
    items = expect(doc, value if value is not None else [], list, path, what)
    outer = _current.get()
    for i, item in enumerate(items):
        record = expect(doc, item, dict, path + (i,), f"an item of {what}")
        _current.set((doc, path + (i,)))
        yield i, record
    _current.set(outer)


def read_guarded(reader: Callable[[Path, str, int], Any], fmt: str, path: Path, relpath: str, max_size: int) -> Any:
    """``reader(path, relpath, max_size)``; a value of the wrong JSON type
    anywhere in the report (a string where the format has an object, a
    number where it has a list) is a ReportError at the record that holds
    it, never a crash and never a report with fewer findings."""
    token = _current.set(None)
    try:
        return reader(path, relpath, max_size)
    except ReportError:
        raise
    except (AttributeError, TypeError, KeyError, IndexError, ValueError) as exc:
        where = _current.get()
        place = f" in {dotted(where[1])}" if where and where[1] else ""
        raise ReportError(
            relpath, where[0].line_of(where[1]) if where else None,
            f"a value{place} does not have the type the {fmt} format gives it ({type(exc).__name__}: {exc})",
            "the report was edited or written by another tool; import the report the scanner wrote",
        ) from None
    finally:
        _current.reset(token)


def dotted(path: tuple) -> str:
    """``("runs", 0, "results", 3)`` -> ``runs[0].results[3]``."""
    return "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in path).lstrip(".")


_JSON_NAMES = {"dict": "object", "list": "array", "str": "string"}


def timestamp(doc: Document, text: Any, path: tuple) -> dt.datetime | None:
    """An RFC 3339 timestamp in UTC (Trivy writes nanoseconds, Python takes micro)."""
    if text in (None, ""):
        return None
    value = str(text).strip()
    if value.endswith(("Z", "z")):
        value = value[:-1] + "+00:00"
    head, dot, rest = value.partition(".")
    if dot:  # cut the fraction to microseconds, keep the offset
        digits = len(rest) - len(rest.lstrip("0123456789"))
        rest = rest[:digits][:6] + rest[digits:]
        value = f"{head}.{rest}" if rest[:1].isdigit() else head + rest
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ReportError(doc.path, doc.line_of(path), f"timestamp {text!r} is not RFC 3339", "the report was edited or written by another tool") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment.astimezone(dt.timezone.utc)


def text_of(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def links(*candidates: Any) -> tuple[str, ...]:
    """Distinct non-empty links, the first given first."""
    seen: list[str] = []
    for item in candidates:
        for link in item if isinstance(item, (list, tuple)) else [item]:
            if isinstance(link, str) and link.strip() and link.strip() not in seen:
                seen.append(link.strip())
    return tuple(seen)


def digests_of(values: list) -> tuple[str, ...]:
    """``sha256:...`` from ImageID and ``repo@sha256:...`` RepoDigests, in order."""
    found: list[str] = []
    for value in values:
        if isinstance(value, str) and value:
            digest = value.rpartition("@")[2]
            if digest.startswith("sha256:") and digest not in found:
                found.append(digest)
    return tuple(found)

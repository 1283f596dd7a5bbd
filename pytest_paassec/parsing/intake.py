"""One intake: a path (or a text) in, parsed documents or located notices out.

Every reader of deployment files goes through here: the pytest collector,
the inventory behind fixture-based controls, the engine used without pytest
(tests, benchmarks) and, later, readers of other Git revisions (they pass
the blob's bytes to :func:`take_in_bytes`).  So the rules live once: links
that leave the repository, unreadable, binary, oversized and empty files,
Helm chart templates, syntax errors, duplicate keys and formats of a
plugin's own (through a parse callback).

Plain Python: no pytest, no hooks.  A caller that has hooks passes the
parse hook in as ``parse_other``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..errors import LocatedError, ParseError
from .discovery import Candidate
from .documents import FORMATS, Document, ParsedFile, decode_text, parse_text, read_text
from .names import clean_ref_part
from .selection import relative_path

# A parser for formats the plugin does not know: (relpath, format, text) ->
# ParsedFile, a list of documents, or None when nobody parses it.
ParseOther = Callable[[str, str, str], Any]


@dataclass(frozen=True)
class Notice:
    """Something about a file that becomes an item instead of control results.

    ``phase="setup"``: the file cannot be (fully) checked, an error.
    ``phase="call"``: a finding about the file itself (a duplicate key).
    """

    name: str  # the item name, e.g. PAASSEC-INPUT[parse]
    error: LocatedError
    phase: str = "setup"
    control: str = "PAASSEC-INPUT"
    severity: str = "critical"
    title: str = "Deployment files must be readable and recognisable"


@dataclass
class Intake:
    """What reading one file gave: its parse (when there is one) and notices."""

    relpath: str
    candidate: Candidate
    parsed: ParsedFile | None = None
    notices: list[Notice] = field(default_factory=list)


EMPTY_HINT = "add the deployment, or delete or exclude the file"


def take_in_file(
    path: Path,
    root: Path,
    candidate: Candidate,
    *,
    max_size: int,
    text: str | None = None,
    parse_other: ParseOther | None = None,
) -> Intake:
    """Read and parse a file of the work tree (``text`` if already read)."""
    relpath = relative_path(path, root)
    outside = outside_link(path, root)
    if outside is not None:
        error = ParseError(relpath, None, f"symbolic link to {outside}, outside the repository; not read", "check the file in, or exclude the link with paassec_exclude")
        return Intake(relpath, candidate, notices=[Notice("PAASSEC-INPUT[file]", error)])
    if text is None:
        try:
            text = read_text(path, relpath, max_size)
        except ParseError as error:
            return Intake(relpath, candidate, notices=[Notice("PAASSEC-INPUT[file]", error)])
    intake = take_in_text(relpath, candidate, text, chart_template=is_in_chart_templates(path), parse_other=parse_other)
    if intake.parsed is not None:
        intake.parsed.root = root
    return intake


def take_in_bytes(
    relpath: str,
    candidate: Candidate,
    raw: bytes,
    *,
    max_size: int,
    chart_template: bool = False,
    parse_other: ParseOther | None = None,
) -> Intake:
    """Decode and parse file contents from elsewhere (a Git blob)."""
    try:
        text = decode_text(raw, relpath, max_size)
    except ParseError as error:
        return Intake(relpath, candidate, notices=[Notice("PAASSEC-INPUT[file]", error)])
    return take_in_text(relpath, candidate, text, chart_template=chart_template, parse_other=parse_other)


def take_in_text(
    relpath: str,
    candidate: Candidate,
    text: str,
    *,
    chart_template: bool = False,
    parse_other: ParseOther | None = None,
) -> Intake:
    """Parse decoded text; ``chart_template``: the file sits in a Helm chart's templates/."""
    intake = Intake(relpath, candidate)
    if not text.strip():
        intake.notices.append(Notice("PAASSEC-INPUT[empty]", ParseError(relpath, 1, "file is empty: no document to check", EMPTY_HINT)))
        return intake
    if chart_template and "{{" in text:
        line = next(number for number, line in enumerate(text.splitlines(), start=1) if "{{" in line)
        error = ParseError(relpath, line, "a Helm chart template ({{ ... }}), not a manifest", "render it first (helm template) and scan the output")
        intake.notices.append(Notice("PAASSEC-INPUT[parse]", error))
        return intake
    parsed = intake.parsed = _parse(relpath, candidate.format, text, parse_other)
    if parsed.error is not None:
        intake.notices.append(Notice("PAASSEC-INPUT[parse]", parsed.error))
    elif not parsed.documents and candidate.by_name:
        intake.notices.append(Notice("PAASSEC-INPUT[empty]", ParseError(relpath, 1, "file is empty: no document to check", EMPTY_HINT)))
    return intake


def duplicate_key_notices(parsed: ParsedFile) -> list[Notice]:
    """A repeated mapping key is a finding: only the last value takes effect."""
    notices = []
    for duplicate in parsed.duplicates:
        error = ParseError(
            parsed.relpath,
            duplicate.line,
            f"duplicate key {duplicate.key!r} (first at line {duplicate.first_line}): only this last value takes effect, "
            "so a reader of the first one is misled",
            "keep one of the two",
            column=duplicate.column,
        )
        name = f"PAASSEC-DUPKEY[{clean_ref_part(duplicate.key)}:{duplicate.line}]"
        notices.append(Notice(name, error, phase="call", control="PAASSEC-DUPKEY", severity="high", title="Mapping keys must not repeat"))
    return notices


def _parse(relpath: str, fmt: str, text: str, parse_other: ParseOther | None) -> ParsedFile:
    if fmt in FORMATS:
        return parse_text(relpath, fmt, text)
    parsed = ParsedFile(relpath=relpath, format=fmt, text=text)
    try:
        result = parse_other(relpath, fmt, text) if parse_other is not None else None
    except ParseError as error:
        parsed.error = error
        return parsed
    if result is None:
        parsed.error = ParseError(relpath, None, f"no parser for format {fmt!r}", "implement pytest_paassec_parse for it")
    elif isinstance(result, ParsedFile):
        return result
    else:
        parsed.documents = [Document(parsed, index, data, 1) for index, data in enumerate(result)]
    return parsed


def is_in_chart_templates(path: Path) -> bool:
    """A file in a Helm chart's templates/ folder (beside a Chart.yaml)."""
    return path.parent.name == "templates" and (path.parent.parent / "Chart.yaml").is_file()


def outside_link(path: Path, root: Path) -> Path | None:
    """The target of a symbolic link that leaves the repository, if it does."""
    try:
        if not any(p.is_symlink() for p in [path, *path.parents] if p != p.parent):
            return None
        target = path.resolve()
        target.relative_to(root.resolve())
    except ValueError:
        return target
    except (OSError, RuntimeError):  # Python < 3.13 raises RuntimeError on a loop
        return None  # a loop or a dangling link: reading it reports the error
    return None


def dangling_links(folder: Path) -> list[Path]:
    """Links in ``folder`` that cannot be followed (dangling or looping).

    pytest's directory walk drops them without a word; a deployment file
    that is such a link must still be reported.
    """
    found = []
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError:
        return []
    for entry in entries:
        if entry.is_symlink() and not os.path.exists(entry.path):
            found.append(Path(entry.path))
    return found

"""Known findings: a file of today's failures, so a legacy repository gates
only on what is new while the old debt is paid down.

The file is JSON with one finding per line, sorted, so it diffs cleanly and
merges like code.  It holds ids, paths and fingerprints, never a value.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from ..errors import LocatedError
from .findings import Finding

FORMAT_VERSION = 1


class KnownFindingsError(LocatedError):
    """A known-findings file that cannot be read."""


@dataclass(frozen=True, order=True)
class KnownFinding:
    file: str
    control: str
    resource: str
    path: str
    fingerprint: str

    @classmethod
    def of(cls, finding: Finding) -> KnownFinding:
        return cls(finding.file, finding.control, finding.resource, finding.path, finding.fingerprint)


def read_known(path: Path, shown: str) -> list[KnownFinding]:
    """The findings recorded in ``path``; none when the file does not exist yet."""
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise KnownFindingsError(shown, None, f"cannot read the known-findings file: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise KnownFindingsError(shown, exc.lineno, f"not valid JSON: {exc.msg}", "rewrite it with --paassec-update-known-findings") from None
    if not isinstance(data, dict) or data.get("version") != FORMAT_VERSION or not isinstance(data.get("findings"), list):
        raise KnownFindingsError(shown, 1, f"not a known-findings file of version {FORMAT_VERSION}", "rewrite it with --paassec-update-known-findings")
    known = []
    for index, entry in enumerate(data["findings"]):
        try:
            known.append(KnownFinding(**{key: str(entry[key]) for key in ("file", "control", "resource", "path", "fingerprint")}))
        except (KeyError, TypeError):
            raise KnownFindingsError(shown, None, f"finding {index + 1} lacks file, control, resource, path or fingerprint", "rewrite it with --paassec-update-known-findings") from None
    return known


def render_known(findings: Iterable[KnownFinding]) -> str:
    """The file's text: sorted, one finding per line, ending in a newline."""
    rows = sorted(set(findings))
    lines = [json.dumps(row.__dict__, sort_keys=False, ensure_ascii=False) for row in rows]
    body = ",\n    ".join(lines)
    return f'{{\n  "version": {FORMAT_VERSION},\n  "findings": [\n    {body}\n  ]\n}}\n' if lines else f'{{\n  "version": {FORMAT_VERSION},\n  "findings": []\n}}\n'


def write_known(path: Path, findings: Iterable[KnownFinding]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(render_known(findings), encoding="utf-8")
    temporary.replace(path)

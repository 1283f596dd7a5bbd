"""``paassec-pre-commit FILE...``: the plugin on the files a commit changes.

pre-commit passes the staged files that match the hook's pattern; pytest
then collects only those that are deployment files (the project's own
tests do not run).  A commit that changes no deployment file passes:
pytest's "no tests collected" (exit 5) is success here.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from ..parsing.discovery import classify, sniff
from ..parsing.selection import SNIFF_LIMIT

# The project's addopts may switch the plugin off or add options meant for
# its test suite; the hook runs the plugin alone, quietly, with no cache.
ARGS = ("-q", "-p", "no:cacheprovider", "-o", "addopts=", "-p", "paassec", "--no-header", "-W", "ignore::pytest.PytestAssertRewriteWarning")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    # pre-commit passes the hook's args, then the changed files: the files
    # are the arguments that exist, the rest are options (`-n 2` included).
    options = [a for a in argv if a.startswith("-") or not Path(a).exists()]
    files = [a for a in argv if not a.startswith("-") and Path(a).exists() and is_deployment_file(Path(a))]
    if not files:
        return 0
    status = pytest.main([*ARGS, *options, *files])
    return 0 if status == pytest.ExitCode.NO_TESTS_COLLECTED else int(status)


def is_deployment_file(path: Path) -> bool:
    """The built-in discovery's answer (pytest would reject any other file
    named on its command line as "not found")."""
    candidate = classify(path)
    if candidate is None or not path.is_file():
        return False
    if candidate.by_name:
        return True
    with open(path, "rb") as handle:
        return sniff(candidate, handle.read(SNIFF_LIMIT).decode("utf-8", "replace"))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""The suite on the oldest and the newest pytest we support.

    nox                      # both sessions
    nox -s tests_oldest      # pytest at the lower bound in pyproject.toml
    nox -s tests_newest      # the newest pytest release
    nox -s tests_newest -- tests/test_protocol.py   # arguments go to pytest

Everything the plugin takes from pytest's private API is in
pytest_paassec/edge/internals.py; these two sessions are what checks it.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import nox

nox.options.sessions = ["tests_oldest", "tests_newest"]
nox.options.reuse_existing_virtualenvs = True

PYPROJECT = tomllib.loads((Path(__file__).parent / "pyproject.toml").read_text())


def oldest_pytest() -> str:
    """``pytest>=X.Y`` in the dependencies gives ``pytest==X.Y.*``."""
    for requirement in PYPROJECT["project"]["dependencies"]:
        match = re.fullmatch(r"pytest\s*>=\s*([\d.]+)", requirement)
        if match:
            return f"pytest=={match.group(1)}.*"
    raise ValueError("pyproject.toml has no pytest>=X.Y dependency")


def run_suite(session: nox.Session) -> None:
    session.run("python", "-m", "pytest", "--version")
    session.run("python", "-m", "pytest", "-q", "-n", "2", *session.posargs)


@nox.session
def tests_oldest(session: nox.Session) -> None:
    session.install("-e", ".[test]", oldest_pytest())
    run_suite(session)


@nox.session
def tests_newest(session: nox.Session) -> None:
    session.install("-e", ".[test]")
    session.install("--upgrade", "pytest")
    run_suite(session)

"""Hooks that plugins and ``conftest.py`` files implement to extend pytest-paassec.

Each is an ordinary pytest hook: define a function of the same name in a
``conftest.py`` (it then applies to files below that folder) or in a plugin
registered under the ``pytest11`` entry point (it applies everywhere).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from ..parsing.discovery import Candidate
    from ..parsing.documents import ParsedFile
    from ..platforms.base import Platform
    from ..rules.controls import Control


@pytest.hookspec
def pytest_paassec_controls(config: pytest.Config) -> list[Control]:
    """Contribute controls written in Python.

    Return a list of controls, usually functions decorated with
    :func:`pytest_paassec.control`.  The hook is called for each deployment
    file through pytest's path-aware hook relay, so a ``conftest.py`` in a
    subfolder contributes controls only to files below it, while a pytest11
    plugin contributes to every file.  Ids must be unique across baselines
    and plugins: a duplicate, or an invalid definition, becomes an error
    item ``PAASSEC-CONTROL[...]`` naming the file and line of the definition.

    Example, in ``conftest.py``::

        import pytest_paassec as paassec

        @paassec.control(id="TEAM-IMG-001", title="Images from our registry",
                         severity="high", category="images", subject="images")
        def our_registry(image):
            if image["registry"] != "registry.example.com":
                yield paassec.violation(found=image["image"], expected="registry.example.com/...")

        def pytest_paassec_controls(config):
            return [our_registry]
    """


@pytest.hookspec
def pytest_paassec_baselines(config: pytest.Config) -> list[Path]:
    """Contribute baseline files or folders, as a control pack does.

    Called once per session, after the built-in baselines and before those
    named in ``paassec_baselines``.  Implement it in a pytest11 plugin that
    ships YAML baselines inside its package.

    Example::

        from pathlib import Path

        def pytest_paassec_baselines(config):
            return [Path(__file__).with_name("baselines")]
    """


@pytest.hookspec(firstresult=True)
def pytest_paassec_candidate(file_path: Path, config: pytest.Config) -> Candidate | None:
    """Claim a file the built-in discovery does not know, by its path.

    Return a :class:`pytest_paassec.Candidate` naming the file format (one of
    the built-in formats ``yaml``, ``json``, ``toml``, ``dockerfile``,
    ``procfile``, or a name of your own that :func:`pytest_paassec_parse`
    handles) and the platforms to try, in order.  Return ``None`` to leave
    the file to the built-in rules.  The first non-None result wins.

    Example, for an in-house descriptor ``deploy.acme``::

        from pytest_paassec import Candidate

        def pytest_paassec_candidate(file_path, config):
            if file_path.name == "deploy.acme":
                return Candidate(format="acme", platforms=("acme",), by_name=True)
    """


@pytest.hookspec(firstresult=True)
def pytest_paassec_parse(relpath: str, format: str, text: str) -> ParsedFile | list[Any] | None:
    """Parse a file format of your own.

    Called only for formats the plugin does not know.  Return either a list
    of documents (each the parsed data, dicts and lists) or a full
    :class:`pytest_paassec.ParsedFile` when you can tell lines.  Raise
    :class:`pytest_paassec.ParseError` (with the line) for a broken file: it
    becomes an error item, and the run goes on.

    Example::

        def pytest_paassec_parse(relpath, format, text):
            if format == "acme":
                return [dict(line.split("=", 1) for line in text.splitlines() if "=" in line)]
    """


@pytest.hookspec
def pytest_paassec_platforms(config: pytest.Config) -> list[Platform]:
    """Contribute platform adapters: declarations, detection, resources and views.

    Return a list of :class:`pytest_paassec.Platform` instances.  An adapter
    with the ``name`` of a built-in one replaces it.  Its ``file_rules``
    (:class:`pytest_paassec.FileRule`) and ``sniffs``
    (:class:`pytest_paassec.Sniff`) take part in discovery like the built-in
    ones; its ``fields`` say which normalized fields it can express, and
    cross-platform controls run on it wherever it has the fields they read.
    Its ``subjects`` may include the normalized ``env``, ``images``,
    ``endpoints``, ``workload`` and ``mounts`` views.

    Example::

        from pytest_paassec import FileRule, Platform

        class Acme(Platform):
            name = "acme"
            title = "Acme PaaS"
            file_rules = (FileRule(r"acme\\.json", "json", rank=85),)
            def detect(self, document):
                return isinstance(document.data, dict)
            def resources(self, document):
                return [self.resource(document, "app", document.data.get("name"), document.data)]

        def pytest_paassec_platforms(config):
            return [Acme()]
    """


@pytest.hookspec
def pytest_paassec_live_state(config: pytest.Config) -> list[tuple[str, str]] | None:
    """Contribute live-state snapshots for the drift check, besides ``--paassec-live``.

    Return ``(name, text)`` pairs: ``text`` is what a platform's export
    command prints (``kubectl get ... -o yaml``, ``heroku config --json``...)
    and ``name`` the file name it would have in the live directory (the
    readers detect the export by content; the few that need it read the
    name, see docs/live-state.md).  Called once per session, in every xdist
    worker.  The plugin itself opens no connection: this hook is where a
    team runs its CLI or API client, with a fixed argument list and a
    timeout, and an error it raises stops the run with its message.

    Example, in ``conftest.py``::

        import subprocess

        def pytest_paassec_live_state(config):
            if not config.getoption("paassec_live_cluster", default=None):
                return None
            args = ["kubectl", "get", "deploy,sts,ds,svc,ing,cm,sa", "-n", "payments", "-o", "yaml"]
            done = subprocess.run(args, capture_output=True, text=True, timeout=60, check=True)
            return [("cluster-payments.yaml", done.stdout)]
    """

"""Which run protocol control items take: the lean one or pytest's standard one.

The lean protocol (runner.py) logs the standard reports but calls none of
the per-item run hooks (``pytest_runtest_protocol``, ``_setup``, ``_call``,
``_teardown``, ``_makereport``), so a plugin or conftest implementing one
of them would not see control items.  ``paassec_protocol`` decides:

- ``lean``: always the lean protocol (a plugin's per-item hooks miss
  control items; the fastest);
- ``standard``: pytest's protocol for every item;
- ``auto`` (default): lean only when nothing but pytest itself, this plugin
  and the plugins of :data:`SAFE_PLUGINS` implements a per-item run hook.

Options that inspect setup or debug (``--setup-show``, ``--pdb``...) need
the standard protocol in every mode.  The decision is taken again after
collection, when every conftest is registered, in each process that runs
items (every pytest-xdist worker decides for itself, with the same rule).
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from .internals import is_pytest_plugin

RUN_HOOKS = (
    "pytest_runtest_protocol",
    "pytest_runtest_setup",
    "pytest_runtest_call",
    "pytest_runtest_teardown",
    "pytest_runtest_makereport",
)

# Plugins whose per-item run hooks act only on Python test functions, so
# skipping them for control items changes nothing.  Keys are a module
# (every hook of it) or "module:Class" (one plugin object).  Checked against
# hypothesis 6.170, pytest-cov 7.1 and pytest-randomly 5.1; the tests
# register stand-ins under these names.
SAFE_PLUGINS: dict[str, str] = {
    "_hypothesis_pytestplugin": "its pytest_runtest_call wrapper does nothing for an item without .obj (a Python "
    "function); its pytest_runtest_makereport wrapper reads attributes only @given tests set",
    "pytest_cov.plugin:CovPlugin": "its pytest_runtest_call wrapper only pauses coverage for items marked or "
    "requesting no_cover (a control item with another marker takes the standard protocol)",
    "pytest_randomly": "its setup/call/teardown hooks reseed random, which no control reads; "
    "the next Python test reseeds in its own setup",
}
# Not safe, so they force `standard` under auto: pytest-cov's TestContextPlugin
# (--cov-context=test switches the context per item), pytest-timeout (per-item
# timers and --session-timeout are checked in its protocol wrapper) and
# pytest-rerunfailures (reruns through its own protocol).  pytest-xdist
# implements no per-item run hook on either side.

OWN_PREFIX = "pytest_paassec."

# Options (dest, flag) under which every item takes the standard protocol.
STANDARD_OPTIONS = (
    ("setupshow", "--setup-show"),
    ("setuponly", "--setup-only"),
    ("setupplan", "--setup-plan"),
    ("usepdb", "--pdb"),
    ("trace", "--trace"),
    ("runxfail", "--runxfail"),
)


@dataclass(frozen=True)
class Protocol:
    mode: str
    lean: bool
    reason: str

    def header(self) -> str:
        return f"protocol: {'lean' if self.lean else 'standard'} ({self.reason})"


def choose(mode: str, config: pytest.Config) -> Protocol:
    flags = [flag for dest, flag in STANDARD_OPTIONS if config.getoption(dest, False)]
    if flags:
        return Protocol(mode, False, f"{', '.join(flags)} needs it")
    if mode != "auto":
        return Protocol(mode, mode == "lean", f"paassec_protocol={mode}")
    found = foreign_run_hooks(config.pluginmanager, config.rootpath)
    if not found:
        return Protocol(mode, True, "auto: no other plugin hooks into each test's run")
    blockers = "; ".join(f"{label} implements {', '.join(hooks)}" for label, hooks in found.items())
    return Protocol(mode, False, f"auto fell back: {blockers}")


def foreign_run_hooks(pluginmanager: pytest.PytestPluginManager, rootpath: Path) -> dict[str, list[str]]:
    """Plugin label -> the per-item run hooks it implements, for every plugin
    that is neither pytest's, ours nor on the safe list."""
    found: dict[str, list[str]] = {}
    for name in RUN_HOOKS:
        for impl in getattr(pluginmanager.hook, name).get_hookimpls():
            module, key = _plugin_key(impl.plugin)
            if is_pytest_plugin(module) or module.startswith(OWN_PREFIX) or key in SAFE_PLUGINS or module in SAFE_PLUGINS:
                continue
            hooks = found.setdefault(_label(impl.plugin, key, rootpath), [])
            if name not in hooks:
                hooks.append(name)
    return dict(sorted(found.items()))


def _plugin_key(plugin: Any) -> tuple[str, str]:
    if isinstance(plugin, types.ModuleType):
        return plugin.__name__, plugin.__name__
    cls = type(plugin)
    return cls.__module__, f"{cls.__module__}:{cls.__qualname__}"


def _label(plugin: Any, key: str, rootpath: Path) -> str:
    """How the header names a plugin: a conftest by its path, else its module."""
    file = getattr(plugin, "__file__", None)
    if isinstance(plugin, types.ModuleType) and file and Path(file).name == "conftest.py":
        path = Path(file)
        try:
            return f"conftest {path.relative_to(rootpath).as_posix()}"
        except ValueError:
            return f"conftest {path.as_posix()}"
    return key


def choose_after_collection(session: pytest.Session) -> None:
    """Choose again now that every conftest is registered; say so if it changed."""
    from .state import STATE  # state imports this module

    state = session.config.stash[STATE]
    shown, state.protocol = state.protocol, choose(state.settings.protocol, session.config)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if shown is not None and shown != state.protocol and reporter is not None:
        reporter.write_line(f"paassec: after collection, {state.protocol.header()}")

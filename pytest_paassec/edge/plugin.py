"""pytest hook implementations; each delegates to the module that does the work."""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import Any

import pytest

from ..errors import BaselineError, LocatedError, SettingsError
from ..model.resources import clean_ref_part
from ..parsing.discovery import classify
from ..parsing.selection import relative_path, select_file
from ..rules.catalog import Catalog, build_catalog
from . import fixture_controls, hookspecs
from .collect import ControlItem, DeploymentFile, NoticeItem
from .observer import RunObserver
from .protocol import choose
from .runner import lean_enabled, quiet, run_item, run_loop, runs_own_loop
from .settings import OPTIONS, Settings, resolve
from .state import STATE, SessionState

# Folders pytest skips by default (norecursedirs ".*") that hold deployment files.
DEPLOYMENT_DOT_DIRS = frozenset({".do", ".ebextensions"})


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.add_hookspecs(hookspecs)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("paassec", "security baselines for PaaS deployment files")
    for flag, ini, ini_type, help_text in OPTIONS:
        if flag is not None:
            kwargs: dict[str, Any] = {"action": "append"} if ini_type in ("paths", "args") else {}
            group.addoption(flag, dest=ini, default=None, help=help_text, **kwargs)
        default: Any = True if ini_type == "bool" else None
        parser.addini(ini, help_text, type=ini_type, default=default)  # type: ignore[arg-type]


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "paassec(control, severity, platform, category): a pytest-paassec control check"
    )
    config.addinivalue_line(
        "markers",
        "paassec_control(id, title, severity, category, platforms, kinds, subject, ...): "
        "run this test as a control on every matching resource (fixtures paassec_subject, paassec_resource)",
    )
    try:
        settings = resolve(lambda name: config.getoption(name, None), config.getini, config.rootpath)
    except SettingsError as exc:
        raise pytest.UsageError(str(exc)) from None
    state = SessionState(settings=settings, load_catalog=lambda: _load_catalog(config, settings), root=config.rootpath)
    config.stash[STATE] = state
    config.pluginmanager.register(RunObserver(state, config), "paassec-observer")
    config.pluginmanager.register(fixture_controls, "paassec-fixture-controls")


def _load_catalog(config: pytest.Config, settings: Settings) -> Catalog:
    platforms = [p for contributed in config.hook.pytest_paassec_platforms(config=config) for p in contributed or ()]
    packs = [Path(p) for contributed in config.hook.pytest_paassec_baselines(config=config) for p in contributed or ()]
    return build_catalog(
        sorted(packs) + list(settings.baselines),
        builtin=settings.builtin_baselines,
        platforms=platforms,
        root=config.rootpath,
    )


def pytest_report_header(config: pytest.Config) -> list[str]:
    state = config.stash[STATE]
    catalog = state.catalog
    line = f"paassec: {len(catalog.controls)} controls from {', '.join(catalog.sources) or 'no baselines'}"
    if catalog.errors:
        line += f" ({len(catalog.errors)} baseline errors)"
    lines = [line, "paassec: " + "; ".join(state.settings.header())]
    # Provisional: conftests below the rootdir register during collection.
    state.protocol = choose(state.settings.protocol, config)
    lines.append("paassec: " + state.protocol.header())
    for control in catalog.controls:
        if control.overridden:
            lines.append(f"paassec: override {control.id}: {control.overridden}")
    for override in catalog.disabled():
        lines.append(f"paassec: override {override.id}: {override.describe()}")
    return lines


@pytest.hookimpl(tryfirst=True)
def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """Walk into .do/ and .ebextensions/ unless the user ignores them explicitly;
    never walk a directory link back into one of its own ancestors (a loop)."""
    if collection_path.is_symlink() and collection_path.is_dir():
        try:
            target = collection_path.resolve(strict=True)
        except (OSError, RuntimeError):
            return True
        if target == collection_path.parent.resolve() or target in collection_path.parent.resolve().parents:
            return True
    if collection_path.name not in DEPLOYMENT_DOT_DIRS:
        return None
    ignored = [Path(p).resolve() for p in config.getoption("ignore") or ()]
    globs = config.getoption("ignore_glob") or ()
    if collection_path.resolve() in ignored or any(fnmatch.fnmatch(str(collection_path), g) for g in globs):
        return True
    return False if collection_path.is_dir() else None


class _LinkAwareDir(pytest.Dir):
    """pytest's Dir, plus links named like deployment files that cannot be
    followed (loops, dangling): pytest's walker drops them silently."""

    def collect(self):  # type: ignore[no-untyped-def]
        yield from super().collect()
        for entry in sorted(self.path.iterdir()):
            if entry.is_symlink() and not entry.exists():
                candidate = classify(entry)
                if candidate is not None and not self.ihook.pytest_ignore_collect(collection_path=entry, config=self.config):
                    yield DeploymentFile.from_parent(self, path=entry, candidate=candidate)


def pytest_collect_directory(path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    # Not tryfirst: a conftest's own directory collector still wins.
    if (path / "__init__.py").is_file():
        return None  # a package: pytest's Package collects it
    return _LinkAwareDir.from_parent(parent, path=path)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    config = parent.config
    candidate = parent.ihook.pytest_paassec_candidate(file_path=file_path, config=config) or classify(file_path)
    if candidate is None:
        return None
    settings = config.stash[STATE].settings
    selected = select_file(file_path, relative_path(file_path, config.rootpath), settings, candidate)
    if selected is None:
        return None
    candidate, text = selected
    return DeploymentFile.from_parent(parent, path=file_path, candidate=candidate, text=text)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    """Baseline errors become error items, so a broken baseline is never silent."""
    state = config.stash[STATE]
    if not state.catalog_loaded:
        return  # no deployment file needed the baselines: nothing was checked
    errors: list[BaselineError] = state.catalog.errors
    for error in errors:
        name = f"PAASSEC-BASELINE[{clean_ref_part(error.path)}:{error.line or 1}]"
        items.insert(0, NoticeItem.from_parent(session, name=name, nodeid=name, error=error))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    """Choose the run protocol now that every conftest is registered."""
    state = session.config.stash[STATE]
    shown, state.protocol = state.protocol, choose(state.settings.protocol, session.config)
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if shown is not None and shown != state.protocol and reporter is not None:
        reporter.write_line(f"paassec: after collection, {state.protocol.header()}")


@pytest.hookimpl(tryfirst=True)
def pytest_runtestloop(session: pytest.Session) -> bool | None:
    if not runs_own_loop(session):
        return None
    run_loop(session)
    return True


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> bool | None:
    if lean_enabled(item.config) and run_item(item, nextitem):
        return True
    return None


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    """Under the standard protocol: the reports the lean one gives."""
    report = yield
    if not isinstance(item, (ControlItem, NoticeItem)):
        return report
    if isinstance(item, NoticeItem) and report.when == "setup" and call.excinfo is not None and isinstance(call.excinfo.value, LocatedError):
        report.longrepr = item.error_repr()  # the located message, not pytest's own frames
    elif report.passed and report.when != "call":
        quiet(report)
    return report

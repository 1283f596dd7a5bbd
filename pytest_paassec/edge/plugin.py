"""pytest hook implementations; each delegates to the module that does the work."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Generator

import pytest

from ..errors import SettingsError
from ..git import GitError
from ..git import Repository as GitRepository
from . import fixture_controls, hookspecs, junit
from .changes import changed_files
from .collect import deployment_file, session_error_items, unfollowable_deployment_files
from .drift import HOOK_INPUT, drift_items, hook_snapshots, write_drift_plan
from .governance import GovernanceReports
from .header import collection_lines, header_lines
from .imports import imported_report, missing_report_items, report_arguments
from .observer import RunObserver
from .paths import ignore_collect
from .protocol import choose, choose_after_collection
from .roots import add_to_arguments
from .runner import lean_enabled, run_item, run_loop, runs_own_loop, standard_report
from .settings import FLAGS, OPTIONS, TRUE_BY_DEFAULT, option_reader, resolve
from .state import STATE, SessionState, contributed_platforms, load_catalog


def pytest_addhooks(pluginmanager: pytest.PytestPluginManager) -> None:
    pluginmanager.add_hookspecs(hookspecs)


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("paassec", "security baselines for PaaS deployment files")
    for flag, ini, ini_type, help_text in OPTIONS:
        if flag is not None:
            kwargs: dict[str, Any] = {"action": "append"} if ini_type in ("paths", "args") else {}
            if ini_type == "bool":
                kwargs = {"action": "store_true"}
            group.addoption(flag, dest=ini, default=None, help=help_text, **kwargs)
        default: Any = ini in TRUE_BY_DEFAULT if ini_type == "bool" else None
        parser.addini(ini, help_text, type=ini_type, default=default)  # type: ignore[arg-type]
    for flag, dest, help_text in FLAGS:
        group.addoption(flag, dest=dest, action="store_true", default=False, help=help_text)


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
        settings = resolve(option_reader(config), config.getini, config.rootpath)
    except SettingsError as exc:
        raise pytest.UsageError(str(exc)) from None
    state = SessionState(settings=settings, load_catalog=lambda: load_catalog(config, settings), root=config.rootpath)
    state.load_platforms = lambda: contributed_platforms(config)
    if settings.changed_since:
        try:
            state.changes = changed_files(settings.changed_since, config.rootpath)
        except GitError as exc:
            raise pytest.UsageError(f"--paassec-changed-since: {exc}") from None
    if settings.diff:
        try:
            state.diff_repository = GitRepository.at(config.rootpath)
            state.diff_repository.resolve(settings.diff)
        except GitError as exc:
            raise pytest.UsageError(f"--paassec-diff: {exc}") from None
        state.load_extra_controls = lambda: state.contributions.for_hook(config.hook, config)[0]
    if settings.blame:
        try:
            state.blame_repository = GitRepository.at(config.rootpath)
        except GitError as exc:
            raise pytest.UsageError(f"--paassec-blame: {exc}") from None
    config.stash[STATE] = state
    config.pluginmanager.register(RunObserver(state, config), "paassec-observer")
    config.pluginmanager.register(GovernanceReports(state, config), "paassec-governance")
    config.pluginmanager.register(fixture_controls, "paassec-fixture-controls")


@pytest.hookimpl(trylast=True, specname="pytest_configure")
def pytest_configure_junit(config: pytest.Config) -> None:
    # After _pytest.junitxml's pytest_configure has registered its writer.
    junit.install(config, config.stash[STATE].settings.junit_spool)


def pytest_report_header(config: pytest.Config) -> list[str]:
    state = config.stash[STATE]
    # Provisional: conftests below the rootdir register during collection.
    state.protocol = choose(state.settings.protocol, config)
    return header_lines(state)


@pytest.hookimpl(tryfirst=True)
def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    return ignore_collect(collection_path, config)


def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> pytest.Collector | None:
    return imported_report(file_path, parent) or deployment_file(file_path, parent)


@pytest.hookimpl(tryfirst=True)
def pytest_collection(session: pytest.Session) -> None:
    add_to_arguments(session)
    session.config.args.extend(report_arguments(session))


def pytest_report_collectionfinish(config: pytest.Config, items: list[pytest.Item]) -> list[str]:
    return collection_lines(config.stash[STATE], items)


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector: pytest.Collector) -> Generator[None, pytest.CollectReport, pytest.CollectReport]:
    report = yield
    if isinstance(collector, (pytest.Dir, pytest.Package)) and report.passed:
        report.result.extend(unfollowable_deployment_files(collector))
    return report


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    items[:0] = [*missing_report_items(session), *session_error_items(session)]


@pytest.hookimpl(tryfirst=True, specname="pytest_collection_modifyitems")
def pytest_collection_modifyitems_drift(session: pytest.Session, config: pytest.Config, items: list[pytest.Item]) -> None:
    # Before -k, -m and pytest-split choose: drift items are items like any.
    items.extend(drift_items(session))


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node: Any) -> None:
    # Workers compare with the live state the controller's hook returned.
    if node.config.pluginmanager.hasplugin("paassec-observer"):
        node.workerinput[HOOK_INPUT] = [list(pair) for pair in hook_snapshots(node.config)]


def pytest_sessionfinish(session: pytest.Session) -> None:
    write_drift_plan(session)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_finish(session: pytest.Session) -> None:
    choose_after_collection(session)


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
    report = yield
    return standard_report(item, call, report)

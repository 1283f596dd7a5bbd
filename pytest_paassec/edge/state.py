"""Per-session state, kept in ``config.stash`` (never in module globals)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import pytest

from ..git import Blame
from ..git import Repository as GitRepository
from ..governance.diff import DiffBase, findings_at
from ..model.repository import Repository
from ..model.resources import Resource
from ..parsing.discovery import Discovery
from ..parsing.intake import Intake
from ..parsing.selection import excluded, relative_path
from ..platforms.base import Platform
from ..reporting.summary import Summary
from ..rules.catalog import Catalog, build_catalog, discovery_for
from ..rules.contributions import Contributions
from ..rules.controls import Control
from ..scans.coverage import ScanIndex, image_scan_controls
from ..scans.model import ReportError, ScanReport
from .changes import ChangedFiles
from .governance import Governance, load_governance
from .protocol import Protocol
from .settings import Settings


@dataclass
class SessionState:
    settings: Settings
    # Builds the catalog; called on first use, so a run with no deployment
    # files does not pay for loading and compiling the baselines.
    load_catalog: Callable[[], Catalog]
    root: Path | None = None
    summary: Summary = field(default_factory=Summary)
    # Files the inventory already read (for fixture-based controls).
    parsed: dict[Path, Intake] = field(default_factory=dict)
    # Files named like deployment files whose content no platform claimed.
    unrecognized: list[str] = field(default_factory=list)
    # Deployment files added from paassec_roots when pytest ran on testpaths (roots.py).
    extra_files: int = 0
    extra_roots: tuple[str, ...] = ()
    # Contributed platform adapters (pytest_paassec_platforms), asked on first use.
    load_platforms: Callable[[], list[Platform]] = list
    # The run protocol this process chose (protocol.py): provisional when
    # the header is written, final after collection.
    protocol: Protocol | None = None
    # Pull-request mode (--paassec-changed-since): the files that changed.
    changes: ChangedFiles | None = None
    # The security diff (--paassec-diff): the repository, and the findings at the revision once asked for.
    diff_repository: GitRepository | None = None
    # Controls plugins and conftests contribute, for the revision too (set at configure).
    load_extra_controls: Callable[[], tuple] = tuple
    _diff_base: DiffBase | None = None
    # --paassec-blame: the repository, and each file's blame once asked for.
    blame_repository: GitRepository | None = None
    _blames: dict[str, dict[int, Blame]] = field(default_factory=dict)
    # Every resource collected, for controls that read other files.
    resources: list[Resource] = field(default_factory=list)
    _repository: Repository | None = None
    _catalog: Catalog | None = None
    _governance: Governance | None = None
    _platforms: list[Platform] | None = None
    _discovery: Discovery | None = None
    _contributions: Contributions | None = None
    # --paassec-import: each report read once (or why it cannot be), by resolved path.
    _scan_reports: dict[Path, ScanReport | ReportError] = field(default_factory=dict)
    _scan_controls: tuple[Control, ...] | None = None
    # Drift: the pytest_paassec_live_state hook's snapshots (asked once) and the result.
    hook_snapshots: list[tuple[str, str]] | None = None
    drift_result: Any = None
    drift_plan_error: str | None = None  # the plan could not be written: why

    @property
    def catalog_loaded(self) -> bool:
        return self._catalog is not None

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            self._catalog = self.load_catalog()
            self.summary.titles = {control.id: control.title for control in self._catalog.controls}
        return self._catalog

    @property
    def diff_base(self) -> DiffBase | None:
        """The findings at the --paassec-diff revision, evaluated on first use
        (each xdist worker evaluates them too: the same files, the same answer)."""
        if self.diff_repository is None:
            return None
        if self._diff_base is None:
            settings = self.settings
            self._diff_base = findings_at(
                self.diff_repository, settings.diff, self.root or Path("."), self.catalog,
                selected=lambda relpath: not excluded(relpath, settings), max_size=settings.max_file_size,
                extra=self.load_extra_controls(),
            )
        return self._diff_base

    def blame_of(self, file: str, line: int) -> Blame | None:
        """The last change to a line of a deployment file (relative to the rootdir)."""
        if self.blame_repository is None:
            return None
        if file not in self._blames:
            self._blames[file] = self.blame_repository.blame((self.root or Path(".")) / file)
        return self._blames[file].get(line, Blame("", "", "") if not self._blames[file] else None)

    def in_change(self, path: Path) -> bool:
        """Whether pull-request mode (if on) keeps this deployment file."""
        return self.changes is None or self.changes.includes(path)

    def add_resources(self, resources: list[Resource]) -> None:
        self.resources.extend(resources)
        self._repository = None  # built again if a plugin collects more

    @property
    def repository(self) -> Repository:
        """The repository view of every collected file, made when the first
        item that needs it runs (after collection, so it is complete)."""
        if self._repository is None:
            self._repository = Repository(self.resources)
        return self._repository

    @property
    def governance(self) -> Governance:
        """Waivers and known findings, read on first use."""
        if self._governance is None:
            self._governance = load_governance(self.settings, self.root or Path("."))
        return self._governance

    @property
    def platforms(self) -> list[Platform]:
        if self._platforms is None:
            self._platforms = self.load_platforms()
        return self._platforms

    @property
    def discovery(self) -> Discovery:
        """File rules of the built-in and contributed platforms; without
        loading the baselines, which a run with no deployment file skips."""
        if self._discovery is None:
            self._discovery = self._catalog.discovery if self._catalog is not None else discovery_for(self.platforms)
        return self._discovery

    @property
    def contributions(self) -> Contributions:
        if self._contributions is None:
            self._contributions = Contributions(self.catalog, self.root)
        return self._contributions


    def is_live_snapshot(self, path: Path) -> bool:
        """Files under --paassec-live are live state, and files under
        --paassec-drift-plan a plan: neither is a deployment file."""
        folders = [d for d in (self.settings.live, self.settings.drift_plan) if d is not None]
        if not folders:
            return False
        parents = _resolved(path).parents
        return any(_resolved(d) in parents for d in folders)

    def import_format(self, path: Path) -> str | None:
        """The format --paassec-import names this file with, if it does."""
        if not self.settings.imports:
            return None
        resolved = _resolved(path)
        return next((fmt for fmt, p in self.settings.imports if _resolved(p) == resolved), None)

    def scan_report(self, path: Path) -> ScanReport | ReportError:
        """An imported report, read on first use (collection, then the image controls)."""
        from ..scans.read import read_report

        resolved = _resolved(path)
        if resolved not in self._scan_reports:
            fmt = self.import_format(path) or ""
            relpath = relative_path(path, self.root or Path("."))
            try:
                self._scan_reports[resolved] = read_report(fmt, path, relpath, self.settings.max_file_size)
            except ReportError as exc:
                self._scan_reports[resolved] = exc
        return self._scan_reports[resolved]

    def readable_reports(self) -> list[ScanReport]:
        found = [self.scan_report(path) for _, path in self.settings.imports if path.is_file()]
        return [r for r in found if isinstance(r, ScanReport)]

    @property
    def scan_controls(self) -> tuple[Control, ...]:
        """SCAN-IMG-001/002, when reports are imported (scans/coverage.py)."""
        if self._scan_controls is None:
            index = ScanIndex(self.readable_reports, today=self.settings.today, max_age_days=self.settings.scan_max_age)
            controls = image_scan_controls(index) if self.settings.imports else ()
            self._scan_controls = tuple(c for c in controls if self.settings.wants(c.id))
        return self._scan_controls


def _resolved(path: Path) -> Path:
    """The real path; a link loop or unreadable link stays as it is (the
    collector reports it)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()


STATE = pytest.StashKey[SessionState]()


def contributed_platforms(config: pytest.Config) -> list[Platform]:
    return [p for contributed in config.hook.pytest_paassec_platforms(config=config) for p in contributed or ()]


def load_catalog(config: pytest.Config, settings: Settings) -> Catalog:
    """Built-in baselines, control packs, the team's baselines and contributed platforms."""
    platforms = config.stash[STATE].platforms
    packs = [Path(p) for contributed in config.hook.pytest_paassec_baselines(config=config) for p in contributed or ()]
    return build_catalog(
        sorted(packs) + list(settings.baselines),
        builtin=settings.builtin_baselines,
        platforms=platforms,
        root=config.rootpath,
    )

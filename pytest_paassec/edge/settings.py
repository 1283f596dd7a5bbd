"""Options: a command-line flag and an ini key for each, resolved once.

The command line wins over the ini file.  An invalid value raises
:class:`SettingsError` naming where it came from; the plugin turns that into
a pytest usage error.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import SettingsError
from ..governance.clock import resolve_today
from ..rules.controls import Severity

DEFAULT_FAIL_ON = Severity.LOW
DEFAULT_MAX_FILE_SIZE = 5 * 1024 * 1024
DEFAULT_WAIVERS = ".paassec-waivers.yaml"
DEFAULT_MAX_WAIVER_DAYS = 365
DEFAULT_SCAN_MAX_AGE = 7
PROTOCOLS = ("auto", "lean", "standard")  # see edge/protocol.py

# (flag, ini key, ini type, help)
OPTIONS: tuple[tuple[str | None, str, str, str], ...] = (
    ("--paassec-baseline", "paassec_baselines", "paths", "extra baseline files or folders (repeatable)"),
    ("--paassec-select", "paassec_select", "args", "run only these control ids or id prefixes (comma or space separated)"),
    ("--paassec-ignore", "paassec_ignore", "args", "skip these control ids or id prefixes"),
    ("--paassec-fail-on", "paassec_fail_on", "string", "lowest severity that fails the run: critical, high, medium, low or info (default low)"),
    ("--paassec-protocol", "paassec_protocol", "string", "how control items run: auto (lean unless another plugin or conftest hooks into each test's run), lean or standard (default auto)"),
    (None, "paassec_builtin_baselines", "bool", "load the built-in baselines (default true)"),
    (None, "paassec_paths", "args", "only collect deployment files matching these globs (relative to rootdir)"),
    (None, "paassec_exclude", "args", "never collect deployment files matching these globs (relative to rootdir)"),
    (None, "paassec_max_file_size", "string", "largest deployment file read, in bytes or with a unit such as 5MB (default 5MB)"),
    ("--paassec-waivers", "paassec_waivers", "string", f"waivers file (default {DEFAULT_WAIVERS} at the rootdir, when present)"),
    ("--paassec-strict-waivers", "paassec_strict_waivers", "bool", "fail on waivers no longer needed or matching nothing (default false)"),
    (None, "paassec_max_waiver_days", "string", f"longest a waiver may run from today, in days (default {DEFAULT_MAX_WAIVER_DAYS})"),
    ("--paassec-today", "paassec_today", "string", "the date waiver expiry is judged on, YYYY-MM-DD (default: the system date)"),
    ("--paassec-known-findings", "paassec_known_findings", "string", "file of known findings: reported as xfail, only new ones fail"),
    ("--paassec-sarif", "paassec_sarif", "string", "write a SARIF 2.1.0 report to this path"),
    ("--paassec-json", "paassec_json", "string", "write a JSON report to this path"),
    ("--paassec-changed-since", "paassec_changed_since", "string", "collect only the deployment files changed since the merge base of this Git revision and HEAD: committed, staged, unstaged and untracked (pull requests, pre-commit)"),
    ("--paassec-diff", "paassec_diff", "string", "security diff: also evaluate the baselines on the repository at this Git revision (read from Git, not checked out); findings already there are expected failures, only new ones fail, fixed ones are listed"),
    ("--paassec-blame", "paassec_blame", "bool", "name the commit, author and date of the last change to every offending line (one git blame per file with a failure); JUnit properties paassec.commit, paassec.author, paassec.date"),
    (None, "paassec_roots", "args", "where deployment files are also collected when pytest runs without path arguments (default: the rootdir)"),
    (None, "paassec_junit_spool", "bool", "with --junitxml, keep finished test cases in a spool file next to the report instead of in memory; the report is the same (default true)"),
    (None, "paassec_dot_dirs", "bool", "collect deployment files in dot-directories such as .github/ and .devcontainer/ (never .git, .tox, caches or virtualenvs); false walks only the platforms' own, such as .do/ and .ebextensions/ (default true)"),
    ("--paassec-import", "paassec_imports", "args", "import a scanner report as test items, FORMAT:PATH (repeatable; formats trivy, grype, pip-audit, osv, npm-audit, sarif); with imports, every deployed image must be covered by a recent report"),
    ("--paassec-scan-max-age", "paassec_scan_max_age", "string", "oldest an imported report covering a deployed image may be, in days, judged from the report's own timestamp against --paassec-today (default 7)"),
    ("--paassec-live", "paassec_live", "string", "drift: a directory of live-state snapshots exported with each platform's own CLI (docs/live-state.md); every declared resource of a platform the snapshots cover gets a DRIFT item"),
    ("--paassec-drift-plan", "paassec_drift_plan", "string", "drift: write the reconciliation plan (per drifted resource what brings live back to the repository, and an index.md) to this directory; nothing is applied"),
    (None, "paassec_drift_ignore", "linelist", "drift: further fields the comparison ignores, one 'PLATFORM: PATTERN' per line (e.g. kubernetes: metadata.annotations.example.com/*); see docs/drift.md for the default lists"),
    (None, "paassec_coverage_items", "bool", "give a recognised deployment file that no control applies to a passing PAASSEC-COVERAGE item naming what it holds, so reports show it was looked at (default true)"),
)
# Bool ini keys that are on unless turned off.
TRUE_BY_DEFAULT = ("paassec_builtin_baselines", "paassec_junit_spool", "paassec_coverage_items", "paassec_dot_dirs")
# Flags with no ini twin: (flag, dest, help).
FLAGS: tuple[tuple[str, str, str], ...] = (
    ("--paassec-update-known-findings", "paassec_update_known_findings", "write the current failures to the known-findings file"),
)


@dataclass(frozen=True)
class Settings:
    baselines: tuple[Path, ...] = ()
    builtin_baselines: bool = True
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: Severity = DEFAULT_FAIL_ON
    paths: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    max_file_size: int = DEFAULT_MAX_FILE_SIZE
    waivers: Path | None = None  # None: no waivers file
    strict_waivers: bool = False
    max_waiver_days: int = DEFAULT_MAX_WAIVER_DAYS
    today: dt.date = dt.date(1970, 1, 1)  # resolved from the option or the system date
    today_from: str = ""  # the option that set today; empty for the system date
    known_findings: Path | None = None
    update_known_findings: bool = False
    sarif: Path | None = None
    json: Path | None = None
    roots: tuple[str, ...] = ()
    protocol: str = "auto"
    junit_spool: bool = True
    coverage_items: bool = True
    changed_since: str = ""  # a Git revision: pull-request mode
    diff: str = ""  # a Git revision: the security diff
    blame: bool = False
    dot_dirs: bool = True
    imports: tuple[tuple[str, Path], ...] = ()  # (format, report path)
    scan_max_age: int = DEFAULT_SCAN_MAX_AGE
    live: Path | None = None  # --paassec-live: the snapshot directory
    drift_plan: Path | None = None
    drift_ignore: tuple[str, ...] = ()  # PLATFORM:PATH patterns

    @property
    def wants_findings(self) -> bool:
        """Whether reports must carry every item's findings (SARIF, JSON, known findings)."""
        return bool(self.sarif or self.json or self.known_findings or self.diff)

    def wants(self, control_id: str) -> bool:
        """Is a control selected by --paassec-select / --paassec-ignore?"""
        if self.select and not any(_id_matches(control_id, s) for s in self.select):
            return False
        return not any(_id_matches(control_id, i) for i in self.ignore)

    def header(self) -> list[str]:
        lines = [f"fail-on: {self.fail_on.label}"]
        if self.select:
            lines.append("select: " + ", ".join(self.select))
        if self.ignore:
            lines.append("ignore: " + ", ".join(self.ignore))
        if self.paths:
            lines.append("paths: " + ", ".join(self.paths))
        if self.exclude:
            lines.append("excluded: " + ", ".join(self.exclude))
        if self.today_from:
            lines.append(f"today: {self.today.isoformat()} (from {self.today_from})")
        return lines


def _id_matches(control_id: str, pattern: str) -> bool:
    return control_id == pattern or control_id.startswith(pattern.rstrip("*-") + "-") or (
        pattern.endswith("*") and control_id.startswith(pattern[:-1])
    )


def _words(values: Any) -> tuple[str, ...]:
    words: list[str] = []
    for value in values or ():
        words.extend(w for w in str(value).replace(",", " ").split() if w)
    return tuple(words)


def _size(text: str) -> int:
    from ..model.quantity import parse_quantity

    value = parse_quantity(text)
    if value is None or value <= 0:
        raise ValueError(text)
    return int(value)


def resolve(get_option: Any, get_ini: Any, rootdir: Path) -> Settings:
    """Build Settings from ``config.getoption`` and ``config.getini`` lookalikes."""

    def pick(flag: str, ini: str) -> tuple[Any, str]:
        value = get_option(flag)
        if value not in (None, [], ()):
            return value, "--" + flag.replace("_", "-")
        return get_ini(ini), f"{ini} (ini file)"

    fail_on_value, source = pick("paassec_fail_on", "paassec_fail_on")
    fail_on = DEFAULT_FAIL_ON
    if fail_on_value:
        try:
            fail_on = Severity.parse(str(fail_on_value).strip())
        except ValueError as exc:
            raise SettingsError(f"{source}: {exc}") from None

    size_text = get_ini("paassec_max_file_size")
    max_size = DEFAULT_MAX_FILE_SIZE
    if size_text:
        try:
            max_size = _size(str(size_text))
        except ValueError:
            raise SettingsError(
                f"paassec_max_file_size (ini file): {size_text!r} is not a size; use bytes or a unit such as 5MB"
            ) from None

    cli_baselines = [Path(p) if Path(p).is_absolute() else Path.cwd() / p for p in get_option("paassec_baselines") or ()]
    ini_baselines = [Path(p) for p in get_ini("paassec_baselines") or ()]

    protocol_value, source = pick("paassec_protocol", "paassec_protocol")
    protocol = str(protocol_value or "auto").strip().lower()
    if protocol not in PROTOCOLS:
        raise SettingsError(f"{source}: {protocol_value!r} is not a run protocol; use {', '.join(PROTOCOLS)}")

    select, _ = pick("paassec_select", "paassec_select")
    ignore, _ = pick("paassec_ignore", "paassec_ignore")

    def path(flag: str, ini: str) -> Path | None:
        value, source = pick(flag, ini)
        if not value:
            return None
        base = Path.cwd() if source.startswith("--") else rootdir  # as typed, or as written in the ini file
        return Path(value) if Path(value).is_absolute() else base / str(value)

    waivers = path("paassec_waivers", "paassec_waivers")
    if waivers is None and (rootdir / DEFAULT_WAIVERS).is_file():
        waivers = rootdir / DEFAULT_WAIVERS
    elif waivers is not None and not waivers.is_file():
        _, source = pick("paassec_waivers", "paassec_waivers")
        raise SettingsError(f"{source}: waivers file {waivers} does not exist")
    days_text = get_ini("paassec_max_waiver_days")
    max_days = DEFAULT_MAX_WAIVER_DAYS
    if days_text not in (None, ""):
        if not str(days_text).strip().isdigit() or int(str(days_text)) < 1:
            raise SettingsError(f"paassec_max_waiver_days (ini file): {days_text!r} is not a positive number of days")
        max_days = int(str(days_text))
    today_value, today_source = pick("paassec_today", "paassec_today")
    try:
        today = resolve_today(today_value, today_source)
    except ValueError as exc:
        raise SettingsError(str(exc)) from None
    strict, _ = pick("paassec_strict_waivers", "paassec_strict_waivers")
    known = path("paassec_known_findings", "paassec_known_findings")
    update = bool(get_option("paassec_update_known_findings"))
    if update and known is None:
        raise SettingsError("--paassec-update-known-findings: name the file with --paassec-known-findings or paassec_known_findings")
    imports = _imports(pick, get_option, get_ini, rootdir)
    age_value, age_source = pick("paassec_scan_max_age", "paassec_scan_max_age")
    scan_max_age = DEFAULT_SCAN_MAX_AGE
    if age_value not in (None, ""):
        if not str(age_value).strip().isdigit():
            raise SettingsError(f"{age_source}: {age_value!r} is not a whole number of days")
        scan_max_age = int(str(age_value).strip())
    live = path("paassec_live", "paassec_live")
    if live is not None and not live.is_dir():
        raise SettingsError(f"{pick('paassec_live', 'paassec_live')[1]}: live-state directory {live} does not exist")
    from ..drift.ignore import parse_ignore_lines

    drift_ignore = tuple(line.strip() for line in get_ini("paassec_drift_ignore") or () if line.strip())
    parse_ignore_lines(drift_ignore, "paassec_drift_ignore (ini file)")  # a SettingsError names the line
    drift_plan = path("paassec_drift_plan", "paassec_drift_plan")
    if drift_plan is not None and drift_plan.exists() and not drift_plan.is_dir():
        raise SettingsError(f"{pick('paassec_drift_plan', 'paassec_drift_plan')[1]}: {drift_plan} exists and is not a directory; the plan is a directory of scripts")
    return Settings(
        live=live,
        drift_plan=drift_plan,
        drift_ignore=drift_ignore,
        imports=imports,
        scan_max_age=scan_max_age,
        baselines=tuple(ini_baselines + cli_baselines),
        builtin_baselines=bool(get_ini("paassec_builtin_baselines")),
        select=_words(select),
        ignore=_words(ignore),
        fail_on=fail_on,
        paths=_words(get_ini("paassec_paths")),
        exclude=_words(get_ini("paassec_exclude")),
        max_file_size=max_size,
        waivers=waivers,
        strict_waivers=_truthy(strict),
        max_waiver_days=max_days,
        today=today,
        today_from=today_source if today_value else "",
        known_findings=known,
        update_known_findings=update,
        sarif=path("paassec_sarif", "paassec_sarif"),
        json=path("paassec_json", "paassec_json"),
        roots=_words(get_ini("paassec_roots")),
        protocol=protocol,
        junit_spool=get_ini("paassec_junit_spool") is None or _truthy(get_ini("paassec_junit_spool")),
        coverage_items=get_ini("paassec_coverage_items") is None or _truthy(get_ini("paassec_coverage_items")),
        dot_dirs=get_ini("paassec_dot_dirs") is None or _truthy(get_ini("paassec_dot_dirs")),
        changed_since=str(pick("paassec_changed_since", "paassec_changed_since")[0] or "").strip(),
        diff=str(pick("paassec_diff", "paassec_diff")[0] or "").strip(),
        blame=_truthy(pick("paassec_blame", "paassec_blame")[0]),
    )


def _imports(pick: Any, get_option: Any, get_ini: Any, rootdir: Path) -> tuple[tuple[str, Path], ...]:
    """``FORMAT:PATH`` pairs: paths as typed on the command line (from the
    working directory) or as written in the ini file (from the rootdir)."""
    from ..scans.read import parse_import_spec

    values, source = pick("paassec_imports", "paassec_imports")
    base = Path.cwd() if source.startswith("--") else rootdir
    found = []
    for value in _words(values):
        fmt, text = parse_import_spec(value, source)
        found.append((fmt, Path(text) if Path(text).is_absolute() else base / text))
    return tuple(found)


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on")
    return bool(value)


def option_reader(config: Any) -> Any:
    """``config.getoption``, except that an xdist worker takes the
    controller's today (sent in ``workerinput``) unless one was given."""
    worker_today = getattr(config, "workerinput", {}).get("paassec_today")

    def get(name: str) -> Any:
        value = config.getoption(name, None)
        if name == "paassec_today" and value in (None, "") and worker_today:
            return worker_today
        return value

    return get


def options_reference() -> str:
    """docs/options.md: every flag and ini key, from the tables above."""
    lines = [
        "# Options",
        "",
        "Generated from `pytest_paassec/edge/settings.py` (a test keeps it current).",
        "Every option is a command-line flag, an ini key (`pytest.ini`, `tox.ini`,",
        "`setup.cfg` or `[tool.pytest.ini_options]` in `pyproject.toml`), or both; the",
        "flag wins. Invalid values stop the run with a usage error naming the flag or",
        "ini key.",
        "",
        "| flag | ini key | type | meaning |",
        "| --- | --- | --- | --- |",
    ]
    for flag, ini, ini_type, help_text in OPTIONS:
        lines.append(f"| {f'`{flag}`' if flag else ''} | `{ini}` | {ini_type} | {help_text} |")
    for flag, _, help_text in FLAGS:
        lines.append(f"| `{flag}` | | flag | {help_text} |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # python -m pytest_paassec.edge.settings > docs/options.md
    print(options_reference(), end="")

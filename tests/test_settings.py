"""Settings: CLI over ini, validated with the source named."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_paassec.edge.settings import DEFAULT_MAX_FILE_SIZE, Settings, resolve
from pytest_paassec.errors import SettingsError
from pytest_paassec.rules.controls import Severity


def make(options: dict | None = None, ini: dict | None = None) -> Settings:
    options = options or {}
    ini = {"paassec_builtin_baselines": True, **(ini or {})}
    return resolve(lambda name: options.get(name), lambda name: ini.get(name), Path("."))


def test_defaults() -> None:
    settings = make()
    assert settings.fail_on == Severity.LOW
    assert settings.max_file_size == DEFAULT_MAX_FILE_SIZE
    assert settings.builtin_baselines and not settings.select
    assert settings.junit_spool and not make(ini={"paassec_junit_spool": False}).junit_spool


def test_cli_wins_over_ini() -> None:
    settings = make({"paassec_fail_on": "critical"}, {"paassec_fail_on": "info"})
    assert settings.fail_on == Severity.CRITICAL
    assert make(ini={"paassec_fail_on": "High"}).fail_on == Severity.HIGH


def test_errors_name_their_source() -> None:
    with pytest.raises(SettingsError, match=r"^--paassec-fail-on: unknown severity 'urgent'"):
        make({"paassec_fail_on": "urgent"})
    with pytest.raises(SettingsError, match=r"^paassec_fail_on \(ini file\)"):
        make(ini={"paassec_fail_on": "urgent"})
    with pytest.raises(SettingsError, match="paassec_max_file_size"):
        make(ini={"paassec_max_file_size": "big"})


def test_select_and_ignore_by_id_or_prefix() -> None:
    settings = make({"paassec_select": ["K8S-PSS,COMPOSE-NET-001"], "paassec_ignore": ["K8S-PSS-003"]})
    assert settings.wants("K8S-PSS-001")
    assert not settings.wants("K8S-PSS-003")
    assert settings.wants("COMPOSE-NET-001")
    assert not settings.wants("COMPOSE-NET-002")
    assert not settings.wants("K8S-PSSX-001")


def test_sizes() -> None:
    assert make(ini={"paassec_max_file_size": "1MB"}).max_file_size == 2**20
    assert make(ini={"paassec_max_file_size": "2048"}).max_file_size == 2048


def test_governance_options(tmp_path: Path) -> None:
    import datetime as dt

    plain = resolve(lambda name: None, lambda name: {"paassec_builtin_baselines": True}.get(name), tmp_path)
    assert plain.waivers is None and plain.today == dt.date.today() and plain.max_waiver_days == 365 and not plain.strict_waivers
    (tmp_path / ".paassec-waivers.yaml").write_text("[]\n")
    found = resolve(lambda name: None, lambda name: None, tmp_path)
    assert found.waivers == tmp_path / ".paassec-waivers.yaml", "the rootdir's waivers file is used when present"
    settings = make({"paassec_today": "2027-01-31", "paassec_strict_waivers": True}, {"paassec_max_waiver_days": "90"})
    assert (settings.today, settings.strict_waivers, settings.max_waiver_days) == (dt.date(2027, 1, 31), True, 90)
    assert "today: 2027-01-31 (from --paassec-today)" in settings.header()
    assert make(ini={"paassec_strict_waivers": "true"}).strict_waivers
    with pytest.raises(SettingsError, match=r"^--paassec-today: '2027/01/31' is not a date; use YYYY-MM-DD"):
        make({"paassec_today": "2027/01/31"})
    with pytest.raises(SettingsError, match=r"^paassec_max_waiver_days \(ini file\): 'soon'"):
        make(ini={"paassec_max_waiver_days": "soon"})
    with pytest.raises(SettingsError, match=r"^--paassec-waivers: waivers file .*nope.yaml does not exist"):
        make({"paassec_waivers": "nope.yaml"})
    with pytest.raises(SettingsError, match="--paassec-update-known-findings: name the file"):
        make({"paassec_update_known_findings": True})


def test_the_options_reference_is_current() -> None:
    from pytest_paassec.edge.settings import options_reference

    page = (Path(__file__).parents[1] / "docs" / "options.md").read_text()
    assert page == options_reference(), "docs/options.md is stale: run python -m pytest_paassec.edge.settings > docs/options.md"

"""A run opens no network connection, starts no process and runs no code
from the files it scans."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

import pytest

EXAMPLE = Path(__file__).resolve().parents[1] / "example_project"


def test_run_uses_no_network_and_no_subprocess(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> None:
    attempts: list[str] = []

    def refuse(what: str):  # type: ignore[no-untyped-def]
        def blocked(*args, **kwargs):  # type: ignore[no-untyped-def]
            attempts.append(what)
            raise AssertionError(f"{what} during a paassec run")

        return blocked

    for name in ("Dockerfile", "docker-compose.yml", "manifest.yml", "app.yaml", "fly.toml", "render.yaml", "app.json", "Procfile"):
        (pytester.path / name).write_text((EXAMPLE / name).read_text())
    for folder in (".do", ".ebextensions", "deploy/k8s", "infra"):
        for source in (EXAMPLE / folder).iterdir():
            target = pytester.path / folder / source.name
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(source.read_text())
    pytester.makeini("[pytest]\n")
    monkeypatch.setattr(socket.socket, "connect", refuse("socket.connect"))
    monkeypatch.setattr(socket, "create_connection", refuse("socket.create_connection"))
    monkeypatch.setattr(subprocess.Popen, "__init__", refuse("subprocess.Popen"))
    monkeypatch.setattr(os, "system", refuse("os.system"))
    monkeypatch.setattr(os, "posix_spawn", refuse("os.posix_spawn"), raising=False)
    result = pytester.runpytest("-p", "no:cacheprovider", "-q")
    assert attempts == []
    outcomes = result.parseoutcomes()
    assert outcomes.get("failed", 0) > 0 and outcomes.get("passed", 0) > 0
    assert "errors" not in outcomes and "error" not in outcomes

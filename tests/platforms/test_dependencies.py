"""Dependency declarations: pip's file syntax, lock presence, and the app that installs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_paassec.parsing.documents import parse_text
from pytest_paassec.reporting.failures import control_failure
from pytest_paassec.rules.catalog import build_catalog
from pytest_paassec.rules.engine import scan_files, scan_texts

CATALOG = build_catalog([])
HASH = "sha256:34e815dfaa43340d1d15a5c3a02b8476004037eb4840b34910c6e21679d288f3"


def requirements(text: str) -> dict:
    parsed = parse_text("requirements.txt", "requirements", text)
    assert parsed.error is None, parsed.error
    return parsed.documents[0].data


def test_pip_file_syntax_options_continuations_and_comments() -> None:
    text = (
        "# production\n"
        "-i https://pypi.internal.example.com/simple\n"
        "--extra-index-url=https://pypi.org/simple\n"
        "--trusted-host pypi.internal.example.com\n"
        "-r base.txt\n"
        f"flask==3.0.3 \\\n    --hash={HASH}\n"
        "requests>=2.31,<3  # a range\n"
        'pywin32==306; sys_platform == "win32"\n'
        "-e git+https://github.com/acme/lib.git@v1.2#egg=acme-lib\n"
        "Django==4.2.*\n"
    )
    parsed = parse_text("requirements.txt", "requirements", text)
    data = parsed.documents[0].data
    assert [(i["option"], i["url"]) for i in data["indexes"]] == [
        ("--index-url", "https://pypi.internal.example.com/simple"), ("--extra-index-url", "https://pypi.org/simple")]
    assert data["trusted_hosts"] == ["pypi.internal.example.com"]
    assert data["includes"] == [{"option": "--requirement", "path": "base.txt"}]
    flask, requests_, pywin32, lib, django = data["requirements"]
    assert flask["pinned"] and flask["hashes"] == [HASH]
    assert (requests_["name"], requests_["pinned"], requests_["requirement"]) == ("requests", False, "requests>=2.31,<3")
    assert pywin32["pinned"] and pywin32["markers"] == 'sys_platform == "win32"'
    assert (lib["name"], lib["vcs"], lib["revision"], lib["editable"], lib["pinned"]) == ("acme-lib", "git", "v1.2", True, False)
    assert not django["pinned"]  # ==4.2.* is a prefix match, a range
    document = parsed.documents[0]
    assert [document.line_of(("requirements", i)) for i in range(5)] == [6, 8, 9, 10, 11]
    assert document.line_of(("trusted_hosts", 0)) == 4


def test_vcs_pinned_to_a_full_commit() -> None:
    commit = "3f8a2b1c9d0e4f5a6b7c8d9e0f1a2b3c4d5e6f7a"
    (entry,) = requirements(f"acme-sdk @ git+https://github.com/acme/sdk.git@{commit}\n")["requirements"]
    assert entry["commit_pinned"] and entry["pinned"] and entry["name"] == "acme-sdk"


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("flask==3.0\nflask=>2\n", 2, "not a valid requirement"),
        ("flask==3.0\n--bogus x\n", 2, "unknown option --bogus"),
        ("flask==3.0\n--index-url\n", 2, "--index-url needs a value"),
    ],
)
def test_a_line_pip_cannot_read_is_a_located_error(text: str, line: int, problem: str) -> None:
    error = parse_text("requirements/prod.txt", "requirements", text).error
    assert error is not None and error.line == line and problem in error.problem and error.path == "requirements/prod.txt"


def test_gomod_and_gemfile_list_their_dependencies() -> None:
    gomod = parse_text("go.mod", "gomod", "module example.com/api\n\ngo 1.22\n\nrequire (\n\tgithub.com/go-chi/chi/v5 v5.0.12\n)\n")
    assert gomod.documents[0].data["requires"] == [{"path": "github.com/go-chi/chi/v5", "version": "v5.0.12", "indirect": False}]
    assert gomod.documents[0].line_of(("requires", 0)) == 6
    gemfile = parse_text("Gemfile", "gemfile", 'source "https://rubygems.org"\ngem "rails", "~> 7.1.3", require: false\n')
    assert gemfile.documents[0].data["gems"] == [{"name": "rails", "requirements": ["~> 7.1.3"]}]


def checks(folder: Path) -> dict[str, list]:
    files = [(p, p.relative_to(folder).as_posix()) for p in sorted(folder.rglob("*")) if p.is_file()]
    return {rel: found for rel, (_, found) in scan_files(files, CATALOG).items()}


def test_a_pyproject_without_dependencies_is_no_resource(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.ruff]\nline-length = 100\n\n[project]\nname = "tool"\ndependencies = []\n')
    (tmp_path / "package.json").write_text('{"name": "lint-config", "prettier": {"semi": false}}\n')
    assert checks(tmp_path) == {"package.json": [], "pyproject.toml": []}


def test_lock_presence_is_unknown_without_a_work_tree() -> None:
    text = '{"name": "web", "dependencies": {"react": "^18.3.1"}}\n'
    found = scan_texts([("package.json", text)], CATALOG)["package.json"][1]
    ids = {control.id for _, control, _ in found}
    assert "DEP-NPM-001" in ids and "DEP-LOCK-002" not in ids  # not applicable, rather than a guess


def test_a_lock_in_a_workspace_root_counts(tmp_path: Path) -> None:
    (tmp_path / "packages" / "web").mkdir(parents=True)
    (tmp_path / "packages" / "web" / "package.json").write_text('{"name": "web", "dependencies": {"react": "^18.3.1"}}\n')
    (tmp_path / "pnpm-lock.yaml").write_text("lockfileVersion: '9.0'\n")
    results = {control.id: violations for _, control, violations in checks(tmp_path)["packages/web/package.json"]}
    assert results["DEP-LOCK-002"] == []


def summaries(found: list) -> dict[str, str]:
    return {control.id: control_failure(control, resource, violations).summary for resource, control, violations in found if violations}


def test_the_failure_names_the_heroku_app_that_installs_the_file(tmp_path: Path) -> None:
    (tmp_path / "app.json").write_text('{"name": "shop-api", "buildpacks": [{"url": "heroku/python"}]}\n')
    (tmp_path / "Procfile").write_text("web: gunicorn shop.wsgi\n")
    (tmp_path / "requirements.txt").write_text("flask==3.0.3\nrequests>=2.31\n")
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "requirements.txt").write_text("black\n")
    found = checks(tmp_path)
    assert summaries(found["requirements.txt"])["DEP-PIN-001"].endswith("; installed by Heroku app shop-api (app.json)")
    # Not in the app's folder: nothing installs it, nothing is named.
    assert "installed by" not in summaries(found["tools/requirements.txt"])["DEP-PIN-001"]


def test_render_root_dir_and_runtime_decide_which_service_installs(tmp_path: Path) -> None:
    (tmp_path / "render.yaml").write_text(
        "services:\n"
        "  - type: web\n    name: shop-api\n    runtime: python\n    rootDir: backend\n"
        "    buildCommand: pip install -r requirements.txt\n    startCommand: gunicorn shop.wsgi\n"
        "  - type: web\n    name: shop-web\n    runtime: node\n    rootDir: backend\n"
        "    buildCommand: npm ci\n    startCommand: npm start\n"
        "  - type: worker\n    name: jobs\n    runtime: docker\n    rootDir: backend\n"
    )
    (tmp_path / "backend").mkdir()
    (tmp_path / "backend" / "requirements.txt").write_text("--extra-index-url https://pypi.acme.example/simple\nflask==3.0.3\n")
    summary = summaries(checks(tmp_path)["backend/requirements.txt"])["DEP-INDEX-003"]
    assert summary.endswith("; installed by Render web shop-api (render.yaml)")


def test_an_app_of_another_language_does_not_install_the_file(tmp_path: Path) -> None:
    (tmp_path / "app.json").write_text('{"name": "shop", "buildpacks": [{"url": "heroku/ruby"}]}\n')
    (tmp_path / "app.yaml").write_text("runtime: python312\nservice: storefront\n")
    (tmp_path / "requirements.txt").write_text("flask\n")
    summary = summaries(checks(tmp_path)["requirements.txt"])["DEP-PIN-001"]
    assert summary.endswith("; installed by App Engine service storefront (app.yaml)")

"""Secrets found in deployment files never appear in full in any output.

A canary secret sits in every supported format, once under a secret-like
name and once as a value with a credential's shape under a neutral name.
The run uses every output pytest and the plugin offer; afterwards stdout,
stderr and every file the run wrote are searched.  New file outputs are
found by themselves: whatever the run writes into its folder is searched.
"""

from __future__ import annotations

import json
import time

import pytest
from test_changed_since import git

from pytest_paassec.history.cli import main as history_main

CANARY_KEY = "AKIAQCANARYZ7W3E9R5T"  # the shape of an AWS access key id
CANARY_PASSWORD = "canary-Zx81kQ2pL0vB7mN4"
# The values the files held at the previous commit, which the security diff
# reads from Git objects: they must not leak either.
OLD_KEY = "AKIAQOLDKEYZ7W3E9R5T"
OLD_PASSWORD = "oldpass-Qw73jR9sL2cV5nB8"

FILES = {
    "k8s/deployment.yaml": f"""\
apiVersion: apps/v1
kind: Deployment
metadata: {{name: api}}
spec:
  template:
    spec:
      containers:
        - name: api
          image: nginx:1.27
          env:
            - {{name: DB_PASSWORD, value: "{CANARY_PASSWORD}"}}
            - {{name: UPSTREAM_ID, value: "{CANARY_KEY}"}}
""",
    "k8s/secret.yaml": f"""\
apiVersion: v1
kind: Secret
metadata: {{name: db}}
stringData:
  password: "{CANARY_PASSWORD}"
  key: "{CANARY_KEY}"
""",
    "docker-compose.yml": f"""\
services:
  api:
    image: nginx:1.27
    environment:
      DB_PASSWORD: "{CANARY_PASSWORD}"
      UPSTREAM_ID: "{CANARY_KEY}"
""",
    "cf/manifest.yml": f"""\
applications:
  - name: api
    env:
      DB_PASSWORD: "{CANARY_PASSWORD}"
      UPSTREAM_ID: "{CANARY_KEY}"
    docker:
      image: nginx:1.27
      password: "{CANARY_PASSWORD}"
""",
    "gae/app.yaml": f"""\
runtime: python312
env_variables:
  DB_PASSWORD: "{CANARY_PASSWORD}"
  UPSTREAM_ID: "{CANARY_KEY}"
""",
    "heroku/app.json": f'{{"name": "api", "env": {{"DB_PASSWORD": "{CANARY_PASSWORD}", "UPSTREAM_ID": {{"value": "{CANARY_KEY}"}}}}}}',
    "heroku/Procfile": f"web: UPSTREAM_ID={CANARY_KEY} DB_PASSWORD={CANARY_PASSWORD} flask run --debug --host 0.0.0.0\n",
    "fly/fly.toml": f"""\
app = "api"
[build.args]
  NPM_TOKEN = "{CANARY_PASSWORD}"
[env]
  DB_PASSWORD = "{CANARY_PASSWORD}"
  UPSTREAM_ID = "{CANARY_KEY}"
""",
    "render/render.yaml": f"""\
services:
  - type: web
    name: api
    runtime: python
    envVars:
      - {{key: DB_PASSWORD, value: "{CANARY_PASSWORD}"}}
      - {{key: UPSTREAM_ID, value: "{CANARY_KEY}"}}
""",
    "do/.do/app.yaml": f"""\
name: api
services:
  - name: api
    envs:
      - {{key: DB_PASSWORD, value: "{CANARY_PASSWORD}", type: SECRET}}
      - {{key: UPSTREAM_ID, value: "{CANARY_KEY}"}}
""",
    "eb/.ebextensions/env.config": f"""\
option_settings:
  aws:elasticbeanstalk:application:environment:
    DB_PASSWORD: "{CANARY_PASSWORD}"
    UPSTREAM_ID: "{CANARY_KEY}"
files:
  /etc/app/key:
    mode: "000777"
    content: "{CANARY_KEY}"
""",
    "eb/Dockerrun.aws.json": f'{{"AWSEBDockerrunVersion": 2, "containerDefinitions": [{{"name": "api", "image": "nginx:1.27", "memory": 128, "environment": [{{"name": "DB_PASSWORD", "value": "{CANARY_PASSWORD}"}}, {{"name": "UPSTREAM_ID", "value": "{CANARY_KEY}"}}]}}]}}',
    "azure/azuredeploy.json": f"""{{
  "$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#",
  "resources": [{{
    "type": "Microsoft.Web/sites", "apiVersion": "2022-09-01", "name": "api",
    "properties": {{"siteConfig": {{
      "appSettings": [{{"name": "DB_PASSWORD", "value": "{CANARY_PASSWORD}"}}, {{"name": "UPSTREAM_ID", "value": "{CANARY_KEY}"}}],
      "connectionStrings": [{{"name": "db", "connectionString": "Server=db;User Id=app;Password={CANARY_PASSWORD};"}}]
    }}}}
  }}]
}}
""",
    "docker/Dockerfile": f"""\
FROM python:3.12-slim
ENV DB_PASSWORD={CANARY_PASSWORD}
ARG UPSTREAM_ID={CANARY_KEY}
RUN curl -u admin:{CANARY_PASSWORD} https://example.com/x
""",
    # A scanner report whose secret finding quotes the canary (Trivy keeps the match).
    "reports/trivy.json": json.dumps({
        "SchemaVersion": 2, "CreatedAt": "2026-12-04T10:00:00Z", "ArtifactName": "nginx:1.27", "ArtifactType": "container_image",
        "Metadata": {"ImageID": "sha256:" + "ab" * 32, "RepoTags": ["nginx:1.27"], "RepoDigests": []},
        "Results": [{"Target": "/app/settings.py", "Class": "secret", "Secrets": [{
            "RuleID": "aws-access-key-id", "Category": "AWS", "Severity": "CRITICAL", "Title": "AWS Access Key ID",
            "StartLine": 3, "EndLine": 3, "Match": f"AWS_KEY = {CANARY_KEY}",
            "Code": {"Lines": [{"Number": 3, "Content": f"AWS_KEY = {CANARY_KEY}", "IsCause": True}]}}]}],
    }),
    # Live state: a config var set by hand holds the canary password.
    "live/api.heroku-info.json": json.dumps({"app": {"name": "api", "stack": {"name": "heroku-24"}}, "dynos": [], "addons": []}),
    "live/api.heroku-config.json": json.dumps({"DB_PASSWORD": CANARY_PASSWORD, "UPSTREAM_ID": CANARY_KEY}),
    "broken/docker-compose.yml": f'services:\n  api:\n    environment:\n      DB_PASSWORD: "{CANARY_PASSWORD}\n',
}

# Every output a run can produce, by command-line flag.  An output added to
# the plugin belongs here; files written anywhere in the run folder are
# searched even if it is forgotten.
OUTPUT_FLAGS = [
    "--junitxml=out/junit.xml",
    "--paassec-sarif=out/report.sarif",
    "--paassec-json=out/report.json",
    "--paassec-known-findings=out/known.json",
    "--paassec-update-known-findings",
    "--paassec-diff=HEAD",
    "--paassec-changed-since=HEAD",
    "--paassec-import=trivy:reports/trivy.json",
    "--paassec-live=live",
    "--paassec-drift-plan=out/plan",
]
TERMINAL_FLAGS = ["-v", "-rA", "--tb=long", "-l", "--showlocals", "--durations=0"]


def test_canary_secret_appears_in_no_output(pytester: pytest.Pytester, capsys: pytest.CaptureFixture[str]) -> None:
    for relpath, text in FILES.items():
        path = pytester.path / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    pytester.makeini("[pytest]\n")
    (pytester.path / "out").mkdir()
    # The previous commit held other secrets in the same places.
    for relpath, text in FILES.items():
        (pytester.path / relpath).write_text(text.replace(CANARY_KEY, OLD_KEY).replace(CANARY_PASSWORD, OLD_PASSWORD))
    git(pytester.path, "init", "-q", "-b", "main")
    git(pytester.path, "add", "-A")
    git(pytester.path, "commit", "-q", "-m", "the previous secrets")
    for relpath, text in FILES.items():
        (pytester.path / relpath).write_text(text)
    started = time.time() - 1
    result = pytester.runpytest(*OUTPUT_FLAGS, *TERMINAL_FLAGS)
    outputs = {"stdout": result.stdout.str(), "stderr": result.stderr.str()}
    # The history database and its answers (the commit's findings are recorded).
    history_args = ["--repo", str(pytester.path), "--db", str(pytester.path / "out" / "history.sqlite")]
    assert history_main([*history_args, "update"]) == 0
    for query in (["findings", "--json"], ["commit", "HEAD"], ["stats"]):
        assert history_main([*history_args, "--no-update", *query]) == 0
    captured = capsys.readouterr()
    outputs["paassec-history"] = captured.out + captured.err
    assert "XP-SEC-001" in outputs["paassec-history"]
    for path in pytester.path.rglob("*"):
        if path.is_file() and path.stat().st_mtime >= started and path.relative_to(pytester.path).as_posix() not in FILES:
            outputs[str(path.relative_to(pytester.path))] = path.read_text(errors="replace")
    for written in ("out/junit.xml", "out/report.sarif", "out/report.json", "out/known.json", "out/history.sqlite", "out/plan/index.md"):
        assert written in outputs, written
    assert "XP-SEC-001" in outputs["out/report.sarif"] and "fingerprint" in outputs["out/known.json"]
    assert "aws-access-key-id" in outputs["out/report.json"] and "DRIFT[app/api]" in outputs["stdout"]
    assert "paassec security diff" in outputs["stdout"] and '"diff": "new"' in outputs["out/report.json"]
    for name, text in outputs.items():
        assert OLD_KEY not in text and OLD_PASSWORD not in text, f"a secret read from Git leaked into {name}"
        assert CANARY_KEY not in text, f"the canary key leaked into {name}"
        assert CANARY_PASSWORD not in text, f"the canary password leaked into {name}"
        assert CANARY_PASSWORD[:10] not in text, f"a long prefix of the canary leaked into {name}"
    # The canary was found (the test is not vacuous): masked values are shown.
    shown = outputs["stdout"].count("chars, masked)")
    assert shown >= len(FILES) - 1, shown


# --- one source of secret detection ---------------------------------------------

NAMES_ONCE_ONLY_MASKED = ["SENTRY_DSN", "DATABASE_URL", "PASSWORD_SALT", "SLACK_WEBHOOK_URL", "DB_URL", "SESSION_KEY", "MYSQL_PWD"]


@pytest.mark.parametrize("name", NAMES_ONCE_ONLY_MASKED + ["DB_PASSWORD", "api-key", "client_secret"])
def test_names_masked_are_names_the_secret_controls_flag(name: str) -> None:
    from pytest_paassec.masking import is_sensitive
    from pytest_paassec.rules.operators import OPERATORS

    assert is_sensitive(name, "plain")
    assert OPERATORS["secret_name"].test(name, True)


@pytest.mark.parametrize("name", ["DB_PASSWORD_FILE", "TOKEN_TTL", "API_KEY_HEADER", "SECRET_NAME", "LOG_LEVEL"])
def test_names_that_configure_a_secret_hold_none(name: str) -> None:
    from pytest_paassec.masking import render_value
    from pytest_paassec.secrets import is_secret_name

    assert not is_secret_name(name)
    assert render_value("/run/secrets/db", key=name) == "/run/secrets/db"


@pytest.mark.parametrize(
    "value, kind",
    [
        ("AKIAQCANARYZ7W3E9R5T", "AWS access key"),
        ("-----BEGIN RSA PRIVATE KEY-----", "private key"),
        ("postgres://app:hunter22@db/app", "password in URL"),
        ("POSTGRES://app:hunter22@db/app", "password in URL"),  # schemes are case-insensitive
        ("postgres://app:${DB_PASSWORD}@db/app", None),  # a reference, not a password
        ("postgres://db/app", None),
    ],
)
def test_credential_formats_are_named(value: str, kind: str | None) -> None:
    from pytest_paassec.secrets import credential_kind

    assert credential_kind(value) == kind


def test_masking_hides_url_passwords_that_look_like_references() -> None:
    """The credential operator reads `$`, `(` and `{` as the start of a
    reference; masking still hides such a password rather than guess."""
    from pytest_paassec.masking import render_value
    from pytest_paassec.secrets import credential_kind

    value = "postgres://app:pa$$w0rd@db/app"
    assert credential_kind(value) is None
    assert "pa$$w0rd" not in render_value(value, key="UPSTREAM")

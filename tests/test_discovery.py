"""Which files are deployment files, by name and by content."""

from __future__ import annotations

from pathlib import PurePath

import pytest

from pytest_paassec.parsing.discovery import classify, sniff


@pytest.mark.parametrize(
    "path, fmt, first_platform",
    [
        ("Dockerfile", "dockerfile", "dockerfile"),
        ("api.Dockerfile", "dockerfile", "dockerfile"),
        ("Dockerfile.prod", "dockerfile", "dockerfile"),
        ("Procfile", "procfile", "heroku"),
        ("fly.toml", "toml", "flyio"),
        ("fly.staging.toml", "toml", "flyio"),
        ("docker-compose.yml", "yaml", "compose"),
        ("compose.prod.yaml", "yaml", "compose"),
        ("manifest.yml", "yaml", "cloudfoundry"),
        ("app-manifest.yml", "yaml", "cloudfoundry"),
        ("app.yaml", "yaml", "appengine"),
        ("app.json", "json", "heroku"),
        ("render.yaml", "yaml", "render"),
        (".do/app.yaml", "yaml", "digitalocean"),
        (".ebextensions/options.config", "yaml", "elasticbeanstalk"),
        ("Dockerrun.aws.json", "json", "elasticbeanstalk"),
        ("azuredeploy.json", "json", "azure"),
        ("k8s/deploy.yaml", "yaml", "kubernetes"),
    ],
)
def test_by_name(path: str, fmt: str, first_platform: str) -> None:
    candidate = classify(PurePath(path))
    assert candidate is not None
    assert (candidate.format, candidate.platforms[0]) == (fmt, first_platform)


@pytest.mark.parametrize("path", ["README.md", "setup.py", "netlify.toml", "pyproject.toml", "options.config", "notes.txt"])
def test_not_deployment_files(path: str) -> None:
    assert classify(PurePath(path)) is None


def test_sniffing_generic_files() -> None:
    generic = classify(PurePath("x/thing.yaml"))
    assert generic is not None and not generic.by_name
    assert sniff(generic, "apiVersion: v1\nkind: Pod\n")
    assert sniff(generic, "# comment\napplications:\n- name: a\n")
    assert not sniff(generic, "name: CI\non: push\njobs_list: []\n")
    assert not sniff(generic, "  apiVersion: nested-only\n")
    json_candidate = classify(PurePath("x/settings.json"))
    assert json_candidate is not None
    assert sniff(json_candidate, '{"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"}')
    assert not sniff(json_candidate, '{"name": "package", "version": "1.0.0"}')

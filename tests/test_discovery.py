"""Which files are deployment files, by name and by content."""

from __future__ import annotations

from pathlib import PurePath

import pytest

from pytest_paassec.parsing.discovery import Candidate, FileRule, Sniff, classify, sniff, yaml_keys
from pytest_paassec.platforms import BUILTIN_DISCOVERY, Platform
from pytest_paassec.rules.catalog import build_catalog


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


@pytest.mark.parametrize("path", ["README.md", "setup.py", "netlify.toml", "requirements.in", "options.config", "notes.txt"])
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


# --- rules come from the adapters ---------------------------------------------


@pytest.mark.parametrize(
    "path, fmt, platforms",
    [
        # Names several platforms use: tried in the adapters' declared order.
        ("app.yaml", "yaml", ("appengine", "digitalocean", "kubernetes")),
        ("svc/app.yml", "yaml", ("appengine", "digitalocean", "kubernetes")),
        ("app.json", "json", ("heroku", "digitalocean")),
        ("manifest.yml", "yaml", ("cloudfoundry", "kubernetes")),
        # A platform's own folder outranks a shared name; compose outranks a manifest name.
        (".do/app.yaml", "yaml", ("digitalocean",)),
        (".do/deploy.template.json", "json", ("digitalocean",)),
        ("compose-manifest.yml", "yaml", ("compose",)),
        # A Dockerfile name outranks every other rule, folders included.
        (".do/Dockerfile.yaml", "dockerfile", ("dockerfile",)),
        ("a/.ebextensions/b/logs.config", "yaml", ("elasticbeanstalk",)),
        ("railway.json", "json", ("railway",)),
        ("services/api/railway.toml", "toml", ("railway",)),
    ],
)
def test_try_orders(path: str, fmt: str, platforms: tuple[str, ...]) -> None:
    assert classify(PurePath(path)) == Candidate(fmt, platforms, True)


def test_generic_files_try_every_sniffing_platform_in_order() -> None:
    assert classify(PurePath("k8s/deploy.yaml")) == Candidate(
        "yaml", ("kubernetes", "cloudfoundry", "appengine", "compose", "render", "digitalocean"), False
    )
    assert classify(PurePath("deploy/x.json")) == Candidate("json", ("kubernetes", "azure", "elasticbeanstalk", "digitalocean"), False)


@pytest.mark.parametrize("path", ["procfile", "PROCFILE", "railway.yaml.txt", "netlify.toml", "sub/railway-old.toml"])
def test_names_no_rule_claims(path: str) -> None:
    assert classify(PurePath(path)) is None


def test_sniff_for_a_candidate_with_some_platforms_uses_only_theirs() -> None:
    # A plugin's pytest_paassec_candidate may hand in its own generic candidate.
    only_cf = Candidate("yaml", ("cloudfoundry",), False)
    assert sniff(only_cf, "applications:\n- name: a\n")
    assert not sniff(only_cf, "apiVersion: v1\nkind: Pod\n")


class _Paas(Platform):
    """A plugin platform: its declarations alone give it discovery."""

    name = "paas"
    title = "Some PaaS"
    file_rules = (FileRule(r"paas\.ya?ml", "yaml", rank=75), FileRule(r"app\.ya?ml", "yaml", rank=100, order=9))
    sniffs = (Sniff("yaml", yaml_keys("paasVersion"), order=10),)


def test_a_contributed_platform_gets_discovery() -> None:
    discovery = build_catalog([], platforms=[_Paas()]).discovery
    assert discovery.classify(PurePath("deploy/paas.yml")) == Candidate("yaml", ("paas",), True)
    assert discovery.classify(PurePath("app.yaml")) == Candidate("yaml", ("appengine", "digitalocean", "kubernetes", "paas"), True)
    generic = discovery.classify(PurePath("x/thing.yaml"))
    assert generic is not None and generic.platforms[-1] == "paas"
    assert discovery.sniff(generic, "paasVersion: 2\n")
    assert not sniff(generic, "paasVersion: 2\n")  # the built-ins alone do not know it
    assert classify(PurePath("deploy/paas.yml"), discovery) == Candidate("yaml", ("paas",), True)
    assert classify(PurePath("deploy/paas.yml")) == Candidate("yaml", BUILTIN_DISCOVERY.classify(PurePath("x.yaml")).platforms, False)  # type: ignore[union-attr]

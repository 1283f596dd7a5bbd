"""Render and DigitalOcean facts from the rest of the repository: env vars
that reference other services, databases and components."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from platform_helpers import AdapterHelper, line_of

from pytest_paassec.model.repository import Repository
from pytest_paassec.model.resources import Resource
from pytest_paassec.platforms.digitalocean import DigitalOcean
from pytest_paassec.platforms.render import Render

RENDER = AdapterHelper(Render(), "render.yaml")
DO = AdapterHelper(DigitalOcean(), ".do/app.yaml")

API = """
services:
  - type: web
    name: api
    envVars:
      - key: JWT_SECRET
        generateValue: true
      - key: STRIPE_KEY
        sync: false
      - key: BASE_URL
        value: https://api.example.com
  - type: keyvalue
    name: cache
    ipAllowList: []
databases:
  - name: app-db
"""

WORKER = """
services:
  - type: worker
    name: jobs
    envVars:
      - key: DATABASE_URL
        fromDatabase: {name: main-db, property: connectionString}
      - key: REDIS_URL
        fromService: {type: redis, name: cache, property: connectionString}
      - key: JWT_SECRET
        fromService: {type: web, name: api, envVarKey: JWT_SECRET}
      - key: STRIPE_KEY
        fromService: {type: web, name: api, envVarKey: STRIPE_KEY}
      - key: BASE_URL
        fromService: {type: web, name: api, envVarKey: BASE_URL}
      - key: SEARCH
        fromService: {type: pserv, name: api, property: host}
      - fromGroup: dashboard-group
      - key: BROKEN
        fromService: "not a mapping"
"""


def _by_ref(resources: list[Resource]) -> dict[str, Resource]:
    return {r.ref: r for r in resources}


def test_render_references_resolve_across_blueprints() -> None:
    resources = RENDER.found(API, "render.yaml") + RENDER.found(WORKER, "workers/render.yaml")
    repository = Repository(resources)
    jobs = _by_ref(resources)["worker/jobs"]
    facts = repository.facts(jobs)
    assert facts is not None
    # Key Value and redis are one type; a web service is no private service.
    assert facts["unresolved_references"] == [
        "DATABASE_URL: no database main-db in the repository",
        "SEARCH: no pserv service api in the repository",
    ]
    assert line_of(jobs, facts.sources["unresolved_references"]) == 6
    assert facts["secrets_from_services"] == [
        "JWT_SECRET: copies JWT_SECRET (generateValue) of web api",
        "STRIPE_KEY: copies STRIPE_KEY (sync: false) of web api",
    ]
    assert line_of(jobs, facts.sources["secrets_from_services"]) == 10


def test_render_facts_see_only_the_files_of_the_run() -> None:
    resources = RENDER.found(WORKER, "render.yaml")
    facts = Repository(resources).facts(_by_ref(resources)["worker/jobs"])
    assert facts is not None
    assert len(facts["unresolved_references"]) == 6 and facts["secrets_from_services"] == []


def test_render_datastores_and_groups_have_no_reference_facts() -> None:
    resources = RENDER.found(API)
    repository = Repository(resources)
    assert repository.facts(_by_ref(resources)["keyvalue/cache"]) is None
    assert repository.facts(_by_ref(resources)["database/app-db"]) is None
    assert repository.facts(_by_ref(resources)["web/api"]) == {"unresolved_references": [], "secrets_from_services": []}


SPEC = """
name: shop
envs:
  - key: DATABASE_URL
    value: ${db.DATABASE_URL}
  - key: ORIGIN
    value: ${APP_URL}
databases:
  - name: db
services:
  - name: api
    envs:
      - key: SIGNING_KEY
        type: SECRET
        value: EV[1:a:b]
      - key: SELF
        value: ${_self.PRIVATE_URL} and ${api.SIGNING_KEY}
workers:
  - name: jobs
    envs:
      - key: API
        value: ${api.PRIVATE_URL}
      - key: SIGNING_KEY
        value: ${api.SIGNING_KEY}
      - key: CACHE
        value: ${redis.REDIS_URL}
      - key: NUMBER
        value: 42
"""


def test_digitalocean_bindable_variables() -> None:
    resources = DO.found(SPEC)
    repository = Repository(resources)
    by_ref = _by_ref(resources)
    jobs = repository.facts(by_ref["worker/jobs"])
    assert jobs is not None
    assert jobs["unresolved_references"] == ["CACHE: ${redis.REDIS_URL}, no component or database redis"]
    assert jobs["secrets_from_services"] == ["SIGNING_KEY: ${api.SIGNING_KEY}, a SECRET of service api"]
    assert line_of(by_ref["worker/jobs"], jobs.sources["secrets_from_services"]) == 23
    # A component reading its own secret, the app's database binding and app-wide variables are fine.
    assert repository.facts(by_ref["service/api"]) == {"unresolved_references": [], "secrets_from_services": []}
    assert repository.facts(by_ref["app/shop"]) == {"unresolved_references": [], "secrets_from_services": []}
    assert repository.facts(by_ref["database/db"]) is None


def test_digitalocean_bindings_resolve_inside_one_app_spec() -> None:
    other = DO.found("name: other\nservices:\n  - name: api\n", ".do/other.yaml")
    jobs_spec = "name: jobs\nworkers:\n  - name: jobs\n    envs:\n      - key: API\n        value: ${api.PRIVATE_URL}\n"
    resources = other + DO.found(jobs_spec)
    facts = Repository(resources).facts(_by_ref(resources)["worker/jobs"])
    assert facts is not None and facts["unresolved_references"] == ["API: ${api.PRIVATE_URL}, no component or database api"]


def _outcomes(path) -> dict[str, str]:
    return {
        case.get("name"): "failed" if case.find("failure") is not None else "passed"
        for case in ET.parse(path).getroot().iter("testcase")
    }


@pytest.mark.parametrize("workers", [[], ["-n", "2", "--dist", "load"]], ids=["plain", "xdist"])
def test_cross_service_controls_through_pytest(pytester: pytest.Pytester, workers: list[str]) -> None:
    (pytester.path / "render.yaml").write_text(API.lstrip())
    (pytester.path / "workers").mkdir()
    (pytester.path / "workers" / "render.yaml").write_text(WORKER.lstrip())
    (pytester.path / ".do").mkdir()
    (pytester.path / ".do" / "app.yaml").write_text(SPEC.lstrip())
    pytester.runpytest("-p", "no:randomly", *workers, "--junitxml=out.xml", "-k", "RENDER-AVAIL-004 or RENDER-PRIV-002 or DO-AVAIL-004 or DO-PRIV-001")
    assert _outcomes(pytester.path / "out.xml") == {
        "RENDER-AVAIL-004[worker/jobs]": "failed",
        "RENDER-PRIV-002[worker/jobs]": "failed",
        "DO-AVAIL-004[worker/jobs]": "failed",
        "DO-AVAIL-004[service/api]": "passed",
        "DO-AVAIL-004[app/shop]": "passed",
        "DO-PRIV-001[worker/jobs]": "failed",
        "DO-PRIV-001[service/api]": "passed",
        "DO-PRIV-001[app/shop]": "passed",
    }


@pytest.mark.parametrize(
    "blueprint",
    [
        "services:\n  - type: web\n    name: a\n    envVars: {key: x}\n",
        "services:\n  - type: web\n    name: a\n    envVars: [7, null, {fromDatabase: {name: [1]}}, {fromService: {name: b, type: [x]}}]\n",
        "services:\n  - type: worker\n    name: a\n    envVars: [{key: k, fromService: {name: b, type: web, envVarKey: [1]}}]\n  - type: web\n    name: b\n    envVars: [3]\n",
    ],
)
def test_odd_render_shapes_give_facts_without_crashing(blueprint: str) -> None:
    resources = RENDER.found(blueprint)
    repository = Repository(resources)
    for resource in resources:
        facts = repository.facts(resource)
        assert facts is None or set(facts) == {"unresolved_references", "secrets_from_services"}


def test_odd_digitalocean_shapes_give_facts_without_crashing() -> None:
    resources = DO.found("name: x\nservices:\n  - name: a\n    envs: [1, {value: [2]}, {key: k, value: '${b.X'}]\n  - name: b\n    envs: {X: 1}\n")
    repository = Repository(resources)
    assert all(repository.facts(r) in (None, {"unresolved_references": [], "secrets_from_services": []}) for r in resources)

"""The Heroku adapter: app.json and Procfile detection, resources and subjects."""

from __future__ import annotations

import json

import pytest
from platform_helpers import AdapterHelper, line_of, line_with

from pytest_paassec.model.resources import Resource
from pytest_paassec.platforms.heroku import Heroku

PLATFORM = Heroku()

HELPER = AdapterHelper(PLATFORM, "app.json", "json")
document = HELPER.document


def app(data: dict, relpath: str = "app.json") -> Resource:
    """app.json from a dict, written out as indented JSON."""
    return HELPER.resource(json.dumps(data, indent=2), relpath)


def processes(text: str) -> dict[str, Resource]:
    """A Procfile's processes, keyed by process name."""
    return HELPER.resources(text, "Procfile", "procfile", key="name")


# --- detection and resources ---------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        {"name": "Node.js Sample", "description": "A barebones Node.js app", "keywords": ["node"]},
        {"environments": {"test": {"scripts": {"test": "pytest"}}}},
        {"addons": ["heroku-postgresql"]},
    ],
)
def test_detects_app_json(data: dict) -> None:
    assert PLATFORM.detect(document(json.dumps(data)))


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"expo": {"name": "my-app", "slug": "my-app"}},  # Expo / React Native
        {"name": "my-app", "displayName": "My App"},  # React Native bare app.json
        {"name": "shop", "services": [{"name": "web"}]},  # DigitalOcean app spec
        ["not", "a", "mapping"],
    ],
)
def test_rejects_look_alike_app_json(data: object) -> None:
    assert not PLATFORM.detect(document(json.dumps(data)))


def test_app_resource_is_named_by_name_or_folder() -> None:
    resource = app({"name": "Small Sharp Tool", "stack": "heroku-24"})
    assert (resource.platform, resource.kind, resource.name, resource.ref) == ("heroku", "app", "Small Sharp Tool", "app/Small_Sharp_Tool")
    unnamed = app({"stack": "heroku-24"}, "services/billing/app.json")
    assert unnamed.name == "billing"


def test_procfile_gives_one_process_resource_per_line() -> None:
    found = processes(
        """
        # processes
        web: bundle exec rails server -p $PORT
        worker: rake jobs:work

        release: ./bin/release_tasks
        """
    )
    assert list(found) == ["web", "worker", "release"]
    web = found["web"]
    assert (web.kind, web.ref, web.path) == ("process", "process/web", ("processes", "web"))
    assert web.data == {"name": "web", "command": "bundle exec rails server -p $PORT"}
    assert web.line == 2 and found["release"].line == 5
    assert line_of(found["worker"], ("command",)) == 3


def test_empty_procfile_has_no_resources() -> None:
    assert processes("# nothing yet\n") == {}


# --- env -------------------------------------------------------------------------------

ENV_APP = {
    "name": "tool",
    "env": {
        "WEB_CONCURRENCY": {"description": "Processes.", "value": "5"},
        "SECRET_TOKEN": {"description": "Signs cookies.", "generator": "secret"},
        "STRIPE_KEY": {"description": "Your key.", "required": True},
        "BUILDPACK_URL": "https://github.com/heroku/heroku-buildpack-nodejs",
        "MAX_THREADS": 5,
        "PLACEHOLDER": {"value": "changeme"},
    },
    "environments": {
        "review": {"env": {"RACK_ENV": "staging"}},
        "test": {"env": {"DEBUG_MAIL": {"value": "true"}}, "scripts": {"test": "rake test"}},
    },
}


def test_env_values_generators_and_required() -> None:
    resource = app(ENV_APP)
    found = [(path, dict(view)) for path, view in resource.select("env")]
    assert found == [
        (("env", "WEB_CONCURRENCY", "value"), {"name": "WEB_CONCURRENCY", "value": "5", "reference": False}),
        (("env", "SECRET_TOKEN", "generator"), {"name": "SECRET_TOKEN", "value": None, "reference": True}),
        (("env", "STRIPE_KEY"), {"name": "STRIPE_KEY", "value": None, "reference": True}),
        (("env", "BUILDPACK_URL"), {"name": "BUILDPACK_URL", "value": "https://github.com/heroku/heroku-buildpack-nodejs", "reference": False}),
        (("env", "MAX_THREADS"), {"name": "MAX_THREADS", "value": "5", "reference": False}),
        (("env", "PLACEHOLDER", "value"), {"name": "PLACEHOLDER", "value": None, "reference": True}),
        (("environments", "review", "env", "RACK_ENV"), {"name": "RACK_ENV", "value": "staging", "reference": False}),
        (("environments", "test", "env", "DEBUG_MAIL", "value"), {"name": "DEBUG_MAIL", "value": "true", "reference": False}),
    ]


def test_env_entries_point_at_their_lines() -> None:
    resource = app(ENV_APP)
    paths = dict((view["name"], path) for path, view in resource.select("env"))
    assert line_of(resource, paths["WEB_CONCURRENCY"]) == line_with(resource, '"value": "5"')
    assert line_of(resource, paths["SECRET_TOKEN"]) == line_with(resource, '"generator": "secret"')
    assert line_of(resource, paths["STRIPE_KEY"]) == line_with(resource, '"STRIPE_KEY"')
    assert line_of(resource, paths["RACK_ENV"]) == line_with(resource, '"RACK_ENV"')


def test_processes_have_no_env_images_or_addons() -> None:
    web = processes("web: node index.js\n")["web"]
    assert web.select("env") == [] and web.select("images") == [] and web.select("addons") == []


# --- images and endpoints -----------------------------------------------------------------


def test_image_key_is_an_image_entry() -> None:
    resource = app({"name": "ruby", "image": "heroku/ruby"})
    ((path, image),) = resource.select("images")
    assert path == ("image",)
    assert dict(image) == {"image": "heroku/ruby", "registry": "docker.io", "repository": "heroku/ruby", "tag": None, "digest": None}
    assert app({"name": "x"}).select("images") == []


def test_web_process_is_public_on_443_and_80() -> None:
    found = processes("web: gunicorn app:app\nworker: celery -A app worker\n")
    endpoints = [(path, dict(view)) for path, view in found["web"].select("endpoints")]
    assert endpoints == [
        ((), {"port": 443, "protocol": "https", "public": True, "tls": True}),
        ((), {"port": 80, "protocol": "http", "public": True, "tls": None}),
    ]
    assert found["worker"].select("endpoints") == []


def test_web_formation_is_public_and_other_formations_are_not() -> None:
    web = app({"name": "x", "formation": {"web": {"quantity": 1}}})
    assert [path for path, _ in web.select("endpoints")] == [("formation", "web"), ("formation", "web")]
    assert app({"name": "x", "formation": {"worker": {"quantity": 1}}}).select("endpoints") == []


# --- workload ---------------------------------------------------------------------------------


def test_formation_entries_are_workloads() -> None:
    resource = app(
        {
            "name": "x",
            "stack": "heroku-24",
            "formation": {"web": {"quantity": 2, "size": "Standard-2X"}, "worker": {"quantity": 1}},
            "environments": {"review": {"formation": {"web": {"quantity": 1, "size": "basic"}}}},
        }
    )
    found = resource.select("workload")
    assert [path for path, _ in found] == [("formation", "web"), ("formation", "worker"), ("environments", "review", "formation", "web")]
    web = found[0][1]
    assert (web["memory_bytes"], web["instances"], web["runtime"]) == (1024 * 2**20, 2, "heroku-24")
    assert (web["run_as_root"], web["privileged"], web["health_check"], web["cpu_millicores"]) == (False, False, None, None)
    assert found[1][1]["memory_bytes"] is None and found[1][1]["instances"] == 1
    assert found[2][1]["memory_bytes"] == 512 * 2**20
    assert line_of(resource, web.sources["memory_bytes"]) == line_with(resource, '"size": "Standard-2X"')
    assert line_of(resource, web.sources["instances"]) == line_with(resource, '"quantity": 2')
    assert line_of(resource, web.sources["runtime"]) == line_with(resource, '"stack"')
    assert "memory_bytes" not in found[1][1].sources


def test_app_without_formation_is_one_workload() -> None:
    resource = app({"name": "x"})
    ((path, entry),) = resource.select("workload")
    assert path == ()
    assert entry["runtime"] is None and entry["instances"] is None and entry["run_as_root"] is False


def test_process_workload() -> None:
    ((path, entry),) = processes("web: node index.js\n")["web"].select("workload")
    assert path == ()
    assert (entry["run_as_root"], entry["privileged"], entry["memory_bytes"], entry["runtime"]) == (False, False, None, None)


# --- addons -----------------------------------------------------------------------------------


def test_addons_in_string_and_object_form() -> None:
    resource = app(
        {
            "name": "x",
            "addons": [
                "openredis",
                "heroku-postgresql:essential-0",
                {"plan": "mongolab:shared-single-small", "as": "MONGO"},
                {"plan": "heroku-postgresql", "options": {"version": 9.5}},
                {"as": "BROKEN"},
            ],
            "environments": {"test": {"addons": ["heroku-postgresql:in-dyno"]}},
        }
    )
    found = [(path, dict(view)) for path, view in resource.select("addons")]
    none = {"attachment": None, "version": None, "environment": None}
    assert found == [
        (("addons", 0), {"service": "openredis", "plan": None, **none}),
        (("addons", 1), {"service": "heroku-postgresql", "plan": "essential-0", **none}),
        (("addons", 2), {"service": "mongolab", "plan": "shared-single-small", **none, "attachment": "MONGO"}),
        (("addons", 3), {"service": "heroku-postgresql", "plan": None, **none, "version": "9.5"}),
        (("environments", "test", "addons", 0), {"service": "heroku-postgresql", "plan": "in-dyno", **none, "environment": "test"}),
    ]
    versioned = resource.select("addons")[3][1]
    assert line_of(resource, versioned.sources["version"]) == line_with(resource, '"version": 9.5')
    assert line_of(resource, ("addons", 1)) == line_with(resource, '"heroku-postgresql:essential-0"')

"""The Dockerfile adapter: detection, the one resource per file, its subjects."""

from __future__ import annotations

import textwrap

import platform_helpers
import pytest
from platform_helpers import NO_HOST_ACCESS_OR_IDENTITY, AdapterHelper, line_of

from pytest_paassec.model.resources import Resource
from pytest_paassec.platforms.dockerfile import Dockerfile

PLATFORM = Dockerfile()

# Only leading newlines are stripped: leading spaces on the first line are part of the test input.
HELPER = AdapterHelper(PLATFORM, "Dockerfile", "dockerfile", prepare=lambda text: textwrap.dedent(text).lstrip("\n"))
document = HELPER.document


def resource(text: str, relpath: str = "Dockerfile") -> Resource:
    return HELPER.resource(text, relpath)


def entries(res: Resource, subject: str) -> list[dict]:
    """Only the values of the entries, without their paths."""
    return [value for _, value in platform_helpers.entries(res, subject)]


def lines(res: Resource, subject: str) -> list[int]:
    return [line_of(res, path) for path, _ in res.select(subject)]


# --- detection --------------------------------------------------------------------


def test_detects_dockerfiles() -> None:
    assert PLATFORM.detect(document("FROM alpine:3.22\nCMD [\"sh\"]\n"))
    assert PLATFORM.detect(document("# syntax=docker/dockerfile:1\nARG V=1\nFROM scratch\n", "api.Dockerfile"))


@pytest.mark.parametrize(
    ("text", "relpath", "fmt"),
    [
        # YAML and JSON that carry Dockerfile-like words or the parser's keys
        ("FROM: alpine:3.22\nRUN: echo hi\n", "steps.yaml", "yaml"),
        ("stages:\n  - from: {image: alpine}\ninstructions: []\n", "pipeline.yml", "yaml"),
        ('{"stages": [{"from": {"image": "alpine"}}], "final": {}}', "build.json", "json"),
        # a compose file that builds from a Dockerfile
        ("services:\n  web:\n    build: {context: ., dockerfile: Dockerfile}\n", "compose.yaml", "yaml"),
        # a Procfile that runs docker
        ("web: docker run -p 80:80 nginx\n", "Procfile", "procfile"),
    ],
)
def test_does_not_detect_look_alikes(text: str, relpath: str, fmt: str) -> None:
    assert not PLATFORM.detect(document(text, relpath, fmt))


def test_one_resource_per_file_named_after_the_file() -> None:
    res = resource("FROM alpine:3.22 AS a\nFROM alpine:3.22\n", "services/api.Dockerfile")
    assert (res.platform, res.kind, res.name) == ("dockerfile", "dockerfile", "api.Dockerfile")
    assert res.ref == "dockerfile/api.Dockerfile"
    assert res.path == ()
    assert res.line == 1


# --- stages, final_stage, instructions -------------------------------------------


def test_final_stage_stages_and_instructions_subjects() -> None:
    res = resource(
        """
        FROM golang:1.26 AS build
        RUN go build -o /app .
        FROM gcr.io/distroless/static:nonroot
        COPY --from=build /app /app
        """
    )
    ((path, final),) = res.select("final_stage")
    assert path == ("stages", 1)
    assert final["from"]["image"] == "gcr.io/distroless/static:nonroot"
    assert [p for p, _ in res.select("stages")] == [("stages", 0), ("stages", 1)]
    assert [i["instruction"] for i in entries(res, "instructions")] == ["FROM", "RUN", "FROM", "COPY"]
    assert lines(res, "instructions") == [1, 2, 3, 4]


# --- images -----------------------------------------------------------------------


def test_images_are_every_pulled_image_with_their_lines() -> None:
    res = resource(
        """
        ARG BASE
        ARG TAG=3.13
        FROM python:${TAG}-slim AS build
        RUN pip wheel -w /wheels .
        FROM build AS test
        FROM ${BASE} AS custom
        FROM scratch AS empty
        FROM ghcr.io/acme/runtime:2.1@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
        COPY --from=build /wheels /wheels
        COPY --from=0 /wheels /more
        COPY --from=gloursdocker/docker / /
        """
    )
    assert entries(res, "images") == [
        {"image": "python:3.13-slim", "registry": "docker.io", "repository": "python", "tag": "3.13-slim", "digest": None},
        {
            "image": "ghcr.io/acme/runtime:2.1@sha256:" + "a" * 64,
            "registry": "ghcr.io",
            "repository": "acme/runtime",
            "tag": "2.1",
            "digest": "sha256:" + "a" * 64,
        },
        {"image": "gloursdocker/docker", "registry": "docker.io", "repository": "gloursdocker/docker", "tag": None, "digest": None},
    ]
    # A stage reference, scratch and a FROM left to an unset build argument are not pulls.
    assert lines(res, "images") == [3, 8, 11]


# --- env --------------------------------------------------------------------------


def test_env_covers_env_and_arg_in_every_form() -> None:
    res = resource(
        """
        ARG BUILD_ID
        FROM node:22-slim
        ARG NODE_MAJOR=22
        ENV NODE_ENV=production \\
            GREETING="hello world"
        ENV LOG_LEVEL info
        ENV DATABASE_URL=$DATABASE_URL PATH=/app/bin:${PATH}
        ENV API_TOKEN=changeme
        """
    )
    assert entries(res, "env") == [
        {"name": "BUILD_ID", "value": None, "reference": True},
        {"name": "NODE_MAJOR", "value": "22", "reference": False},
        {"name": "NODE_ENV", "value": "production", "reference": False},
        {"name": "GREETING", "value": "hello world", "reference": False},
        {"name": "LOG_LEVEL", "value": "info", "reference": False},
        {"name": "DATABASE_URL", "value": None, "reference": True},
        {"name": "PATH", "value": None, "reference": True},
        # a placeholder is not a literal value
        {"name": "API_TOKEN", "value": None, "reference": True},
    ]
    # Each variable points at its instruction; a continued ENV at its first line.
    assert lines(res, "env") == [1, 3, 4, 4, 6, 7, 7, 8]


def test_env_follows_the_escape_directive() -> None:
    res = resource(
        """
        # escape=`
        FROM mcr.microsoft.com/windows/nanoserver:ltsc2022
        ENV APP_HOME=C:\\app `
            LOG=C:\\logs
        """
    )
    assert [(e["name"], e["value"]) for e in entries(res, "env")] == [("APP_HOME", "C:\\app"), ("LOG", "C:\\logs")]


# --- endpoints --------------------------------------------------------------------


def test_endpoints_are_the_exposed_ports_of_the_final_image() -> None:
    res = resource(
        """
        FROM node:22-slim AS base
        ENV PORT=3000
        EXPOSE $PORT
        FROM base
        ARG METRICS
        EXPOSE 9090/udp 8000-8010 ${METRICS}
        FROM alpine:3.22 AS unrelated
        EXPOSE 22
        FROM base AS final
        EXPOSE 443/tcp
        """
    )
    assert entries(res, "endpoints") == [
        {"port": 3000, "protocol": "tcp", "public": None, "tls": None},
        {"port": 443, "protocol": "tcp", "public": None, "tls": None},
    ]
    assert lines(res, "endpoints") == [3, 10]


def test_endpoints_keep_ranges_protocols_and_unresolved_ports() -> None:
    res = resource(
        """
        FROM node:22-slim
        ARG METRICS
        EXPOSE 9090/UDP 8000-8010 ${METRICS}
        """
    )
    assert entries(res, "endpoints") == [
        {"port": 9090, "protocol": "udp", "public": None, "tls": None},
        {"port": "8000-8010", "protocol": "tcp", "public": None, "tls": None},
        {"port": "${METRICS}", "protocol": "tcp", "public": None, "tls": None},
    ]


def test_no_expose_no_endpoints() -> None:
    assert entries(resource("FROM alpine:3.22\n"), "endpoints") == []


# --- workload ---------------------------------------------------------------------


def workload(text: str) -> dict:
    (view,) = entries(resource(text), "workload")
    return view


@pytest.mark.parametrize(
    ("text", "run_as_root"),
    [
        ("FROM node:22-slim\nCMD [\"node\"]\n", True),
        ("FROM node:22-slim\nUSER root\n", True),
        ("FROM node:22-slim\nUSER 0:1000\n", True),
        ("FROM node:22-slim\nUSER node\n", False),
        ("FROM node:22-slim\nUSER 1000:0\n", False),
        ("FROM node:22-slim\nUSER root\nRUN apt-get update\nUSER 10001\n", False),
        ("FROM node:22-slim AS base\nUSER node\nFROM base\n", False),
        ("FROM node:22-slim AS base\nUSER node\nFROM node:22-slim\n", True),
        # left to a build argument without a value: unknown
        ("FROM node:22-slim\nARG APP_USER\nUSER $APP_USER\n", None),
    ],
)
def test_workload_run_as_root(text: str, run_as_root: bool | None) -> None:
    assert workload(text)["run_as_root"] is run_as_root


@pytest.mark.parametrize(
    ("text", "health_check"),
    [
        ("FROM nginx:1.27\n", None),
        ("FROM nginx:1.27\nHEALTHCHECK CMD curl -f http://localhost/ || exit 1\n", True),
        ("FROM nginx:1.27\nHEALTHCHECK NONE\n", False),
        ("FROM nginx:1.27 AS base\nHEALTHCHECK CMD true\nFROM base\n", True),
        ("FROM nginx:1.27 AS base\nHEALTHCHECK CMD true\nFROM base\nHEALTHCHECK none\n", False),
        ("FROM nginx:1.27 AS base\nHEALTHCHECK CMD true\nFROM nginx:1.27\n", None),
    ],
)
def test_workload_health_check(text: str, health_check: bool | None) -> None:
    assert workload(text)["health_check"] is health_check


def test_workload_runtime_and_unknowns() -> None:
    view = workload("FROM python:3.13-slim AS base\nFROM base\nUSER 1000\n")
    assert view == {
        "memory_bytes": None,
        "cpu_millicores": None,
        "instances": None,
        "max_instances": None,
        "run_as_root": False,
        "privileged": None,
        "health_check": None,
        "runtime": "python:3.13-slim",
        **NO_HOST_ACCESS_OR_IDENTITY,
    }
    assert workload("ARG BASE\nFROM $BASE\n")["runtime"] is None


def test_workload_points_at_the_final_from_line() -> None:
    res = resource("FROM golang:1.26 AS build\n\nFROM alpine:3.22\nUSER 1000\n")
    assert lines(res, "workload") == [3]


# --- packages ---------------------------------------------------------------------


def _packages(run: str) -> list[tuple[str, str, str | None]]:
    res = resource(f"FROM debian:12\n{run}\n")
    return [(p["manager"], p["package"], p["version"]) for p in entries(res, "packages")]


@pytest.mark.parametrize(
    ("run", "expected"),
    [
        # apt: options with values, assignments before the command, redirections, releases
        (
            "RUN DEBIAN_FRONTEND=noninteractive apt-get -o Dpkg::Options::=--force-confold install -y curl=7.88 git/bookworm-backports 2>/dev/null",
            [("apt", "curl", "7.88"), ("apt", "git", None)],
        ),
        ("RUN sudo -E apt install -y vim || true", [("apt", "vim", None)]),
        ("RUN apt-get update; apt-get install -y ./pkg.deb $EXTRA", []),
        # apk: the virtual package's name is an option value
        ("RUN apk add --no-cache -t .deps gcc musl-dev=1.2.5-r0 libffi~3.4", [("apk", "gcc", None), ("apk", "musl-dev", "1.2.5-r0"), ("apk", "libffi", "~3.4")]),
        ("RUN apk add cfssl@testing cosign@community=2.4.1-r0", [("apk", "cfssl", None), ("apk", "cosign", "2.4.1-r0")]),
        # pip: files, local paths, ranges, extras, python -m pip
        ("RUN pip install -r requirements.txt && pip install . && pip install -e ./lib", []),
        ("RUN pip3 install 'uvicorn[standard]==0.30.1' \"flask>=3\" requests", [("pip", "uvicorn[standard]", "0.30.1"), ("pip", "flask", None), ("pip", "requests", None)]),
        ("RUN python3 -m pip install --upgrade pip", [("pip", "pip", None)]),
        ("RUN pip install --require-hashes -r req.txt flask", []),
        ("RUN pip install -c constraints.txt flask", []),
        # npm: lockfile installs, scoped names, dist-tags
        ("RUN npm ci && npm install && npm i --omit dev", []),
        ("RUN npm install -g @nestjs/cli@10.4.5 pm2 typescript@latest", [("npm", "@nestjs/cli", "10.4.5"), ("npm", "pm2", None), ("npm", "typescript", None)]),
        # gem: -v applies to the command, name:version to one gem
        ("RUN gem install bundler -v 2.5.22 && gem install rails:7.2 nokogiri --no-document", [("gem", "bundler", "2.5.22"), ("gem", "rails", "7.2"), ("gem", "nokogiri", None)]),
        # exec form, with and without a shell
        ('RUN ["npm", "i", "-g", "yarn"]', [("npm", "yarn", None)]),
        ('RUN ["/bin/sh", "-c", "apk add curl && echo done"]', [("apk", "curl", None)]),
        # an unbalanced quote is a broken script, not a crash
        ("RUN apt-get install -y 'curl", []),
        # words that only look like commands
        ("RUN echo apt-get install curl", []),
    ],
)
def test_packages_installed_by_run(run: str, expected: list) -> None:
    assert _packages(run) == expected


def test_packages_in_heredocs_only_when_a_shell_runs_them() -> None:
    text = """
        # syntax=docker/dockerfile:1
        FROM debian:12
        RUN <<EOF
        set -e
        apt-get install -y \\
          vim
        EOF
        RUN cat <<EOF > /etc/motd
        apt-get install nothing
        EOF
        RUN bash -e <<EOF
        pip install flask
        EOF
        """
    res = resource(text)
    assert [(p["package"], p["unpinned"]) for p in entries(res, "packages")] == [
        ("vim", "vim (apt-get install, no version)"),
        ("flask", "flask (pip install, no version)"),
    ]
    assert lines(res, "packages") == [3, 11]


@pytest.mark.parametrize(
    "base,expected_root,note",
    [
        ("python:3.13-slim", True, "no USER instruction in the final stage: the user of the base image python:3.13-slim applies (root unless the image sets one)"),
        ("gcr.io/distroless/static-debian12:nonroot", False, "no USER instruction; the base image gcr.io/distroless/static-debian12:nonroot runs as a non-root user"),
        ("bitnami/nginx:1.27", False, "no USER instruction; the base image bitnami/nginx:1.27 runs as a non-root user"),
        ("gcr.io/distroless/static-debian12", True, "no USER instruction in the final stage: the user of the base image gcr.io/distroless/static-debian12 applies (root unless the image sets one)"),
    ],
)
def test_without_user_the_base_image_decides_and_the_failure_says_so(base: str, expected_root: bool, note: str) -> None:
    from pytest_paassec.parsing.documents import parse_text
    from pytest_paassec.platforms.dockerfile import Dockerfile

    parsed = parse_text("Dockerfile", "dockerfile", f"FROM {base}\nCMD [\"run\"]\n")
    (resource,) = Dockerfile().resources(parsed.documents[0])
    ((_, view),) = resource.select("workload")
    assert view["run_as_root"] is expected_root
    assert view.note("run_as_root") == note


def test_a_team_adds_its_own_non_root_base_images(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\n")
    pytester.makeconftest(
        "from pytest_paassec.platforms.dockerfile import Dockerfile\n\n"
        "def pytest_paassec_platforms(config):\n"
        "    return [Dockerfile(non_root_base_images=['registry.acme.io/base/*'])]\n"
    )
    (pytester.path / "Dockerfile").write_text("FROM registry.acme.io/base/python:3.13\nCMD [\"app\"]\n")
    (pytester.path / "other").mkdir()
    (pytester.path / "other" / "Dockerfile").write_text("FROM python:3.13-slim\nCMD [\"app\"]\n")
    result = pytester.runpytest("-rA", "-k", "XP-PRIV-001", "-p", "no:randomly")
    result.stdout.fnmatch_lines_random([
        "PASSED Dockerfile::XP-PRIV-001[[]dockerfile/Dockerfile[]]",
        "FAILED other/Dockerfile::XP-PRIV-001[[]dockerfile/Dockerfile[]]*",
    ])

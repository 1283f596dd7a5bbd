"""The Dockerfile parser: instructions, stages, substitution and line numbers."""

from __future__ import annotations

import textwrap

import pytest

from pytest_paassec.parsing.dockerfile import (
    DockerfileError,
    assignments,
    parse_dockerfile,
    substitute,
    unquote,
)
from pytest_paassec.parsing.documents import parse_text


def parse(text: str) -> dict:
    data, _ = parse_dockerfile(textwrap.dedent(text).lstrip("\n"))
    return data


def located(text: str):  # type: ignore[no-untyped-def]
    parsed = parse_text("Dockerfile", "dockerfile", textwrap.dedent(text).lstrip("\n"))
    assert parsed.error is None, parsed.error
    (document,) = parsed.documents
    return document


def instruction(data: dict, keyword: str, nth: int = 0) -> dict:
    return [i for i in data["instructions"] if i["instruction"] == keyword][nth]


# --- continuations and comments ---------------------------------------------------


def test_continuation_joins_as_buildkit_does() -> None:
    data = parse(
        """
        FROM debian:bookworm-slim
        RUN apt-get update \\
            && apt-get install -y curl
        RUN echo foo\\
        bar
        CMD ["run"]
        """
    )
    first, second = (i for i in data["instructions"] if i["instruction"] == "RUN")
    # The escape and the line break go; the next line's indentation stays.
    assert first["value"] == "apt-get update     && apt-get install -y curl"
    assert first["args"] == ["apt-get", "update", "&&", "apt-get", "install", "-y", "curl"]
    assert second["value"] == "echo foobar"
    assert [i["line"] for i in data["instructions"]] == [1, 2, 4, 6]


def test_comments_and_blank_lines_inside_continuations_are_dropped() -> None:
    data = parse(
        """
        FROM alpine:3.22
        RUN apk add --no-cache \\
        # the shell
            bash \\

            curl
        USER 1000
        """
    )
    run = instruction(data, "RUN")
    assert run["args"] == ["apk", "add", "--no-cache", "bash", "curl"]
    assert "#" not in run["value"]
    assert instruction(data, "USER")["line"] == 7


def test_trailing_escape_on_the_last_line_ends_the_instruction() -> None:
    data = parse("FROM alpine:3.22\nRUN echo done \\\n")
    assert instruction(data, "RUN")["value"] == "echo done"


# --- heredocs ---------------------------------------------------------------------


def test_run_heredoc_body_belongs_to_the_instruction() -> None:
    data = parse(
        """
        # syntax=docker/dockerfile:1
        FROM alpine:3.22
        RUN <<EOF
        apk add git
        USER root
        EOF
        USER 1000
        """
    )
    run = instruction(data, "RUN")
    assert run["value"] == "<<EOF\napk add git\nUSER root"
    assert run["line"] == 3
    # "USER root" inside the heredoc is shell text, not an instruction.
    assert [i["instruction"] for i in data["instructions"]] == ["FROM", "RUN", "USER"]
    assert data["final"]["user"] == "1000"
    assert instruction(data, "USER")["line"] == 7


def test_several_heredocs_are_read_in_order() -> None:
    data = parse(
        """
        FROM nginx:1.27
        COPY <<robots.txt <<humans.txt /usr/share/nginx/html/
        User-agent: *
        robots.txt
        Team: web
        humans.txt
        EXPOSE 80
        """
    )
    copy = instruction(data, "COPY")
    assert copy["value"].endswith("\nUser-agent: *\nTeam: web")
    assert instruction(data, "EXPOSE")["line"] == 7


def test_dash_heredoc_strips_leading_tabs_and_quoted_terminators_work() -> None:
    data = parse('FROM alpine:3.22\nRUN <<-"END" sh\n\techo one\n\tEND\nCMD ["sh"]\n')
    assert instruction(data, "RUN")["value"] == '<<-"END" sh\necho one'
    assert instruction(data, "CMD")["line"] == 5


def test_exec_form_and_quoted_words_do_not_open_heredocs() -> None:
    data = parse(
        """
        FROM alpine:3.22
        RUN ["echo", "<<EOF"]
        RUN echo "<<NOHEREDOC"
        RUN echo "shift a <<EOF inside quotes"
        RUN echo $((1 << 2))
        CMD ["sh"]
        """
    )
    assert [i["instruction"] for i in data["instructions"]] == ["FROM", "RUN", "RUN", "RUN", "RUN", "CMD"]


def test_unterminated_heredoc_is_an_error_at_its_instruction() -> None:
    with pytest.raises(DockerfileError) as error:
        parse_dockerfile("FROM alpine:3.22\nRUN <<EOF\necho hi\n")
    assert error.value.line == 2
    assert "EOF" in error.value.problem


# --- escape directive -------------------------------------------------------------


def test_backtick_escape_directive_for_windows_dockerfiles() -> None:
    data = parse(
        """
        # escape=`
        FROM mcr.microsoft.com/windows/servercore:ltsc2022
        COPY testfile.txt c:\\
        RUN dir c:\\ `
            /b
        """
    )
    assert data["escape"] == "`"
    # A backslash at the end of a line is a path, not a continuation.
    assert instruction(data, "COPY")["args"] == ["testfile.txt", "c:\\"]
    assert instruction(data, "RUN")["value"] == "dir c:\\     /b"


def test_escape_directive_after_a_comment_is_only_a_comment() -> None:
    data = parse(
        """
        # a comment first
        # escape=`
        FROM alpine:3.22
        RUN echo a \\
            b
        """
    )
    assert data["escape"] == "\\"
    assert instruction(data, "RUN")["args"] == ["echo", "a", "b"]


def test_escape_directive_takes_only_backslash_or_backtick() -> None:
    with pytest.raises(DockerfileError) as error:
        parse_dockerfile("# escape=x\nFROM alpine:3.22\n")
    assert error.value.line == 1


# --- exec and shell form, flags ---------------------------------------------------


def test_exec_and_shell_forms() -> None:
    data = parse(
        """
        FROM python:3.13-slim
        ENTRYPOINT ["python", "-m", "app"]
        CMD --port 8000
        HEALTHCHECK --interval=30s --timeout=3s CMD curl -f http://localhost/ || exit 1
        CMD [not, json]
        """
    )
    entrypoint = instruction(data, "ENTRYPOINT")
    assert (entrypoint["form"], entrypoint["args"]) == ("exec", ["python", "-m", "app"])
    health = instruction(data, "HEALTHCHECK")
    assert health["flags"] == {"interval": "30s", "timeout": "3s"}
    assert health["value"].startswith("CMD curl")
    broken = instruction(data, "CMD", 1)
    assert (broken["form"], broken["args"]) == ("shell", ["[not,", "json]"])


def test_flags_are_split_from_the_value() -> None:
    data = parse(
        """
        FROM node:22-slim
        RUN --mount=type=cache,target=/root/.npm --network=none npm ci
        COPY --chown=node:node --chmod=0755 . /srv
        """
    )
    run = instruction(data, "RUN")
    assert run["flags"] == {"mount": "type=cache,target=/root/.npm", "network": "none"}
    assert run["value"] == "npm ci"
    assert instruction(data, "COPY")["flags"] == {"chown": "node:node", "chmod": "0755"}


def test_instructions_are_case_insensitive() -> None:
    data = parse("from alpine:3.22 as base\nrun echo hi\n")
    assert [i["instruction"] for i in data["instructions"]] == ["FROM", "RUN"]
    assert data["stages"][0]["name"] == "base"


# --- stages -----------------------------------------------------------------------


def test_multi_stage_with_aliases() -> None:
    data = parse(
        """
        FROM golang:1.26-alpine AS Build
        RUN go build -o /out/app .
        FROM build AS test
        RUN go test ./...
        FROM gcr.io/distroless/static:nonroot
        COPY --from=build /out/app /app
        """
    )
    build, test, final = data["stages"]
    assert (build["index"], build["name"], build["from"]["stage"]) == (0, "Build", False)
    # Stage names are matched without regard to case.
    assert test["from"] == {
        "raw": "build",
        "image": "build",
        "platform": None,
        "stage": True,
        "unresolved": [],
        "line": 3,
    }
    assert final is data["final"]
    assert final["from"]["image"] == "gcr.io/distroless/static:nonroot"
    assert [i["instruction"] for i in final["instructions"]] == ["COPY"]
    assert [i["instruction"] for i in data["instructions"]] == ["FROM", "RUN", "FROM", "RUN", "FROM", "COPY"]


def test_platform_flag_on_from() -> None:
    data = parse("FROM --platform=$BUILDPLATFORM python:3.13-alpine AS builder\n")
    assert data["stages"][0]["from"]["platform"] == "$BUILDPLATFORM"
    assert data["stages"][0]["from"]["image"] == "python:3.13-alpine"


def test_a_stage_inherits_the_user_of_the_stage_it_is_built_from() -> None:
    document = located(
        """
        FROM node:22-slim AS base
        USER node
        FROM base AS app
        RUN npm ci
        FROM app
        USER root
        FROM app
        """
    )
    base, app, root, inherited = document.data["stages"]
    assert (base["user"], app["user"], root["user"], inherited["user"]) == ("node", "node", "root", "node")
    # The inherited user points at the USER line that set it.
    assert document.line_of(("stages", 3, "user")) == 2
    assert document.line_of(("stages", 2, "user")) == 6


def test_a_stage_without_user_reports_its_own_from_line() -> None:
    document = located("FROM node:22-slim AS base\nFROM base\nCMD [\"node\"]\n")
    assert document.data["final"]["user"] is None
    assert document.line_of(("stages", 1, "user")) == 2


def test_user_substitutes_variables_and_keeps_build_decided_ones() -> None:
    data = parse(
        """
        FROM python:3.13-slim AS fixed
        ARG APP_UID=10001
        USER ${APP_UID}:0
        FROM python:3.13-slim
        ARG NONROOT_USER
        ENV PYTHON_USER=$NONROOT_USER
        USER $PYTHON_USER
        """
    )
    assert data["stages"][0]["user"] == "10001:0"
    assert data["stages"][1]["user"] == "$PYTHON_USER"


# --- ARG substitution in FROM -----------------------------------------------------


def test_global_args_are_substituted_in_from() -> None:
    data = parse(
        """
        ARG PYTHON_VERSION=3.13
        ARG VARIANT="slim"
        ARG ELASTIC_VERSION
        FROM python:${PYTHON_VERSION}-$VARIANT AS py
        FROM docker.elastic.co/beats/filebeat:${ELASTIC_VERSION:-9.1.3}
        ARG PYTHON_VERSION=2.7
        """
    )
    assert data["args"] == {"PYTHON_VERSION": "3.13", "VARIANT": "slim", "ELASTIC_VERSION": ""}
    first, second = data["stages"]
    assert first["from"]["raw"] == "python:${PYTHON_VERSION}-$VARIANT"
    assert first["from"]["image"] == "python:3.13-slim"
    assert second["from"]["image"] == "docker.elastic.co/beats/filebeat:9.1.3"
    assert second["from"]["unresolved"] == []


def test_from_names_variables_without_a_value() -> None:
    data = parse("ARG BASE\nARG TAG\nFROM ${BASE}\nFROM python:${TAG}-slim\n")
    assert [s["from"]["unresolved"] for s in data["stages"]] == [["BASE"], ["TAG"]]
    assert data["stages"][1]["from"]["image"] == "python:-slim"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${A}", "a"),
        ("$A-$B", "a-"),
        ("${B:-b}", "b"),
        ("${E:-e}", "e"),
        ("${E-e}", ""),  # set to "": no colon, no default
        ("${U-u}", "u"),
        ("${A:+alt}", "alt"),
        ("${B:+alt}", ""),
        ("${E+alt}", "alt"),
        ("plain", "plain"),
    ],
)
def test_substitute(text: str, expected: str) -> None:
    assert substitute(text, {"A": "a", "B": None, "E": ""}) == expected


def test_substitute_reports_unresolved_names() -> None:
    missing: list[str] = []
    substitute("$A/$B/${C:-c}", {"A": "a"}, missing)
    assert missing == ["B"]


# --- ENV and ARG words ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "legacy", "expected"),
    [
        ("A=1 B=two", True, [("A", "1", False), ("B", "two", False)]),
        ('MSG="hello world" X=y\\ z', True, [("MSG", "hello world", False), ("X", "y z", False)]),
        ("GOPATH /go", True, [("GOPATH", "/go", False)]),
        ("GREETING hello  big world", True, [("GREETING", "hello  big world", False)]),
        ("URL=redis://$HOST:${PORT}", True, [("URL", "redis://$HOST:${PORT}", True)]),
        ("LITERAL='$NOT_A_VAR'", True, [("LITERAL", "$NOT_A_VAR", False)]),
        ("PRICE=\\$5", True, [("PRICE", "$5", False)]),
        ("NAME", False, [("NAME", None, False)]),
        ("A=1 B", False, [("A", "1", False), ("B", None, False)]),
        ('TOKEN=""', False, [("TOKEN", "", False)]),
    ],
)
def test_assignments(text: str, legacy: bool, expected: list) -> None:
    assert [tuple(a) for a in assignments(text, "\\", legacy=legacy)] == expected


def test_unquote_follows_the_escape_character() -> None:
    assert unquote("C:\\app", "`") == ("C:\\app", False)
    assert unquote("a`$b", "`") == ("a$b", False)


# --- CRLF, line table, errors -----------------------------------------------------


def test_crlf_line_endings_parse_like_lf() -> None:
    text = "FROM alpine:3.22\r\nRUN apk add \\\r\n    curl\r\nUSER 1000\r\n"
    crlf, _ = parse_dockerfile(text)
    lf, _ = parse_dockerfile(text.replace("\r\n", "\n"))
    assert crlf == lf
    assert [i["line"] for i in crlf["instructions"]] == [1, 2, 4]


def test_line_table_locates_stages_instructions_and_from() -> None:
    document = located(
        """
        ARG TAG=3.13
        FROM python:${TAG}-slim AS base
        RUN pip install flask

        FROM base
        USER 1000
        """
    )
    assert document.line_of(("instructions", 0)) == 1
    assert document.line_of(("instructions", 2, "value")) == 3
    assert document.line_of(("stages", 0, "from", "image")) == 2
    assert document.line_of(("stages", 1)) == 5
    assert document.line_of(("stages", 1, "instructions", 0)) == 6
    assert document.line_of(("final", "user")) == 6


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("FROM alpine:3.22\nRUNN echo hi\n", 2, "unknown instruction"),
        ("ENV A=1\nFROM alpine:3.22\n", 1, "after the first FROM"),
        ("# only a comment\n", 1, "no FROM"),
        ("FROM\n", 1, "FROM needs an image"),
        ("FROM alpine:3.22\n--password=hunter2\n", 2, "cannot read"),
    ],
)
def test_errors_name_the_line_without_quoting_it(text: str, line: int, problem: str) -> None:
    with pytest.raises(DockerfileError) as error:
        parse_dockerfile(text)
    assert error.value.line == line
    assert problem in error.value.problem
    assert "hunter2" not in error.value.problem

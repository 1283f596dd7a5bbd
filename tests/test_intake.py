"""The one intake: every reader turns a path or a text into the same parse
and the same notices (pure unit tests), and the collector and the inventory
behind fixture-based controls ask the same path-aware hooks (pytester)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pytest_paassec.errors import ParseError
from pytest_paassec.parsing.discovery import Candidate
from pytest_paassec.parsing.intake import (
    dangling_links,
    duplicate_key_notices,
    take_in_bytes,
    take_in_file,
    take_in_text,
)

YAML = Candidate("yaml", ("compose",), True)
SNIFFED = Candidate("yaml", ("kubernetes",), False)
MB = 1024 * 1024


def names(intake) -> list[str]:
    return [notice.name for notice in intake.notices]


def test_a_good_file_parses_with_no_notice() -> None:
    intake = take_in_text("compose.yaml", YAML, "services:\n  web:\n    image: nginx:1.27\n")
    assert intake.parsed is not None and intake.parsed.error is None
    assert intake.notices == []
    assert intake.parsed.documents[0].data["services"]["web"]["image"] == "nginx:1.27"


@pytest.mark.parametrize("text", ["", "  \n\n", "\t\n"])
def test_an_empty_file_is_a_notice_not_a_pass(text: str) -> None:
    intake = take_in_text("compose.yaml", YAML, text)
    assert intake.parsed is None
    assert names(intake) == ["PAASSEC-INPUT[empty]"]
    assert intake.notices[0].error.line == 1


def test_a_named_file_of_comments_only_is_empty_too() -> None:
    intake = take_in_text("compose.yaml", YAML, "# nothing here yet\n")
    assert names(intake) == ["PAASSEC-INPUT[empty]"]
    # A sniffed file of comments is just not a deployment file: no notice.
    assert names(take_in_text("x.yaml", SNIFFED, "# nothing\n")) == []


def test_a_syntax_error_keeps_its_line_and_the_documents_before_it() -> None:
    intake = take_in_text("k.yaml", SNIFFED, "kind: Pod\n---\nkind: [\n")
    assert names(intake) == ["PAASSEC-INPUT[parse]"]
    assert intake.notices[0].error.line == 4
    assert intake.parsed is not None and len(intake.parsed.documents) == 1


def test_a_helm_template_is_named_as_such_only_inside_a_chart() -> None:
    text = "kind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n"
    intake = take_in_text("chart/templates/d.yaml", SNIFFED, text, chart_template=True)
    assert names(intake) == ["PAASSEC-INPUT[parse]"]
    assert intake.notices[0].error.line == 3
    assert "Helm chart template" in intake.notices[0].error.problem
    # Outside a chart the same text is just YAML to parse (here: invalid).
    assert "Helm chart template" not in str(take_in_text("d.yaml", SNIFFED, text).notices[0].error.problem)


@pytest.mark.parametrize(
    "raw, problem",
    [
        (b"\xff\xfek\x00i\x00", "UTF-16"),
        (b"kind: Pod\n\x00\x01", "binary"),
        (b"kind: Pod\nname: \xc3(\n", "not valid UTF-8"),
        (b"x" * (MB + 1), "over the paassec_max_file_size limit"),
    ],
)
def test_bytes_from_elsewhere_get_the_same_file_checks(raw: bytes, problem: str) -> None:
    intake = take_in_bytes("k.yaml", SNIFFED, raw, max_size=MB)
    assert intake.parsed is None
    assert names(intake) == ["PAASSEC-INPUT[file]"]
    assert problem in intake.notices[0].error.problem


def test_bytes_and_text_give_the_same_parse() -> None:
    text = "\ufeffapiVersion: v1\nkind: Pod\nmetadata:\n  name: a\n"
    from_bytes = take_in_bytes("p.yaml", SNIFFED, text.encode("utf-8"), max_size=MB)
    from_text = take_in_text("p.yaml", SNIFFED, text.lstrip("\ufeff"))
    assert from_bytes.parsed is not None and from_text.parsed is not None
    assert [d.data for d in from_bytes.parsed.documents] == [d.data for d in from_text.parsed.documents]
    assert from_bytes.parsed.documents[0].line_of(("metadata", "name")) == 4


def test_formats_of_a_plugin_go_through_its_parser() -> None:
    acme = Candidate("acme", ("acme",), True)
    calls = []

    def parse_other(relpath: str, fmt: str, text: str):
        calls.append((relpath, fmt))
        if "!" in text:
            raise ParseError(relpath, 2, "no bangs")
        return [{"name": "shop"}]

    good = take_in_text("shop.acme", acme, "name=shop\n", parse_other=parse_other)
    assert good.notices == [] and good.parsed is not None and good.parsed.documents[0].data == {"name": "shop"}
    bad = take_in_text("bad.acme", acme, "x\n!\n", parse_other=parse_other)
    assert names(bad) == ["PAASSEC-INPUT[parse]"] and bad.notices[0].error.line == 2
    assert calls == [("shop.acme", "acme"), ("bad.acme", "acme")]
    orphan = take_in_text("o.acme", acme, "name=o\n")
    assert "no parser for format 'acme'" in orphan.notices[0].error.problem


def test_duplicate_keys_are_findings_at_their_line() -> None:
    intake = take_in_text("compose.yaml", YAML, "services:\n  web:\n    image: a\n    image: b\n")
    assert intake.parsed is not None
    [notice] = duplicate_key_notices(intake.parsed)
    assert notice.name == "PAASSEC-DUPKEY[image:4]"
    assert (notice.phase, notice.control, notice.severity) == ("call", "PAASSEC-DUPKEY", "high")
    assert notice.error.line == 4


def test_files_of_the_work_tree(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "deploy").mkdir(parents=True)
    good = root / "deploy" / "compose.yaml"
    good.write_text("services:\n  web:\n    image: nginx:1.27\n")
    outside = tmp_path / "elsewhere.yaml"
    outside.write_text("services: {}\n")
    link = root / "deploy" / "docker-compose.yml"
    link.symlink_to(outside)
    assert take_in_file(good, root, YAML, max_size=MB).notices == []
    intake = take_in_file(link, root, YAML, max_size=MB)
    assert intake.relpath == "deploy/docker-compose.yml"
    assert names(intake) == ["PAASSEC-INPUT[file]"] and "outside the repository" in intake.notices[0].error.problem
    missing = root / "deploy" / "compose.override.yaml"
    missing.symlink_to(root / "deploy" / "nowhere.yaml")
    loop = root / "deploy" / "compose.loop.yaml"
    loop.symlink_to(loop)
    assert dangling_links(root / "deploy") == [loop, missing]
    unreadable = take_in_file(missing, root, YAML, max_size=MB)
    assert names(unreadable) == ["PAASSEC-INPUT[file]"] and "dangling" in unreadable.notices[0].error.hint


def test_chart_templates_are_recognised_on_disk(tmp_path: Path) -> None:
    (tmp_path / "chart" / "templates").mkdir(parents=True)
    (tmp_path / "chart" / "Chart.yaml").write_text("name: c\n")
    template = tmp_path / "chart" / "templates" / "deploy.yaml"
    template.write_text("kind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n")
    intake = take_in_file(template, tmp_path, SNIFFED, max_size=MB)
    assert names(intake) == ["PAASSEC-INPUT[parse]"] and intake.notices[0].error.line == 3


ACME_CONFTEST = '''
import pytest_paassec as paassec

def pytest_paassec_candidate(file_path, config):
    if file_path.name.endswith(".acme"):
        return paassec.Candidate(format="acme", platforms=("acme",), by_name=True)

def pytest_paassec_parse(relpath, format, text):
    if format == "acme":
        return [dict(line.split("=", 1) for line in text.splitlines() if "=" in line)]
'''

ROOT_CONFTEST = '''
import pytest_paassec as paassec

class Acme(paassec.Platform):
    name = "acme"
    def detect(self, document):
        return isinstance(document.data, dict)
    def resources(self, document):
        return [self.resource(document, "app", document.data.get("name"), document.data)]

def pytest_paassec_platforms(config):
    return [Acme()]
'''

FIXTURE_CONTROL = '''
import pytest

@pytest.mark.paassec_control(id="TEAM-ACME-001", title="Named", severity="low", category="identity", platforms=["acme"])
def test_named(paassec_subject):
    assert paassec_subject.get("name")
'''


def test_collector_and_inventory_ask_the_same_path_aware_hooks(pytester: pytest.Pytester) -> None:
    """A conftest's file claims apply below its folder only, for the files
    pytest collects and for the targets of fixture-based controls alike."""
    pytester.makeini("[pytest]\npaassec_builtin_baselines = false\n")
    pytester.makeconftest(ROOT_CONFTEST)
    claimed = pytester.mkdir("claimed")
    (claimed / "conftest.py").write_text(ACME_CONFTEST)
    (claimed / "shop.acme").write_text("name=shop\n")
    (pytester.mkdir("unclaimed") / "blog.acme").write_text("name=blog\n")
    pytester.makepyfile(test_zz=FIXTURE_CONTROL)
    result = pytester.runpytest("--co", "-q", "-p", "no:randomly")
    collected = [line for line in result.stdout.lines if "::" in line]
    # The baselines are off: the claimed file also gets its coverage item.
    assert collected == ["claimed/shop.acme::PAASSEC-COVERAGE[shop.acme]", "test_zz.py::test_named[claimed/shop.acme:app/shop]"], result.stdout.str()

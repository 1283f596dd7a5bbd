"""The spooling JUnit writer (edge/junit.py) writes pytest's document.

Each project runs twice, with our writer and with pytest's
(``paassec_junit_spool = false``), and the two documents are compared
element by element, timestamps and durations aside: both JUnit families,
``junit_logging`` variants, ``junit_log_passing_tests``, plain and under
``-n 2``.  Then: the writer holds no finished test case, the order of cases
survives interleaved (xdist) reports, and a writer another plugin put in
place is left alone.
"""

from __future__ import annotations

import json
import re
import tracemalloc
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from pytest_paassec.edge import internals
from pytest_paassec.edge.junit import SpoolingLogXML

TODAY = "--paassec-today=2026-12-05"
PODS = """apiVersion: v1
kind: Pod
metadata: {name: api, namespace: shop}
spec:
  containers:
    - name: api
      image: shop/api:1.2
      securityContext: {privileged: true}
---
apiVersion: v1
kind: Pod
metadata: {name: worker, namespace: shop}
spec:
  containers:
    - name: worker
      image: shop/worker
      securityContext: {privileged: true}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
spec:
  containers:
    - name: web
      image: shop/web@sha256:aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
      securityContext: {runAsNonRoot: true, allowPrivilegeEscalation: false}
"""
# api is waived (xfail); web passes, so its waiver shows as XPASS.
WAIVERS = """- control: K8S-PSS-001
  path: deploy/*.yaml
  resource: Pod/shop/api
  reason: the CNI agent needs it until 2.0
  owner: platform-team
  expires: 2027-01-31
- control: K8S-PSS-001
  path: deploy/*.yaml
  resource: Pod/shop/web
  reason: migrating
  owner: web-team
  expires: 2027-01-31
"""
PYTHON_TESTS = """
import logging
import sys

import pytest


@pytest.fixture
def broken_setup():
    raise RuntimeError("setup breaks")


@pytest.fixture
def broken_teardown():
    yield
    print("tearing down", file=sys.stderr)
    raise RuntimeError("teardown breaks")


def test_passes_with_output(record_property, record_testsuite_property):
    record_property("team", "payments")
    record_testsuite_property("build", "42 <&>")
    print("to stdout")
    print("to stderr", file=sys.stderr)
    logging.getLogger("app").warning("a log line")


def test_fails_with_output(record_property):
    record_property("ticket", "SEC-1")
    print("failing stdout \\x07 bell")
    logging.getLogger("app").error("failing log")
    assert 1 == 2


def test_setup_error(broken_setup):
    pass


def test_teardown_error(broken_teardown):
    print("before teardown")


def test_fails_and_teardown_error(broken_teardown):
    assert False, "call fails too"


def test_skipped():
    pytest.skip("not today")


@pytest.mark.xfail(reason="known bug")
def test_xfail():
    assert False


@pytest.mark.xfail(reason="fixed already")
def test_xpass():
    pass


@pytest.mark.parametrize("n", [1, 2, 3])
def test_param(n):
    assert n != 2
"""
# Records, in every run, which writer was in place and the most test cases
# it held at the end of an item (xdist's controller included).
WATCH = """
import json

import pytest

from pytest_paassec.edge import internals


class Watch:
    def __init__(self, config):
        self.config = config
        self.most_live = 0

    def live(self):
        writer = self.config.stash.get(internals.JUNIT_KEY, None)
        if writer is None:
            return 0
        return sum(1 for reporter in writer.node_reporters_ordered if reporter is not None)

    def pytest_runtest_logfinish(self, nodeid):
        self.most_live = max(self.most_live, self.live())

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session):
        writer = self.config.stash.get(internals.JUNIT_KEY, None)
        worker = getattr(self.config, "workerinput", None)
        if worker is not None:
            with open(self.config.option.xmlpath + "." + worker["workerid"] + ".json", "w") as out:
                json.dump({"writer": type(writer).__name__}, out)
            return
        record = {"writer": type(writer).__name__, "most_live": self.most_live,
                  "reporters": len(writer.node_reporters_ordered)}
        with open(writer.logfile + ".watch.json", "w") as out:
            json.dump(record, out)


def pytest_configure(config):
    config.pluginmanager.register(Watch(config), "watch")
"""
IGNORED = ("time", "timestamp", "hostname")
ADDRESS = re.compile(r" at 0x[0-9a-f]+")


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeini("[pytest]\npaassec_select = K8S-PSS-001 XP-SEC-001 XP-PRIV-002 XP-IMG-001\n")
    (pytester.path / "deploy").mkdir()
    (pytester.path / "deploy" / "pods.yaml").write_text(PODS)
    (pytester.path / "deploy" / "broken.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: [broken\n")
    (pytester.path / ".paassec-waivers.yaml").write_text(WAIVERS)
    pytester.makepyfile(test_app=PYTHON_TESTS)
    pytester.makeconftest(WATCH)
    return pytester


def canonical(element: ET.Element) -> tuple[Any, ...]:
    attributes = tuple((k, v) for k, v in element.attrib.items() if k not in IGNORED)
    # Tracebacks show fixture values, a function's address among them.
    text = ADDRESS.sub(" at 0x?", element.text) if element.text else element.text
    return (element.tag, attributes, text, element.tail, tuple(canonical(child) for child in element))


def assert_same(ours: ET.Element, pytests: ET.Element, where: str = "") -> None:
    """Element by element, naming the first difference."""
    where = f"{where}/{pytests.tag}[{pytests.get('name', '')}]"
    assert canonical(ours)[:4] == canonical(pytests)[:4], where
    assert [child.tag for child in ours] == [child.tag for child in pytests], where
    for mine, theirs in zip(ours, pytests):
        assert_same(mine, theirs, where)


def run_both(project: pytest.Pytester, *args: str, parallel: bool = False) -> tuple[ET.Element, ET.Element]:
    """Our document and pytest's for the same run, after checking which writer wrote each."""
    documents = []
    for spool, name in (("true", "out/ours.xml"), ("false", "out/pytests.xml")):
        command = ("-p", "no:cacheprovider", TODAY, f"--junitxml={name}", "-o", f"paassec_junit_spool={spool}", *args)
        result = project.runpytest_subprocess("-n", "2", *command) if parallel else project.runpytest(*command)
        assert result.ret == 1, result.stdout.str()
        watch = json.loads((project.path / f"{name}.watch.json").read_text())
        assert watch["writer"] == ("SpoolingLogXML" if spool == "true" else "LogXML")
        documents.append(ET.parse(project.path / name).getroot())
    # Spool files are temporary: only the reports and our records remain.
    assert sorted(p.name for p in (project.path / "out").iterdir() if not p.name.endswith(".json")) == ["ours.xml", "pytests.xml"]
    return documents[0], documents[1]


def expected_content(document: ET.Element, logging: str, log_passing: bool) -> None:
    """The document holds every kind of case the comparison is meant to cover."""
    cases = {case.get("name"): case for case in document.iter("testcase")}
    assert {child.tag for case in cases.values() for child in case} >= {"properties", "failure", "error", "skipped"}
    assert cases["K8S-PSS-001[Pod/shop/worker]"].find("failure") is not None
    assert cases["K8S-PSS-001[Pod/shop/api]"].find("skipped").get("type") == "pytest.xfail"  # type: ignore[union-attr]
    assert cases["PAASSEC-INPUT[parse]"].find("error") is not None
    assert [p.get("value") for p in document.iter("property") if p.get("name") == "paassec.control"]
    assert len(document.findall(".//testcase[@name='test_fails_and_teardown_error']")) == 2
    outputs = {child.tag for case in cases.values() for child in case if child.tag.startswith("system-")}
    assert outputs == (set() if logging == "no" else {"system-out", "system-err"})
    passing = cases["test_passes_with_output"]
    assert (passing.find("system-out") is not None) == (logging != "no" and log_passing)


@pytest.mark.parametrize(
    ("family", "logging", "log_passing", "extra"),
    [
        ("xunit1", "all", True, ()),
        ("xunit2", "no", True, ()),
        ("xunit2", "out-err", False, ("-o", "junit_suite_name=deploy-checks", "--junitprefix=ci")),
        ("xunit1", "all", False, ("--paassec-protocol=standard", "-o", "junit_duration_report=call")),
    ],
)
def test_the_spooled_document_is_pytests(project: pytest.Pytester, family: str, logging: str, log_passing: bool, extra: tuple[str, ...]) -> None:
    options = ("-o", f"junit_family={family}", "-o", f"junit_logging={logging}", "-o", f"junit_log_passing_tests={log_passing}", *extra)
    ours, pytests = run_both(project, *options)
    expected_content(pytests, logging, log_passing)
    assert_same(ours, pytests)
    suite = pytests.find("testsuite")
    assert suite is not None and suite.find("properties/property[@name='build']").get("value") == "42 <&>"  # type: ignore[union-attr]
    # pytest's writer ends each item holding every case so far; ours, none.
    watched = {name: json.loads((project.path / f"out/{name}.xml.watch.json").read_text()) for name in ("ours", "pytests")}
    assert watched["pytests"]["most_live"] == watched["pytests"]["reporters"] == 19
    assert watched["ours"]["most_live"] == 0


def test_the_spooled_document_is_pytests_under_xdist(project: pytest.Pytester) -> None:
    options = ("-o", "junit_family=xunit2", "-o", "junit_logging=all")
    ours, pytests = run_both(project, *options, parallel=True)
    expected_content(pytests, "all", True)
    # Two workers finish items in no fixed order, so neither writer's case
    # order repeats between runs (test_interleaved_reports_keep_pytests_order
    # checks ours keeps pytest's): compare the suite, then the cases as a multiset.
    ours_suite, pytests_suite = ours.find("testsuite"), pytests.find("testsuite")
    assert ours_suite is not None and pytests_suite is not None
    assert canonical(ours)[:4] == canonical(pytests)[:4]
    assert canonical(ours_suite)[:4] == canonical(pytests_suite)[:4]
    assert sorted(map(canonical, ours_suite)) == sorted(map(canonical, pytests_suite))
    assert len(pytests_suite.findall("testcase")) == 19  # 18 items, one with a failure and a teardown error
    # The controller writes (and spools); workers have no writer.
    assert json.loads((project.path / "out/ours.xml.watch.json").read_text())["most_live"] <= 2  # an item in flight per worker
    for worker in ("gw0", "gw1"):
        assert json.loads((project.path / f"out/ours.xml.{worker}.json").read_text()) == {"writer": "NoneType"}


def feed(writer: Any, items: int) -> int:
    """Log ``items`` passing items with our usual properties; return the
    most test cases the writer held after an item."""
    properties = [(f"paassec.{name}", "x" * 40) for name in ("control", "severity", "platform", "resource", "file", "line", "category", "references")]
    most_live = 0
    writer.pytest_sessionstart()
    for index in range(items):
        for when in ("setup", "call", "teardown"):
            writer.pytest_runtest_logreport(report(f"deploy/app.yaml::K8S-{index:05}[Pod/ns/app]", when, "passed", None, properties=properties))
        most_live = max(most_live, len(writer.node_reporters), sum(r is not None for r in writer.node_reporters_ordered[-3:]))
    return most_live


@pytest.mark.parametrize("writer_class", [SpoolingLogXML, internals.LogXML])
def test_a_finished_case_is_not_kept_in_memory(tmp_path: Path, writer_class: Any) -> None:
    """Memory the writer holds per item, at 500 and 5,000 items: ours stays
    at a few machine words an item (its place in the order), pytest's holds
    each case's elements."""
    per_item = []
    for items in (500, 5_000):
        writer = writer_class(str(tmp_path / f"{items}.xml"), None, "pytest", "no", "total", "xunit2", True)
        tracemalloc.start()
        try:
            most_live = feed(writer, items)
            held = tracemalloc.get_traced_memory()[0]
        finally:
            tracemalloc.stop()
        writer.pytest_sessionfinish()
        assert len(ET.parse(tmp_path / f"{items}.xml").getroot().findall(".//testcase")) == items
        per_item.append(held / items)
        if writer_class is SpoolingLogXML:
            assert most_live == 0
    if writer_class is SpoolingLogXML:
        assert max(per_item) < 100, per_item
    else:
        assert min(per_item) > 1_000, per_item  # what the test would catch


def report(node_id: str, when: str, outcome: str, node: object, longrepr: Any = None, properties: Any = None) -> pytest.TestReport:
    return pytest.TestReport(
        nodeid=node_id, location=("test_x.py", 1, node_id), keywords={}, outcome=outcome,  # type: ignore[arg-type]
        longrepr=longrepr, when=when, duration=0.5, user_properties=properties or [("id", node_id)], node=node,  # type: ignore[arg-type]
    )


def test_interleaved_reports_keep_pytests_order(tmp_path: Path) -> None:
    """xdist's controller logs reports of two workers interleaved: cases end
    out of the order they started in, and the document keeps pytest's order."""
    one, two = object(), object()
    sequence = [
        report("test_x.py::a", "setup", "passed", one),
        report("test_x.py::b", "setup", "passed", two),
        report("test_x.py::b", "call", "failed", two, "b failed"),
        report("test_x.py::a", "call", "passed", one),
        report("test_x.py::b", "teardown", "failed", two, "b teardown failed"),
        report("test_x.py::c", "setup", "passed", two),
        report("test_x.py::c", "call", "passed", two),
        report("test_x.py::c", "teardown", "passed", two),
        report("test_x.py::a", "teardown", "passed", one),
    ]
    documents = []
    for writer_class in (internals.LogXML, SpoolingLogXML):
        path = tmp_path / f"{writer_class.__name__}.xml"
        writer = writer_class(str(path), None, "pytest", "no", "total", "xunit2", True)
        writer.pytest_sessionstart()
        for each in sequence:
            writer.pytest_runtest_logreport(each)
        writer.pytest_sessionfinish()
        documents.append(ET.parse(path).getroot())
    names = [case.get("name") for case in documents[1].iter("testcase")]
    assert names == ["a", "b", "b", "c"]
    assert_same(documents[1], documents[0])


REPLACING = """
import pytest

from pytest_paassec.edge import internals


class TheirWriter(internals.LogXML):
    pass


# After pytest's configure made its writer and before ours would swap it.
@pytest.hookimpl(trylast=True, specname="pytest_configure")
def pytest_configure_their_writer(config):
    writer = config.stash[internals.JUNIT_KEY]
    config.pluginmanager.unregister(writer)
    config.stash[internals.JUNIT_KEY] = theirs = TheirWriter(writer.logfile, None)
    config.pluginmanager.register(theirs)
"""


def test_a_writer_another_plugin_put_in_place_is_left_alone(project: pytest.Pytester) -> None:
    project.makeconftest(WATCH + REPLACING)
    project.runpytest("-p", "no:cacheprovider", TODAY, "--junitxml=out/theirs.xml")
    assert json.loads((project.path / "out/theirs.xml.watch.json").read_text())["writer"] == "TheirWriter"
    assert len(ET.parse(project.path / "out/theirs.xml").getroot().findall(".//testcase")) == 19  # 18 items, one with a failure and a teardown error

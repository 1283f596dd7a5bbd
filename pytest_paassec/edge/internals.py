"""Everything the plugin takes from pytest beyond its documented API, in one place.

Each entry says what it relies on, the pytest versions it was checked
against (8.0.2, the oldest we support, and 9.2.0), and what breaks if pytest
changes it.  The suite runs on both (``nox -s tests_oldest tests_newest``);
a change in pytest shows up there, in this module only.

- ``test_report``: ``pytest.TestReport``'s constructor (a public class whose
  constructor pytest documents only as internal), called with keyword
  arguments (the same parameters in 8.0 and 9.2).  If its parameters
  change, lean reports fail to build: every control item errors.
- ``report_id``: pytest 9.2 nodes carry a structured ``id`` that reports
  take as is (a string is parsed back into one).  8.x has no ``id``: the
  string node id is used.  If the attribute is renamed, reports fall back to
  the string and pay for parsing it.
- ``report_keywords``: what ``TestReport.from_item_and_call`` puts in
  ``keywords`` (every keyword of the item and its parents, mapped to 1).  If
  that changes, lean reports differ from standard ones (-k on reports,
  JUnit consumers); ``test_lean_reports_carry_the_keywords_pytest_would_build``
  compares them.
- ``child_id`` / ``item_id``: build a child's structured id with
  ``id.child(name).with_params(params)`` (pytest 9.2); ``item_id`` keeps
  the ``id.child(name)`` part per (file, control) so the items of one
  control in one file share its ``names`` tuple, and takes the params
  string as given (the resource's ref, shared by its items).  Without
  ``id`` (8.x) the string ``"<file id>::<name>"``; if the methods change,
  ids are strings again (correct, slower and larger at 100,000 items).
- ``node_keywords``: ``_pytest.mark.structures.NodeKeywords``, the mapping
  ``Node.__init__`` puts in ``keywords`` (8.0 to 9.2).  Control items build
  it only when something reads ``item.keywords`` (standard reports,
  ``add_marker``, user code): ``-k`` does not read it (it reads names,
  ``extra_keyword_matches`` and markers, 8.0 to 9.2).  If it moves,
  importing this module fails loudly.
- ``ITEM_ATTRIBUTES``: the instance attributes ``Node.__init__`` and
  ``Item.__init__`` assign outside ``Node.__slots__`` (8.0 to 9.2):
  ``keywords``, ``own_markers``, ``extra_keyword_matches``, ``stash``,
  ``_report_sections``, ``user_properties``.  Control items give each a
  slot or a lazy property, so they carry no per-item ``__dict__``.  If
  pytest adds an attribute, items get a ``__dict__`` again (more memory,
  nothing wrong); if it renames one, a slot goes unused.
- ``extra_keyword_matches`` shared: control items of one (severity,
  category, platform) share one ``frozenset``; pytest only iterates it
  (``Node.listextrakeywords``, 8.0 to 9.2).  Code that ``.add``s to a
  control item's set fails loudly (frozenset) instead of leaking words to
  its siblings.
- ``teardown_exact``: ``session._setupstate.teardown_exact(nextitem)``, the
  call that ends every standard protocol run (8.0 to 9.2).  If it goes, the
  lean loop would leave neighbouring Python tests' fixtures set up too long.
- ``loop_check_start`` / ``loop_check_item``: the checks of
  ``_pytest.main.pytest_runtestloop`` (collection errors unless
  ``--continue-on-collection-errors``, then ``shouldfail``/``shouldstop``
  after each item, raising ``session.Failed``/``session.Interrupted``).  If
  pytest's loop gains a step, the lean loop misses it until mirrored here.
- ``terminal_stats``: the terminal reporter's ``stats`` dict, where passed
  setup/teardown reports land under the key ``""`` (8.0 to 9.2).  If that
  changes, quiet reports are simply kept (slower summaries, nothing wrong).
- ``prepared_repr``: the failure representation classes of
  ``_pytest._code.code`` (``ReprExceptionInfo``, ``ReprTraceback``,
  ``ReprEntryNative``, ``ReprFileLocation``; dataclasses with the same
  fields in 8.0 and 9.2).  JUnit's ``failure@message``, ``--tb=line`` and
  pytest-xdist's serialisation read ``reprcrash`` from them.  If they change,
  importing this module fails: every failure text breaks at once, loudly.
- ``is_pytest_plugin``: pytest's own plugins live in ``_pytest.*`` modules.
- ``LogXML`` / ``JUNIT_KEY`` / ``junit_reporter_key``: pytest's JUnit
  writer (``_pytest.junitxml``), which junit.py extends to spool finished
  test cases to disk.  It relies on (8.0.2 and 9.2.0): the writer is in
  ``config.stash[xml_key]`` and registered as a plugin by
  ``_pytest.junitxml.pytest_configure``; ``node_reporter(report_or_id)``
  appends each new ``_NodeReporter`` to ``node_reporters_ordered`` (the
  document's order) and keys it in ``node_reporters`` by
  ``(report.id, report.node)`` (9.2) or ``(report.nodeid, report.node)``
  (8.x); ``finalize(report)`` pops a finished one, after which nothing
  changes it and its ``to_xml()`` returns the final element;
  ``pytest_sessionfinish`` writes the whole document, each case from
  ``node_reporters_ordered[i].to_xml()`` in order.  If the key changes,
  spooling finds nothing to spool (pytest's behaviour and memory, nothing
  wrong); if ``pytest_sessionfinish`` stops iterating
  ``node_reporters_ordered``, the report cannot be assembled and the run
  says so, naming ``paassec_junit_spool = false`` (the tests in
  tests/test_junit_spool.py compare both writers' documents).
"""

from __future__ import annotations

from typing import Any

import pytest
from _pytest._code.code import ReprEntryNative, ReprExceptionInfo, ReprFileLocation, ReprTraceback
from _pytest.junitxml import LogXML, xml_key  # noqa: F401  (LogXML: junit.py subclasses it through here)
from _pytest.mark.structures import NodeKeywords

from ..reporting.failures import PreparedFailure

PYTEST_PLUGIN_PREFIX = "_pytest."
JUNIT_KEY = xml_key


def test_report(
    node_id: Any,
    location: tuple[str, int | None, str],
    keywords: dict[str, int],
    outcome: str,
    longrepr: Any,
    when: str,
    duration: float,
    start: float,
    properties: list[tuple[str, object]],
) -> pytest.TestReport:
    return pytest.TestReport(
        nodeid=node_id,
        location=location,
        keywords=keywords,
        outcome=outcome,  # type: ignore[arg-type]
        longrepr=longrepr,
        when=when,  # type: ignore[arg-type]
        sections=(),
        duration=duration,
        start=start,
        stop=start + duration,
        user_properties=properties,
    )


test_report.__test__ = False  # type: ignore[attr-defined]  # not a test, despite its name


def report_id(item: pytest.Item) -> Any:
    return getattr(item, "id", item.nodeid)


def report_keywords(item: pytest.Item) -> dict[str, int]:
    """The keywords a report carries, as pytest builds them, without walking
    every parent's keywords for each item: the parent's are computed once."""
    parent = item.parent
    base = getattr(parent, "_paassec_report_keywords", None)
    if base is None:
        base = parent._paassec_report_keywords = dict.fromkeys(parent.keywords, 1)  # type: ignore[union-attr]
    keywords = dict(base)
    for name in item.own_markers:
        keywords[name.name] = 1
    keywords[item.name] = 1
    return keywords


def child_id(parent: pytest.Node, name: str) -> Any:
    """The node id of a child named ``name`` (``"ID[params]"`` in pytest 9.2's
    structure, so --lf and --ff recognise what they read back from the cache)."""
    if name.endswith("]") and "[" in name:
        head, _, params = name.partition("[")
        return item_id(parent, head, params[:-1], {})
    return f"{parent.nodeid}::{name}"


def item_id(parent: pytest.Node, head: str, params: str, heads: dict[str, Any]) -> Any:
    """The node id of the child ``head[params]``; ``heads`` keeps the
    ``parent.id.child(head)`` of each head for the next child."""
    parent_id = getattr(parent, "id", None)
    if not hasattr(parent_id, "with_params"):
        return f"{parent.nodeid}::{head}[{params}]"
    base = heads.get(head)
    if base is None:
        base = heads[head] = parent_id.child(head)  # type: ignore[union-attr]
    return base.with_params(params)


def node_keywords(node: pytest.Node) -> Any:
    """A fresh ``keywords`` mapping for ``node``, as ``Node.__init__`` makes it."""
    return NodeKeywords(node)


ITEM_ATTRIBUTES = ("keywords", "own_markers", "extra_keyword_matches", "stash", "_report_sections", "user_properties")


def teardown_exact(session: pytest.Session, nextitem: pytest.Item | None) -> None:
    session._setupstate.teardown_exact(nextitem)


def loop_check_start(session: pytest.Session) -> None:
    if session.testsfailed and not session.config.option.continue_on_collection_errors:
        raise session.Interrupted(f"{session.testsfailed} error{'s' if session.testsfailed != 1 else ''} during collection")


def loop_check_item(session: pytest.Session) -> None:
    if session.shouldfail:
        raise session.Failed(session.shouldfail)
    if session.shouldstop:
        raise session.Interrupted(session.shouldstop)


def terminal_stats(config: pytest.Config) -> dict[str, list[Any]]:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    return getattr(reporter, "stats", {})


PASSED_SETUP_TEARDOWN = ""  # the stats key of passed setup and teardown reports


def prepared_repr(failure: PreparedFailure) -> ReprExceptionInfo:
    """One native entry holding our text, and a crash line with the summary."""
    lines = [failure.summary + "\n"] + [text + "\n" for text in failure.body]
    return ReprExceptionInfo(
        reprtraceback=ReprTraceback(reprentries=[ReprEntryNative(lines)], extraline=None, style="native"),
        reprcrash=ReprFileLocation(failure.path, failure.line, failure.summary),
    )


def is_pytest_plugin(module_name: str) -> bool:
    return module_name.startswith(PYTEST_PLUGIN_PREFIX)


def junit_reporter_key(report: Any) -> tuple[Any, Any]:
    """The key of a report's test case in ``LogXML.node_reporters``."""
    node_id = getattr(report, "id", None)
    if node_id is None:  # pytest 8.x
        node_id = report.nodeid
    return node_id, getattr(report, "node", None)


def count_collected(config: pytest.Config, count: int) -> None:
    """Tell the terminal reporter about items made after collection (the
    drift items), so "collected N items / M deselected" adds up.

    ``TerminalReporter._numcollected`` (private; pytest 8.0 to 9.x): it
    counts items from collect reports only.  Without it the header says
    "-22 selected"; nothing else breaks.
    """
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and isinstance(getattr(reporter, "_numcollected", None), int):
        reporter._numcollected += count

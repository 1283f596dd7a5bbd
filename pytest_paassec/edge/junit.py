"""``--junitxml`` with finished test cases kept on disk instead of in memory.

pytest's JUnit writer holds every test case's XML element until the end of
the run (about 7.6 KB per item with our properties).  This writer is
pytest's own with one change: when pytest finalizes a test case (all its
reports are in), the case is serialized to a spool file and dropped.  At the
end pytest writes its document around a placeholder, and the spooled cases
take the placeholder's place in pytest's order.  Counts, attributes,
captured output, properties, ``junit_*`` options and pytest-xdist's report
handling stay pytest's code, so the document is the same.

Swapped in only for pytest's writer itself (not a subclass or a
replacement another plugin registered), and only where it writes: an xdist
worker has no writer, the controller does.  What this relies on in pytest
is listed in internals.py.
"""

from __future__ import annotations

import os
import tempfile
import xml.etree.ElementTree as ET
from array import array
from typing import IO, Any

import pytest

from . import internals

PLACEHOLDER = "paassec-spooled-cases"
PLACEHOLDER_TEXT = f"<{PLACEHOLDER} />"  # how ElementTree writes the empty element
NOT_SPOOLED = -1


def install(config: pytest.Config, enabled: bool) -> None:
    """Replace pytest's registered JUnit writer with the spooling one."""
    writer = config.stash.get(internals.JUNIT_KEY, None)
    if not enabled or not config.option.xmlpath or type(writer) is not internals.LogXML:
        return
    spooling = SpoolingLogXML.from_writer(writer)
    config.pluginmanager.unregister(writer)
    config.stash[internals.JUNIT_KEY] = spooling
    config.pluginmanager.register(spooling)


class _Placeholder:
    """Stands for every test case while pytest writes the document."""

    def to_xml(self) -> ET.Element:
        return ET.Element(PLACEHOLDER)


class SpoolingLogXML(internals.LogXML):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._start_spool()

    @classmethod
    def from_writer(cls, writer: Any) -> SpoolingLogXML:
        """Take over ``writer``'s settings; at configure nothing is recorded yet."""
        spooling = cls.__new__(cls)
        spooling.__dict__.update(writer.__dict__)
        spooling._start_spool()
        return spooling

    def _start_spool(self) -> None:
        self._spool: IO[bytes] | None = None
        self._spool_end = 0
        # Per position in node_reporters_ordered: where its case is in the
        # spool (NOT_SPOOLED while the reporter is live).  16 bytes an item.
        self._offsets = array("q")
        self._sizes = array("q")
        self._position: dict[int, int] = {}  # id(live reporter) -> position

    def node_reporter(self, report: Any) -> Any:
        ordered = self.node_reporters_ordered
        count = len(ordered)
        reporter = super().node_reporter(report)
        if len(ordered) > count:
            self._position[id(reporter)] = count
            self._offsets.append(NOT_SPOOLED)
            self._sizes.append(0)
        return reporter

    def finalize(self, report: Any) -> None:
        reporter = self.node_reporters.get(internals.junit_reporter_key(report))
        super().finalize(report)
        if reporter is not None:
            self._spool_case(reporter)

    def _spool_case(self, reporter: Any) -> None:
        position = self._position.pop(id(reporter), None)
        if position is None:
            return
        data = ET.tostring(reporter.to_xml(), encoding="unicode").encode("utf-8")
        spool = self._spool if self._spool is not None else self._open_spool()
        spool.write(data)
        self._offsets[position] = self._spool_end
        self._sizes[position] = len(data)
        self._spool_end += len(data)
        self.node_reporters_ordered[position] = None  # type: ignore[call-overload]

    def _open_spool(self) -> IO[bytes]:
        # Next to the report rather than in a tmpfs /tmp: the point is to
        # keep the cases out of memory.
        folder = os.path.dirname(self.logfile)
        os.makedirs(folder, exist_ok=True)
        self._spool = tempfile.TemporaryFile(dir=folder, prefix=".junit-", suffix=".spool")
        return self._spool

    def pytest_sessionfinish(self) -> None:
        ordered = self.node_reporters_ordered
        if not ordered:
            super().pytest_sessionfinish()
            return
        self.node_reporters_ordered = [_Placeholder()]  # type: ignore[list-item]
        try:
            super().pytest_sessionfinish()
        finally:
            self.node_reporters_ordered = ordered
        with open(self.logfile, encoding="utf-8") as written:
            head, found, tail = written.read().partition(PLACEHOLDER_TEXT)
        if not found:
            raise pytest.UsageError(
                f"pytest-paassec: cannot assemble {self.logfile}: pytest's JUnit writer changed; "
                "set paassec_junit_spool = false and report this"
            )
        with open(self.logfile, "w", encoding="utf-8") as document:
            document.write(head)
            for position, reporter in enumerate(ordered):
                document.write(self._case(position, reporter))
            document.write(tail)
        self._close_spool()

    def _case(self, position: int, reporter: Any) -> str:
        if reporter is not None:  # never finalized: collection errors, an internal error, an interrupted item
            return ET.tostring(reporter.to_xml(), encoding="unicode")
        spool = self._spool
        assert spool is not None
        spool.seek(self._offsets[position])
        return spool.read(self._sizes[position]).decode("utf-8")

    def _close_spool(self) -> None:
        if self._spool is not None:
            self._spool.close()
            self._spool = None

    def pytest_unconfigure(self) -> None:
        self._close_spool()

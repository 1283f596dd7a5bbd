# pytester's in-process runs drop modules first imported inside them; a C
# extension (libyaml) cannot be imported twice, so load ours up front.
import pytest
import yaml  # noqa: F401

import pytest_paassec.edge.plugin  # noqa: F401

pytest_plugins = ["pytester"]


@pytest.fixture
def pytester(pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch) -> pytest.Pytester:
    """pytester, with pytest-timeout (a test dependency) left out of the runs
    it starts: its per-item hooks would make every run fall back to the
    standard protocol, and the suite would stop testing the lean one that
    users without such plugins get.  Tests about the fallback opt back in
    with ``monkeypatch.delenv("PYTEST_ADDOPTS")`` (tests/test_protocol.py)."""
    monkeypatch.setenv("PYTEST_ADDOPTS", "-p no:timeout")
    return pytester

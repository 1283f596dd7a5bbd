"""Hooks that plugins and ``conftest.py`` files implement to extend pytest-paassec.

Each hook is an ordinary pytest hook: implement a function of the same name
in a ``conftest.py`` or in a plugin registered under the ``pytest11`` entry
point.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from .controls import Control
    from .platforms.base import Platform


@pytest.hookspec
def pytest_paassec_controls(config: pytest.Config) -> list[Control]:
    """Contribute controls beyond those in baseline files.

    Return a list of :class:`pytest_paassec.Control` objects.  Their ids must
    be unique across every baseline and plugin; a duplicate is reported as an
    error item naming both definitions.

    Example, in ``conftest.py``::

        def pytest_paassec_controls(config):
            return [my_control]
    """


@pytest.hookspec
def pytest_paassec_platforms(config: pytest.Config) -> list[Platform]:
    """Contribute platform adapters for formats pytest-paassec does not know.

    Return a list of :class:`pytest_paassec.Platform` instances.  An adapter
    with the same ``name`` as a built-in one replaces it.
    """

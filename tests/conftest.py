# pytester's in-process runs drop modules first imported inside them; a C
# extension (libyaml) cannot be imported twice, so load ours up front.
import yaml  # noqa: F401

import pytest_paassec.edge.plugin  # noqa: F401

pytest_plugins = ["pytester"]

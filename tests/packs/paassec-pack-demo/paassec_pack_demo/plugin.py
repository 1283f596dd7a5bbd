"""Registered under pytest11: contributes a baseline file and a Python control."""

from pathlib import Path

import pytest_paassec as paassec

BASELINE = Path(__file__).with_name("demo.yaml")


@paassec.control(id="DEMO-NET-001", title="Pods do not use host networking", severity="high",
                 category="network", platforms=["kubernetes"], kinds=["Pod"])
def no_host_network(pod):
    if (pod.get("spec") or {}).get("hostNetwork") is True:
        yield paassec.violation(["spec", "hostNetwork"], True, "false or unset")


def pytest_paassec_controls(config):
    return [no_host_network]


def pytest_paassec_baselines(config):
    return [BASELINE]

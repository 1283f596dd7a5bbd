"""Effective security settings of Kubernetes containers (pod and container merged)."""

from __future__ import annotations

from ..resources import SubjectFinder

SECURITY_SUBJECTS: dict[str, SubjectFinder] = {}

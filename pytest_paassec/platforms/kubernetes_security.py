"""Effective security settings of Kubernetes containers (pod and container merged).

``container_security`` gives one :class:`View` per container, init container
and ephemeral container, paired with the container's own path::

    {name, list, os,
     runAsNonRoot, runAsUser, runAsGroup, seccompProfileType,
     appArmorProfileType, appArmorAnnotation, seLinuxOptions,
     windowsHostProcess,
     privileged, allowPrivilegeEscalation, procMount,
     capabilitiesAdd, capabilitiesDrop, readOnlyRootFilesystem,
     capabilitiesKept}

The inherited settings hold the container's value when it sets one, else
the pod-level ``securityContext`` value (Kubernetes replaces
``seLinuxOptions`` as a whole, it does not merge it field by field).
``appArmorAnnotation`` is the deprecated per-container annotation
``container.apparmor.security.beta.kubernetes.io/<name>`` of the pod
template.  ``os`` is ``spec.os.name``: the restricted profile waives its
Linux-only rules for ``windows`` pods.  A setting written nowhere is left
out of the view, so a control's ``missing:`` says what unset means.

``capabilitiesKept`` is a sentence, present only when ``capabilities.drop``
does not list ``ALL`` exactly as the restricted profile requires (the
admission controller compares names exactly; the runtimes do not): it says
whether the default capabilities are kept or only the spelling is wrong.
"""

from __future__ import annotations

from typing import Any

from ..model.resources import Resource, SubjectEntries, SubjectFinder
from ..model.workload import View
from .base import dig

APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"

# View key -> path inside a securityContext, for settings a pod can set for
# all its containers.
INHERITED: dict[str, tuple] = {
    "runAsNonRoot": ("runAsNonRoot",),
    "runAsUser": ("runAsUser",),
    "runAsGroup": ("runAsGroup",),
    "seccompProfileType": ("seccompProfile", "type"),
    "appArmorProfileType": ("appArmorProfile", "type"),
    "seLinuxOptions": ("seLinuxOptions",),
    "windowsHostProcess": ("windowsOptions", "hostProcess"),
}
CONTAINER_ONLY: dict[str, tuple] = {
    "privileged": ("privileged",),
    "allowPrivilegeEscalation": ("allowPrivilegeEscalation",),
    "procMount": ("procMount",),
    "capabilitiesAdd": ("capabilities", "add"),
    "capabilitiesDrop": ("capabilities", "drop"),
    "readOnlyRootFilesystem": ("readOnlyRootFilesystem",),
}


def _security_context(node: Any) -> dict:
    context = node.get("securityContext") if isinstance(node, dict) else None
    return context if isinstance(context, dict) else {}


def _pod_annotations(resource: Resource, spec_path: tuple) -> dict:
    """Annotations of the pod (template) whose spec sits at ``spec_path``."""
    metadata = dig(resource.data, spec_path[:-1] + ("metadata",))
    annotations = metadata.get("annotations") if isinstance(metadata, dict) else None
    return annotations if isinstance(annotations, dict) else {}


def container_security(resource: Resource) -> SubjectEntries:
    pod_specs = resource.select("pod_spec")
    if not pod_specs:
        return []
    spec_path, spec = pod_specs[0]
    pod_context = _security_context(spec)
    os_name = dig(spec, ("os", "name"))
    annotations = _pod_annotations(resource, spec_path)
    entries: SubjectEntries = []
    for path, container in resource.select("containers"):
        context = _security_context(container)
        name = container.get("name")
        settings: dict[str, Any] = {"name": name, "list": path[-2], "os": os_name}
        for key, steps in INHERITED.items():
            own = dig(context, steps)
            settings[key] = own if own is not None else dig(pod_context, steps)
        if isinstance(name, str):
            settings["appArmorAnnotation"] = annotations.get(APPARMOR_ANNOTATION + name)
        for key, steps in CONTAINER_ONLY.items():
            settings[key] = dig(context, steps)
        settings["capabilitiesKept"] = _capabilities_kept(settings["capabilitiesDrop"])
        # The condition engine takes a key holding null for a value that is
        # there, so an unset setting is left out and `missing:` decides.
        view = View((key, value) for key, value in settings.items() if value is not None)
        if settings["capabilitiesDrop"] is not None:
            view.sources["capabilitiesKept"] = path + ("securityContext", "capabilities", "drop")
        entries.append((path, view))
    return entries


def _capabilities_kept(drop: Any) -> str | None:
    """Why ``drop`` falls short of the restricted profile's ``[ALL]``, or None."""
    names = [str(name) for name in drop] if isinstance(drop, list) else []
    if "ALL" in names:
        return None
    if any(name.lower() == "all" for name in names):
        return "has lower-case 'all': the runtime drops every capability, but restricted admission rejects the pod; write ALL"
    return "keeps the runtime's default capabilities (capabilities.drop lacks ALL)"


SECURITY_SUBJECTS: dict[str, SubjectFinder] = {"container_security": container_security}

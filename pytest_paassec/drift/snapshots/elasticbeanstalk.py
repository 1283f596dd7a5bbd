"""``aws elasticbeanstalk describe-configuration-settings --application-name A
--environment-name E`` (JSON): every option setting of the environment.

Each ``ConfigurationSettings`` entry becomes ``{option_settings:
{namespace: {option: value}}}``, the shorthand syntax of an .ebextensions
config; values that look secret (environment properties, DB passwords)
are concealed.  Settings without a value are left out; ``ResourceName``
(which the shorthand cannot express) is dropped.  The environment and
application names are notes: Elastic Beanstalk's identity.
"""

from __future__ import annotations

from ...platforms.elasticbeanstalk import ElasticBeanstalk
from ..live import LiveDocument
from .common import Reading, Snapshot, conceal

PLATFORM = ElasticBeanstalk.name


def read(snapshot: Snapshot) -> Reading | None:
    data = snapshot.documents[0].data
    if len(snapshot.documents) != 1 or not isinstance(data, dict) or not isinstance(data.get("ConfigurationSettings"), list):
        return None
    found: Reading = []
    for index, settings in enumerate(data["ConfigurationSettings"]):
        path = ("ConfigurationSettings", index)
        if not isinstance(settings, dict) or not isinstance(settings.get("OptionSettings"), list):
            raise snapshot.error("a configuration without OptionSettings", "export with aws elasticbeanstalk describe-configuration-settings", path)
        options: dict[str, dict[str, object]] = {}
        for position, option in enumerate(settings["OptionSettings"]):
            if not isinstance(option, dict) or not option.get("Namespace") or not option.get("OptionName"):
                raise snapshot.error("an option setting without Namespace or OptionName", "", path + ("OptionSettings", position))
            if "Value" in option:
                name = option["OptionName"]
                options.setdefault(option["Namespace"], {})[name] = conceal(name, option["Value"])
        notes = {key: settings[key] for key in ("EnvironmentName", "ApplicationName", "SolutionStackName", "PlatformArn", "DeploymentStatus") if key in settings}
        data_out = {"option_settings": {namespace: options[namespace] for namespace in sorted(options)}}
        found.append(LiveDocument(PLATFORM, "yaml", data_out, snapshot.relpath, snapshot.line(path), notes))
    return found

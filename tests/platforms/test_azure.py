"""The Azure App Service adapter: detection, expressions, resources and subjects."""

from __future__ import annotations

import json

import pytest
from platform_helpers import AdapterHelper, line_of, text_line

from pytest_paassec.model.resources import Resource
from pytest_paassec.platforms.azure import Azure, Template, name_segments

PLATFORM = Azure()
SCHEMA = "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#"

# Tests pass the template as a dict; it is written out as indented JSON.
HELPER = AdapterHelper(PLATFORM, "azuredeploy.json", "json", prepare=lambda data: json.dumps(data, indent=2))
document = HELPER.document


def resources(data: dict) -> dict[str, Resource]:
    return HELPER.resources(data)


def template(resources_: list, parameters: dict | None = None, variables: dict | None = None) -> dict:
    return {"$schema": SCHEMA, "contentVersion": "1.0.0.0", "parameters": parameters or {}, "variables": variables or {}, "resources": resources_}


# --- detection ---------------------------------------------------------------------


def test_detects_arm_templates_and_bicep_output() -> None:
    assert PLATFORM.detect(document(template([])))
    subscription = template([])
    subscription["$schema"] = "https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#"
    assert PLATFORM.detect(document(subscription))
    symbolic = template({})  # languageVersion 2.0 output keys resources by symbolic name
    symbolic["resources"] = {"site": {"type": "Microsoft.Web/sites", "name": "app"}}
    assert PLATFORM.detect(document(symbolic))


@pytest.mark.parametrize(
    "data",
    [
        # A parameters file names another schema and has no resources.
        {"$schema": "https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#", "parameters": {}},
        # Resources without an ARM schema (a CloudFormation-like file).
        {"resources": [{"type": "Microsoft.Web/sites", "name": "app"}]},
        {"$schema": SCHEMA, "resources": "[variables('all')]"},
    ],
)
def test_rejects_look_alikes(data: dict) -> None:
    assert not PLATFORM.detect(document(data))


# --- expressions ---------------------------------------------------------------------


def test_template_resolves_defaults_and_variables() -> None:
    tpl = Template(
        template(
            [],
            parameters={"SiteName": {"type": "string", "defaultValue": "[variables('prefix')]"}, "noDefault": {"type": "string"}},
            variables={"prefix": "contoso", "cfg": {"minTlsVersion": "[parameters('siteName')]"}},
        )
    )
    # Names are case-insensitive, as in ARM.
    assert tpl.resolve("[parameters('siteName')]") == "contoso"
    assert tpl.resolve("[variables('cfg')]") == {"minTlsVersion": "contoso"}
    # Deploy-time values stay the expression; [[ escapes a literal bracket.
    assert tpl.resolve("[parameters('noDefault')]") == "[parameters('noDefault')]"
    assert tpl.resolve("[reference('x').outputs.y.value]") == "[reference('x').outputs.y.value]"
    assert tpl.resolve("[[not an expression]") == "[not an expression]"


def test_env_values_of_parameters() -> None:
    tpl = Template(
        template(
            [],
            parameters={
                "secretNoDefault": {"type": "securestring"},
                "secretWithDefault": {"type": "securestring", "defaultValue": "hunter2hunter2"},
                "emptyDefault": {"type": "securestring", "defaultValue": ""},
                "plain": {"type": "string", "defaultValue": "info"},
            },
        )
    )
    assert tpl.env_value("[parameters('secretNoDefault')]") == (None, True)
    # A default is written in the template: a literal, secure or not.
    assert tpl.env_value("[parameters('secretWithDefault')]") == ("hunter2hunter2", False)
    assert tpl.env_value("[parameters('emptyDefault')]") == (None, True)
    assert tpl.env_value("[parameters('plain')]") == ("info", False)
    assert tpl.env_value("[listKeys(resourceId('Microsoft.Storage/storageAccounts', 'x'), '2022-09-01').keys[0].value]") == (None, True)
    assert tpl.env_value("literal") == ("literal", False)


def test_name_segments_through_format_and_concat() -> None:
    tpl = Template(template([], parameters={"siteName": {"type": "string", "defaultValue": "Contoso"}, "other": {"type": "string"}}))
    assert name_segments("contoso/staging/web", tpl) == ("contoso", "staging", "web")
    assert name_segments("[format('{0}/{1}', parameters('siteName'), 'web')]", tpl) == ("contoso", "web")
    assert name_segments("[concat(parameters('other'), '/web')]", tpl) == ("parameters('other')", "web")
    assert name_segments("[format('{0}/web', parameters('other'))]", tpl) == ("parameters('other')", "web")
    assert name_segments("[parameters('siteName')]", tpl) == ("contoso",)
    assert name_segments(None, tpl) is None


def test_a_site_and_its_child_get_the_same_key_when_the_name_is_computed() -> None:
    tpl = Template(
        template(
            [],
            parameters={"siteName": {"type": "string", "defaultValue": "[format('app-{0}', uniqueString(resourceGroup().id))]"}},
            variables={"webName": "[concat(parameters('siteName'), '/web')]"},
        )
    )
    site = name_segments("[parameters('siteName')]", tpl)
    assert site == ("app-uniquestring(resourcegroup().id)",)
    assert name_segments("[format('{0}/{1}', parameters('siteName'), 'web')]", tpl) == site + ("web",)
    assert name_segments("[variables('webName')]", tpl) == site + ("web",)


# --- resources -------------------------------------------------------------------------

MANY = template(
    [
        {"type": "Microsoft.Web/serverfarms", "name": "plan", "properties": {}},
        {"type": "Microsoft.Storage/storageAccounts", "name": "data"},
        {
            "type": "Microsoft.Web/sites",
            "name": "[parameters('siteName')]",
            "identity": {"type": "SystemAssigned"},
            "properties": {
                "httpsOnly": "[parameters('httpsOnly')]",
                "publicNetworkAccess": "Disabled",
                "siteConfig": {
                    "minTlsVersion": "1.0",
                    "ftpsState": "AllAllowed",
                    "linuxFxVersion": "DOCKER|contoso.azurecr.io/web:1.4.2",
                    "appSettings": [
                        {"name": "LOG_LEVEL", "value": "info"},
                        {"name": "DB_PASSWORD", "value": "[parameters('dbPassword')]"},
                        {"name": "API_KEY", "value": "@Microsoft.KeyVault(SecretUri=https://kv.vault.azure.net/secrets/api-key/)"},
                    ],
                    "connectionStrings": [{"name": "Db", "connectionString": "Server=db;Password=pw1", "type": "SQLAzure"}],
                },
            },
            "resources": [
                {"type": "config", "name": "web", "properties": {"ftpsState": "FtpsOnly", "healthCheckPath": "/healthz"}},
                {"type": "config", "name": "appsettings", "properties": {"FEATURE": "on"}},
                {
                    "type": "slots",
                    "name": "staging",
                    "properties": {"httpsOnly": True, "siteConfig": {"ftpsState": "Disabled"}},
                },
            ],
        },
        {
            "type": "Microsoft.Web/sites/config",
            "name": "[format('{0}/{1}', parameters('siteName'), 'web')]",
            "properties": {"minTlsVersion": "1.2", "remoteDebuggingEnabled": "[parameters('debug')]"},
        },
        {
            "type": "Microsoft.Web/sites/slots/config",
            "name": "[concat(parameters('siteName'), '/staging/web')]",
            "properties": {"http20Enabled": True},
        },
        {
            "type": "Microsoft.Web/sites/config",
            "name": "[format('{0}/connectionstrings', parameters('siteName'))]",
            "properties": {"Reports": {"value": "Server=reports;Password=pw2", "type": "SQLAzure"}},
        },
        {"type": "Microsoft.Web/sites/config", "name": "other-site/web", "properties": {"minTlsVersion": "1.0"}},
        {
            "type": "Microsoft.Web/sites/basicPublishingCredentialsPolicies",
            "name": "[format('{0}/{1}', parameters('siteName'), 'ftp')]",
            "properties": {"allow": False},
        },
    ],
    parameters={
        "siteName": {"type": "string", "defaultValue": "contoso-web"},
        "httpsOnly": {"type": "bool", "defaultValue": True},
        "dbPassword": {"type": "securestring"},
        "debug": {"type": "bool"},
    },
)


def test_every_web_resource_with_its_full_type() -> None:
    found = resources(MANY)
    assert sorted(found) == [
        "Microsoft.Web/serverfarms/plan",
        "Microsoft.Web/sites/basicPublishingCredentialsPolicies/format-0-1-parameters-siteName-ftp",
        "Microsoft.Web/sites/config/appsettings",
        "Microsoft.Web/sites/config/format-0-1-parameters-siteName-web",
        "Microsoft.Web/sites/config/format-0-connectionstrings-parameters-siteName",
        "Microsoft.Web/sites/config/other-site/web",
        "Microsoft.Web/sites/config/web",
        "Microsoft.Web/sites/contoso-web",
        "Microsoft.Web/sites/slots/config/concat-parameters-siteName-staging-web",
        "Microsoft.Web/sites/slots/staging",
    ]
    assert found["Microsoft.Web/sites/slots/staging"].path == ("resources", 2, "resources", 2)


# --- site_config ----------------------------------------------------------------------


def test_site_config_merges_properties_site_config_and_web_children() -> None:
    site = resources(MANY)["Microsoft.Web/sites/contoso-web"]
    ((base, view),) = site.select("site_config")
    assert base == ("properties",)
    assert view["httpsOnly"] is True  # resolved from the parameter's default
    assert view["publicNetworkAccess"] == "Disabled"
    assert view["ftpsState"] == "FtpsOnly"  # the nested web child wins over siteConfig
    assert view["healthCheckPath"] == "/healthz"
    assert view["minTlsVersion"] == "1.2"  # the top-level child (matched by name) wins last
    # Known only at deploy time: kept as the expression and listed.
    assert view["remoteDebuggingEnabled"] == "[parameters('debug')]"
    assert view["unresolved"] == ["remoteDebuggingEnabled"]
    assert "siteConfig" not in view and "appSettings" in view


def test_site_config_keys_point_at_their_source_line() -> None:
    site = resources(MANY)["Microsoft.Web/sites/contoso-web"]
    ((base, view),) = site.select("site_config")
    assert line_of(site, view.sources["httpsOnly"]) == text_line(site, '"httpsOnly": "[parameters')
    assert line_of(site, view.sources["linuxFxVersion"]) == text_line(site, '"linuxFxVersion"')
    assert line_of(site, view.sources["ftpsState"]) == text_line(site, '"ftpsState": "FtpsOnly"')
    # A top-level child lies outside the site: its keys fall back to the entry.
    assert "minTlsVersion" not in view.sources and "remoteDebuggingEnabled" not in view.sources


def test_slots_have_their_own_site_config() -> None:
    slot = resources(MANY)["Microsoft.Web/sites/slots/staging"]
    ((_, view),) = slot.select("site_config")
    assert (view["httpsOnly"], view["ftpsState"], view["http20Enabled"]) == (True, "Disabled", True)
    assert "minTlsVersion" not in view  # the site's settings are not inherited
    assert resources(MANY)["Microsoft.Web/sites/config/web"].select("site_config") == []


def test_top_level_config_named_through_a_variable() -> None:
    data = template(
        [
            {"type": "Microsoft.Web/sites", "name": "[variables('app')]", "properties": {}},
            {
                "type": "Microsoft.Web/sites/config",
                "name": "[variables('webConfigName')]",
                "properties": {"ftpsState": "Disabled"},
            },
        ],
        variables={"app": "[uniqueString(resourceGroup().id)]", "webConfigName": "[concat(variables('app'), '/web')]"},
    )
    site = resources(data)["Microsoft.Web/sites/variables-app"]
    ((base, view),) = site.select("site_config")
    assert view["ftpsState"] == "Disabled"


def test_site_config_without_properties_points_at_the_site() -> None:
    site = resources(template([{"type": "Microsoft.Web/sites", "name": "bare"}]))["Microsoft.Web/sites/bare"]
    assert site.select("site_config") == [((), {"unresolved": []})]


# --- normalized subjects -----------------------------------------------------------------


def test_env_of_a_site_and_of_config_children() -> None:
    found = resources(MANY)
    site = found["Microsoft.Web/sites/contoso-web"]
    entries = site.select("env")
    assert [dict(view) for _, view in entries] == [
        {"name": "LOG_LEVEL", "value": "info", "reference": False},
        {"name": "DB_PASSWORD", "value": None, "reference": True},
        {"name": "API_KEY", "value": None, "reference": True},
        {"name": "Db", "value": "Server=db;Password=pw1", "reference": False},
    ]
    assert entries[3][0] == ("properties", "siteConfig", "connectionStrings", 0, "connectionString")
    assert line_of(site, entries[1][0]) == text_line(site, "[parameters('dbPassword')]")
    settings = found["Microsoft.Web/sites/config/appsettings"]
    assert [(path, dict(view)) for path, view in settings.select("env")] == [
        (("properties", "FEATURE"), {"name": "FEATURE", "value": "on", "reference": False})
    ]
    strings = found["Microsoft.Web/sites/config/format-0-connectionstrings-parameters-siteName"]
    ((path, view),) = strings.select("env")
    assert (path, view["value"]) == (("properties", "Reports", "value"), "Server=reports;Password=pw2")
    assert line_of(strings, path) == text_line(strings, "Server=reports")
    assert found["Microsoft.Web/sites/config/web"].select("env") == []


def test_env_list_from_a_variable_points_at_the_expression() -> None:
    data = template(
        [{"type": "Microsoft.Web/sites", "name": "app", "properties": {"siteConfig": {"appSettings": "[variables('settings')]"}}}],
        variables={"settings": [{"name": "MODE", "value": "prod"}]},
    )
    site = resources(data)["Microsoft.Web/sites/app"]
    assert [(path, dict(view)) for path, view in site.select("env")] == [
        (("properties", "siteConfig", "appSettings"), {"name": "MODE", "value": "prod", "reference": False})
    ]


def test_images_from_docker_stacks_only() -> None:
    found = resources(MANY)
    site = found["Microsoft.Web/sites/contoso-web"]
    ((path, view),) = site.select("images")
    assert (view["registry"], view["repository"], view["tag"]) == ("contoso.azurecr.io", "web", "1.4.2")
    assert line_of(site, path) == text_line(site, "DOCKER|")
    assert found["Microsoft.Web/sites/slots/staging"].select("images") == []


def test_endpoints_follow_https_only_and_public_access() -> None:
    found = resources(MANY)
    assert [dict(v) for _, v in found["Microsoft.Web/sites/contoso-web"].select("endpoints")] == [
        {"port": 443, "protocol": "https", "public": False, "tls": True}
    ]
    data = template(
        [
            {"type": "Microsoft.Web/sites", "name": "open", "properties": {"publicNetworkAccess": "Enabled"}},
            {"type": "Microsoft.Web/sites", "name": "param", "properties": {"httpsOnly": "[parameters('https')]"}},
        ],
        parameters={"https": {"type": "bool"}},
    )
    found = resources(data)
    assert [dict(v) for _, v in found["Microsoft.Web/sites/open"].select("endpoints")] == [
        {"port": 443, "protocol": "https", "public": True, "tls": True},
        {"port": 80, "protocol": "http", "public": True, "tls": False},
    ]
    param = found["Microsoft.Web/sites/param"]
    entries = param.select("endpoints")
    assert dict(entries[1][1]) == {"port": 80, "protocol": "http", "public": None, "tls": None}
    assert line_of(param, entries[1][0]) == text_line(param, '"httpsOnly"')


def test_workload_of_a_site() -> None:
    found = resources(MANY)
    site = found["Microsoft.Web/sites/contoso-web"]
    ((base, view),) = site.select("workload")
    assert (view["runtime"], view["health_check"], view["memory_bytes"]) == ("DOCKER|contoso.azurecr.io/web:1.4.2", True, None)
    assert line_of(site, view.sources["health_check"]) == text_line(site, "/healthz")
    ((_, slot),) = found["Microsoft.Web/sites/slots/staging"].select("workload")
    assert (slot["runtime"], slot["health_check"]) == (None, False)


@pytest.mark.parametrize(
    ("identity", "expected"),
    [
        (None, "None"),
        ({"type": "SystemAssigned"}, "SystemAssigned"),
        ({"type": "systemassigned,userassigned", "userAssignedIdentities": {"[parameters('uami')]": {}}}, "SystemAssigned, UserAssigned"),
        ({"type": "[parameters('identityType')]"}, "UserAssigned"),
        ({"type": "[parameters('unknownType')]"}, None),
        ({"type": "Both"}, None),
    ],
)
def test_managed_identity_of_a_site(identity: dict | None, expected: str | None) -> None:
    site = {"type": "Microsoft.Web/sites", "apiVersion": "2022-09-01", "name": "web", "properties": {"httpsOnly": True}}
    if identity is not None:
        site["identity"] = identity
    data = template([site], parameters={"identityType": {"type": "string", "defaultValue": "UserAssigned"}, "unknownType": {"type": "string"}})
    web = resources(data)["Microsoft.Web/sites/web"]
    ((_, view),) = web.select("workload")
    assert view["managed_identity"] == expected
    if identity is not None:
        assert line_of(web, view.sources["managed_identity"]) == text_line(web, '"type": "' + identity["type"])


# --- authentication -----------------------------------------------------------------


def _site(name: str = "app", kind: str = "app", **properties: object) -> dict:
    return {"type": "Microsoft.Web/sites", "name": name, "kind": kind, "properties": properties}


def _authentication(data: dict, ref: str = "Microsoft.Web/sites/app") -> list[dict]:
    return [dict(value) for _, value in resources(data)[ref].select("authentication")]


@pytest.mark.parametrize(
    ("site_properties", "expected"),
    [
        ({}, "no authsettingsV2 or authsettings config turns built-in authentication on"),
        ({"siteConfig": {"siteAuthEnabled": True}}, None),
        ({"siteConfig": {"siteAuthSettings": {"enabled": False}}}, "siteAuthSettings.enabled is false"),
    ],
)
def test_authentication_from_the_site_configuration(site_properties: dict, expected: str | None) -> None:
    assert _authentication(template([_site(**site_properties)])) == [{"public": True, "disabled": expected}]


def test_authsettings_v2_wins_over_the_legacy_config_and_points_at_its_field() -> None:
    data = template(
        [
            _site(),
            {"type": "Microsoft.Web/sites/config", "name": "app/authsettingsV2", "properties": {"platform": {}}},
            {"type": "Microsoft.Web/sites/config", "name": "app/authsettings", "properties": {"enabled": True}},
        ]
    )
    res = resources(data)["Microsoft.Web/sites/app"]
    [(_, entry)] = res.select("authentication")
    assert entry["disabled"] == "authsettingsV2 platform.enabled is not set (off)"


@pytest.mark.parametrize(
    "site_properties",
    [
        {"publicNetworkAccess": "Disabled"},
        {"siteConfig": {"ipSecurityRestrictions": [{"ipAddress": "203.0.113.0/24", "action": "Allow"}]}},
        {"siteConfig": {"ipSecurityRestrictions": [{"vnetSubnetResourceId": "[parameters('subnet')]"}]}},
    ],
)
def test_closed_apps_are_not_public(site_properties: dict) -> None:
    assert _authentication(template([_site(**site_properties)]))[0]["public"] is False


def test_open_allow_rules_keep_the_app_public() -> None:
    rules = [{"ipAddress": "Any", "action": "Allow"}, {"ipAddress": "198.51.100.0/24", "action": "Deny"}]
    assert _authentication(template([_site(siteConfig={"ipSecurityRestrictions": rules})]))[0]["public"] is True


def test_function_apps_and_odd_shapes_have_no_authentication_entry() -> None:
    assert _authentication(template([_site(kind="functionapp,linux")])) == []
    odd = template([_site(), {"type": "Microsoft.Web/sites/config", "name": "app/authsettingsV2", "properties": "[variables('auth')]"}])
    assert _authentication(odd)[0]["disabled"] == "authsettingsV2 platform.enabled is not set (off)"


@pytest.mark.parametrize(
    ("service_id", "public"),
    [
        ("[resourceId('Microsoft.Web/sites', parameters('site'))]", False),
        ("/subscriptions/0/resourceGroups/rg/providers/Microsoft.Web/sites/shop", False),
        ("[resourceId('Microsoft.Web/sites', 'other')]", True),
        ("[reference('x').id]", True),
    ],
)
def test_a_private_endpoint_to_the_site_closes_it(service_id: str, public: bool) -> None:
    endpoint = {
        "type": "Microsoft.Network/privateEndpoints",
        "name": "pe",
        "properties": {"privateLinkServiceConnections": [{"properties": {"privateLinkServiceId": service_id, "groupIds": ["sites"]}}]},
    }
    data = template([_site("[parameters('site')]"), endpoint], parameters={"site": {"type": "string", "defaultValue": "shop"}})
    assert _authentication(data, "Microsoft.Web/sites/shop")[0]["public"] is public

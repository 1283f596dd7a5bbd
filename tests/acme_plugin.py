"""An in-house platform ("acme") as a conftest would contribute it, shared by
the tests of extension hooks.  ``ACME_CONFTEST`` is conftest source text."""

ACME_CONFTEST = '''
import pytest_paassec as paassec

class Acme(paassec.Platform):
    name = "acme"
    title = "Acme PaaS"
    file_rules = (paassec.FileRule(r"acme\\.json", "json", rank=85),)
    def detect(self, document):
        return isinstance(document.data, dict)
    def resources(self, document):
        return [self.resource(document, "app", document.data.get("name"), document.data)]

@paassec.control(id="ACME-TLS-001", title="TLS on", severity="high", category="encryption", platforms=["acme"])
def tls_on(app):
    if app.get("tls") != "on":
        yield paassec.violation(["tls"], app.get("tls"), "on")

def pytest_paassec_platforms(config):
    return [Acme()]

def pytest_paassec_controls(config):
    return [tls_on]
'''

# A format of its own, claimed by name and parsed by the conftest.
ACME_FORMAT_HOOKS = '''
def pytest_paassec_candidate(file_path, config):
    if file_path.name.endswith(".acme"):
        return paassec.Candidate(format="acme", platforms=("acme",), by_name=True)

def pytest_paassec_parse(relpath, format, text):
    if format == "acme":
        if "!" in text:
            raise paassec.ParseError(relpath, 2, "no bangs allowed")
        return [dict(line.split("=", 1) for line in text.splitlines() if "=" in line)]
'''

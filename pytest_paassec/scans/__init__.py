"""Reports of other scanners (Trivy, Grype, pip-audit, OSV-Scanner, npm
audit, any SARIF) read into one model, so their findings become items under
the same severity gate, waivers and reports as the baseline controls."""

"""Governance: findings and their fingerprints, the session's "today",
waivers and known findings.  Plain Python (no pytest): the plugin, the
security diff and the history database share these pieces."""

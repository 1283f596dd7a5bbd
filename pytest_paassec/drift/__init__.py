"""Drift: live state compared with what the repository declares."""

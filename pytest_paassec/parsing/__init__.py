"""Parsing: deployment files read once into documents that can say where a field is (no pytest)."""

"""Outputs beyond pytest's own: failure text and the terminal summary."""

"""A demonstration control pack: one baseline file and one Python control."""

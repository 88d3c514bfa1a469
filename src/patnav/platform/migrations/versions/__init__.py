"""Numbered revisions of the platform schema."""

"""Analyses: pure functions over the store returning typed, frozen results."""

"""Scorers and models over the store (value, pre-valuation, capability)."""

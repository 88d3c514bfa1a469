"""Scorers: patent value, enterprise capability, high-value patents per region."""

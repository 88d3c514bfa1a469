"""The channels an alert travels by: the in-app inbox, e-mail, webhooks (one module
each)."""

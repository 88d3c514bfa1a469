"""The web app's routers, one per area: pages (server-rendered) and ``api`` (REST JSON)."""

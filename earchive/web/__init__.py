"""The web wing: the FastAPI application (``app.create_app``), its dependencies, authentication,
login limits, security headers, problem responses (the one HTTP translation of errors), the
server-rendered UI (templates, i18n, facets), API schemas and routes.
"""

__all__ = [
    "app",
    "authentication",
    "deps",
    "facets",
    "i18n",
    "login_guard",
    "login_limit",
    "problems",
    "routes",
    "schemas",
    "security_headers",
    "ui",
]

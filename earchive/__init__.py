"""earchive, the application: the composition root that wires the domain packages (standards,
package, preservation, search, ingest, transfer) into a service, a REST API, a web UI and a
command line.

It is built in wings, lowest first; a wing imports only the wings below it (tests/layering.py):
``settings`` ← ``core`` ← ``auth`` ← ``services`` ← ``jobs`` ← ``access`` ← ``web`` ← ``cli``.
Each wing's ``__all__`` names its modules (the rooms); callers import the module they need, so
a command loads only what it uses.
"""

__all__ = [
    "__main__",
    "access",
    "auth",
    "cli",
    "core",
    "jobs",
    "services",
    "settings",
    "web",
]

"""The services wing: one module or folder per capability (transfer, objections, checks, audit,
maintenance, exports, applicants, reminders, quarantine, package verification). Services take an
``Archive`` and values, return values, and know no HTTP or command-line types.
"""

__all__ = [
    "applicants",
    "audit",
    "checks",
    "exports",
    "maintenance",
    "objections",
    "package_verify",
    "quarantine",
    "reminders",
    "transfer",
]

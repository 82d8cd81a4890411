"""The access wing: what one principal may do — ``Access`` (read, search, download, upload under
the principal's permissions, fonds, clearance and masking), operations, administration,
objections and the release of files with personal data. Every use is logged.
"""

__all__ = [
    "access",
    "administration",
    "file_release",
    "objections",
    "operations",
]

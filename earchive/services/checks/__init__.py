"""The 四性 checks as services: a run on a stored archive (``service``), the archive-wide summary,
the seal badges of the case page and the demo's check pass.
"""

__all__ = [
    "demo",
    "seal_status",
    "service",
    "summaries",
]

"""Objection marking (异议标注) as services: entering and deciding (``service``), the tracking
table (``store``) and its restore from the signed annotations (``restore``).
"""

__all__ = [
    "restore",
    "service",
    "store",
]

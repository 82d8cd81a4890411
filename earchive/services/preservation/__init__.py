"""Preservation planning: preservation copies and OCR of stored archives as the format policy
says (``service``), per-fonds switches (``options``), format migration (``migrate``) and access
renditions (``renditions``)."""

__all__ = ["migrate", "options", "renditions", "service"]

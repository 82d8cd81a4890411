"""Pydantic models of the API's requests and answers (the edge only; the domain keeps frozen
dataclasses).
"""

__all__ = [
    "api",
    "applicants",
    "objections",
]

"""The jobs wing: long-running work off the request — the API's job board and its records, the
task interface (in-process or Celery workers) and the Celery application.
"""

__all__ = [
    "board",
    "celery_app",
    "records",
    "tasks",
]

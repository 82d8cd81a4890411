"""The HTTP routes: ``api_*`` modules answer JSON under ``/api``, ``ui_*`` modules render pages."""

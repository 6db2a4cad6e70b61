"""Runnable example apps for realmid (``python -m examples.fastapi_app``)."""

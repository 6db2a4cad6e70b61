"""Runnable example apps for realmid: ``python -m examples.<name>`` from the repo root.

``fastapi_app``, ``starlette_app``, ``flask_app`` and ``django_app`` (the integrations),
``bff_proxy`` (``realm.request``) and
``multi_pod`` (revocation shared through Redis); README.md lists them.
"""

"""Runnable example apps for realmid: ``python -m examples.<name>`` from the repo root.

``fastapi_app`` and ``flask_app`` (the middleware), ``bff_proxy`` (``realm.request``) and
``multi_pod`` (revocation shared through Redis); README.md lists them.
"""

"""Generator for the ``realmid_api`` client package; run it with ``python -m generator``."""

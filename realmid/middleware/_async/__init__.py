"""The middleware's async source. ``python -m generator`` derives ``realmid/middleware/_sync``."""

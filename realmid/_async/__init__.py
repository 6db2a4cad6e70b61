"""The async sources. ``python -m generator`` derives ``realmid/_sync`` from them."""

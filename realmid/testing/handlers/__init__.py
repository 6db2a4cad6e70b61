"""HTTP handlers, one module per area of the contract (see :mod:`.table` for the full set)."""

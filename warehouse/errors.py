"""Errors a user can act on, each with a one-line message naming the file."""


class WarehouseError(RuntimeError):
    """The warehouse file cannot be opened or written (path, permissions, not DuckDB, busy)."""

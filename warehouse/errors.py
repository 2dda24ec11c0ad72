"""Errors a user can act on, each with a one-line message naming the file."""


class WarehouseError(RuntimeError):
    """The warehouse file cannot be opened or written (path, permissions, not DuckDB, busy)."""


def interrupted(error: BaseException) -> bool:
    """Whether an error is, or was caused by, an interrupt (Ctrl-C, or SIGTERM turned into
    one). DuckDB swallows the KeyboardInterrupt of a signal that lands during a query and
    raises `RuntimeError('Query interrupted')` instead, and a clean-up step that then fails
    on the aborted transaction hides even that behind its own error."""
    import duckdb

    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, (KeyboardInterrupt, duckdb.InterruptException)):
            return True
        if isinstance(current, RuntimeError) and str(current) == "Query interrupted":
            return True
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return False

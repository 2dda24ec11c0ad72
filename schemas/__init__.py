"""pandera models, one per warehouse table: the column docs and the checks rows must pass."""

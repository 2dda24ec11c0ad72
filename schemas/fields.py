"""Field definitions shared by the staging and core models of the same columns."""

from __future__ import annotations

import pandera.polars as pa

ID_PATTERN = r"^[0-9a-f]{16}$"
SHA256_PATTERN = r"^[0-9a-f]{64}$"
EARLIEST_PUBLICATION = "1900-01-01"


def stable_id(what: str) -> object:
    return pa.Field(str_matches=ID_PATTERN, description=f"Stable id of the {what}: 16 hex chars of BLAKE2b over its match key.")


def sha256() -> object:
    return pa.Field(str_matches=SHA256_PATTERN, description="SHA-256 of the source file's bytes (hex).")

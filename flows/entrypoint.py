"""File entrypoint for `prefect deploy` (see prefect.yaml): imports the installed flow.

Prefect loads deployment entrypoints by file path; the flow modules use package-relative
imports, so this file re-exports the flow through its installed name instead.
"""

from profile_etl.flows.pipeline import profile_etl_flow

__all__ = ["profile_etl_flow"]

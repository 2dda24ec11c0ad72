"""How the writer lays data out on disk: what keeps per-batch commits cheap as it grows."""

from __future__ import annotations

import datetime as dt

import pytest

from profile_etl.flows.pipeline import profile_etl_flow
from profile_etl.generator import generate_pages
from profile_etl.warehouse.connection import WORK_ROW_GROUP_SIZE
from warehouse_kit import query

pytestmark = pytest.mark.usefixtures("prefect_harness")


def test_tables_are_written_in_small_row_groups(tmp_path):
    """Every commit rewrites a table's last, partly filled row group, so its size bounds
    the cost of a commit; with DuckDB's default (122,880 rows) commits slowed as the
    warehouse grew."""
    pages = tmp_path / "pages"
    pages.mkdir()
    for page in generate_pages(40, seed=3):
        (pages / page.file_name).write_text(page.text, encoding="utf-8")
    warehouse = tmp_path / "profiles.duckdb"
    profile_etl_flow(paths=[str(pages)], warehouse=str(warehouse), as_of=dt.date(2026, 6, 30), batch_size=5)

    groups = query(
        warehouse,
        """
        select row_group_id, sum(count) as n_rows
        from pragma_storage_info('staging.entry_authors')
        where column_id = 0 and segment_type <> 'VALIDITY'
        group by row_group_id
        """,
    )
    total = query(warehouse, "select count(*) as n from staging.entry_authors")["n"].item()
    assert total > 2 * WORK_ROW_GROUP_SIZE  # enough rows to need several row groups
    assert groups["n_rows"].sum() == total
    assert groups["n_rows"].max() <= WORK_ROW_GROUP_SIZE

"""warehouse/load.py functions that a flow test does not pin down on its own."""

from __future__ import annotations

import duckdb
import polars as pl
import pytest

from profile_etl.warehouse import load
from profile_etl.warehouse.connection import apply_migrations
from profile_etl.warehouse.errors import WarehouseError


@pytest.fixture
def con(tmp_path):
    connection = duckdb.connect(str(tmp_path / "w.duckdb"))
    apply_migrations(connection)
    connection.execute("set threads = 2")
    texts = pl.DataFrame({"file_sha256": [f"{i:064x}" for i in range(5)], "content": [f"page {i}" for i in range(5)],
                          "undecodable": [False, False, True, False, False]})
    connection.register("_texts", texts.to_arrow())
    connection.execute("insert into raw.documents by name select * from _texts")
    connection.unregister("_texts")
    yield connection
    connection.close()


def test_with_texts_keeps_the_rows_order_and_the_threads_setting(con):
    rows = pl.DataFrame({"file_sha256": [f"{i:064x}" for i in (3, 0, 2)], "as_of": [1, 2, 3]})
    out = load.with_texts(con, rows)
    assert out.select("as_of", "text", "undecodable").rows() == [(1, "page 3", False), (2, "page 0", False),
                                                                 (3, "page 2", True)]
    assert con.execute("select current_setting('threads')").fetchall() == [(2,)]


def test_with_texts_of_a_content_without_text_is_an_error(con):
    rows = pl.DataFrame({"file_sha256": [f"{1:064x}", f"{9:064x}"]})
    with pytest.raises(WarehouseError, match="lacks the text"):
        load.with_texts(con, rows)
    assert con.execute("select current_setting('threads')").fetchall() == [(2,)]


def test_an_interrupt_during_a_duckdb_query_is_recognised():
    """DuckDB turns the KeyboardInterrupt of a signal that lands during a query into
    `RuntimeError('Query interrupted')`; a clean-up that then fails on the aborted
    transaction hides it behind its own error. Both are interrupts."""
    import signal

    from profile_etl.warehouse.errors import interrupted

    def ctrl_c(_signum, _frame):
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGALRM, ctrl_c)
    con = duckdb.connect()
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        with pytest.raises(Exception) as raised:
            con.execute("select count(*) from range(20000000000) t(x) where x % 7 = 3").fetchall()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert interrupted(raised.value), repr(raised.value)
    try:
        try:
            raise raised.value
        except Exception:
            raise duckdb.TransactionException("Current transaction is aborted (please ROLLBACK)")
    except Exception as hiding:
        assert interrupted(hiding)
    assert not interrupted(RuntimeError("some other failure"))

"""A BI tool reading while scheduled runs write: no lock errors, only complete states."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from pagekit import SEED_AS_OF
from profile_etl.flows.pipeline import profile_etl_flow
from profile_etl.generator import generate_pages
from warehouse_kit import query

READER = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path
    import duckdb

    path, stop = Path(sys.argv[1]), Path(sys.argv[2])
    reads, errors, states = 0, [], set()
    while not stop.exists():
        try:
            con = duckdb.connect(str(path), read_only=True)
            try:
                running = con.execute("select count(*) from meta.runs where status = 'running'").fetchone()[0]
                papers = con.execute("select count(*) from core.papers").fetchone()[0]
                staged = con.execute("select count(distinct paper_id) from staging.entries").fetchone()[0]
                runs = con.execute("select count(*) from meta.runs").fetchone()[0]
            finally:
                con.close()
            reads += 1
            if running or papers != staged:
                errors.append(f"incomplete state: running={running} papers={papers} staged={staged}")
            states.add((runs, papers))
        except Exception as error:
            errors.append(f"{type(error).__name__}: {error}")
    print(json.dumps({"reads": reads, "errors": errors[:20], "n_errors": len(errors), "states": sorted(states)}))
    """
)


def _corpus(folder: Path, profiles: int, seed: int) -> Path:
    folder.mkdir(parents=True)
    for page in generate_pages(profiles, seed):
        (folder / page.file_name).write_text(page.text, encoding="utf-8", newline="")
    return folder


def test_reader_sees_only_complete_states_and_no_errors(tmp_path, prefect_harness, capsys):
    warehouse = tmp_path / "w.duckdb"
    corpora = [_corpus(tmp_path / f"c{i}", 40, seed=100 + i) for i in range(4)]
    profile_etl_flow(paths=[str(corpora[0])], warehouse=str(warehouse), as_of=SEED_AS_OF)
    stop = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, "-c", READER, str(warehouse), str(stop)], stdout=subprocess.PIPE, text=True)
    try:
        time.sleep(0.5)
        paper_counts = [query(warehouse, "select count(*) n from core.papers")["n"].item()]
        for corpus in corpora[1:]:
            profile_etl_flow(paths=[str(corpus)], warehouse=str(warehouse), as_of=SEED_AS_OF, batch_size=10)
            paper_counts.append(query(warehouse, "select count(*) n from core.papers")["n"].item())
        time.sleep(0.3)
    finally:
        stop.touch()
        out, _ = reader.communicate(timeout=60)
    report = json.loads(out)
    with capsys.disabled():
        print(f"\nconcurrent reader: {report['reads']} reads, {report['n_errors']} errors, "
              f"{len(report['states'])} distinct states over {len(corpora) - 1} runs")
    assert report["n_errors"] == 0, report["errors"]
    assert report["reads"] > 10
    seen_papers = {papers for _, papers in report["states"]}
    assert seen_papers <= set(paper_counts)
    assert len(report["states"]) >= 2  # it really read across runs

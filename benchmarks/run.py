"""End-to-end benchmark of the profile-etl pipeline on a synthetic corpus.

    python benchmarks/run.py [--profiles 1000] [--repeat 3] [--big 20000] [--out DIR]

What is measured, and how (the honest way we could find)
--------------------------------------------------------
Every measured run is its own fresh Python process (so caches, the Prefect API server and
memory peaks never carry over between runs). The parent waits for each child with
``os.wait4`` so it gets that child's own ``ru_maxrss`` (the peak resident memory of the
child, or of a descendant it waited for, whichever is larger): a per-run peak, not the
running maximum ``RUSAGE_CHILDREN`` would give.

A pipeline child imports ``profile_etl.flows.pipeline`` (after the CLI's quiet Prefect
defaults, ``prefect_env.configure()``) and then calls the real flow,
``profile_etl_flow(paths=[...], warehouse=..., as_of=...)``, three times in a row:

1. on an EMPTY directory into a throw-away warehouse  -> ``t_empty_cold``: the first flow of
   the process; it starts Prefect's embedded (ephemeral) API server and pays every
   per-run fixed cost (create + migrate a DuckDB file, analytics views, rebuild the
   (empty) core tables, checkpoint, copy-and-rename publication, artifact).
2. on an EMPTY directory again, into another throw-away warehouse -> ``t_empty_warm``:
   the same work with the server already up, i.e. the per-run fixed cost alone. The
   DuckDB part of it (``open_writer`` enter/exit + ``finish_run``) is timed separately
   by wrapping those functions in the child (no source file is changed).
3. on the corpus into a fresh warehouse -> ``t_run``.

Then: Prefect start-up = ``t_empty_cold - t_empty_warm``; fixed per-run cost =
``t_empty_warm``; the pipeline's *variable* cost is ``t_run - t_empty_warm`` and the
throughput figures (MB/s of raw page bytes, papers/s = entries loaded per second) use it.
So the figures exclude the fixed start-up, which is reported on its own lines together
with the plain ``python -c "import profile_etl.flows.pipeline"`` time (a subprocess, wall
clock, with the interpreter's own start-up reported next to it). For the user's view the
whole ``profile-etl run`` CLI subprocess is also timed (wall clock, everything included),
on the corpus and on the bundled sample: with the benchmark's warmed Prefect home, and in a
new, empty one (a machine's first run, when Prefect's database is created).

The incremental run is another child doing the same steps 1-2 and then re-running the
flow over the unchanged corpus into the warehouse the full run left behind; its time is
``t_run - t_empty_warm`` as well, and its ratio to the full run's variable time is printed.

The reference is the script a user would write by hand: for each file read the text,
split lines, match meta lines with a Python regex, collect (path, line, category, date,
title, authors, abstract) tuples and insert them with one bulk insert (the tuple list as
one Arrow table, ``insert into ... select``; ``executemany`` is orders of magnitude
slower in DuckDB and would flatter the pipeline) into one table of a DuckDB file, then
close it. It runs in its own child too; its time excludes interpreter start-up and
imports. ``pipeline/reference`` is the ratio of MB/s (> 1: the pipeline is faster).

``--repeat`` runs every measurement that many times and prints medians. ``--big N`` also
generates N profiles, runs the pipeline on them once and prints the peak RSS ratio
big/normal (target: <= 1.5x and < 2 GB). The corpus lives in ``--out`` (default
``$TMPDIR/profile-etl-bench``) and is reused when its manifest has the same count and
seed. Prefect's home is isolated in ``--out/prefect_home`` (its database is created by an
unmeasured warm-up run), so the benchmark never touches ``~/.prefect``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()
PYTHON = sys.executable
AS_OF = "2026-06-30"
MANIFEST = "manifest.json"


# ----------------------------------------------------------------------------- corpus


def ensure_corpus(out: Path, profiles: int, seed: int) -> tuple[Path, int]:
    """Generate `profiles` pages with the project's generator (reused when already there)."""
    corpus = out / f"corpus_{profiles}_seed{seed}"
    manifest = corpus / MANIFEST
    if manifest.is_file():
        meta = json.loads(manifest.read_text())
        if meta.get("profiles") == profiles and meta.get("seed") == seed:
            print(f"# corpus: reusing {corpus} ({meta['bytes'] / 1e6:.1f} MB)", flush=True)
            return corpus, meta["bytes"]
    from profile_etl.generator import generate_pages

    if corpus.exists():
        shutil.rmtree(corpus)
    pages = corpus / "pages"
    pages.mkdir(parents=True)
    start = time.perf_counter()
    total = 0
    for page in generate_pages(profiles, seed):
        data = page.text.encode("utf-8")
        (pages / page.file_name).write_bytes(data)
        total += len(data)
    manifest.write_text(json.dumps({"profiles": profiles, "seed": seed, "bytes": total}))
    print(f"# corpus: generated {profiles} pages, {total / 1e6:.1f} MB in {time.perf_counter() - start:.1f}s "
          f"-> {corpus}", flush=True)
    return corpus, total


# ----------------------------------------------------------------------------- children


def child_env(out: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PREFECT_HOME"] = str(out / "prefect_home")
    env.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    return env


def run_child(argv: list[str], env: dict[str, str], timeout: float = 3600) -> tuple[float, float, str]:
    """Run a child; return (wall seconds, peak RSS MB of this child and its waited-for
    descendants, stdout). Raises on failure."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read().decode(), err.read().decode()
    if proc.returncode != 0:
        raise RuntimeError(f"child {argv[1:4]} failed ({proc.returncode}):\n{stderr[-4000:]}")
    return wall, usage.ru_maxrss / 1024, stdout  # ru_maxrss is KiB on Linux


def _last_json(stdout: str) -> dict:
    for line in reversed(stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    raise RuntimeError(f"no result in child output:\n{stdout[-2000:]}")


def child_pipeline(args: argparse.Namespace) -> None:
    """Child: import, two empty flows (cold, warm), then the flow on the corpus."""
    t0 = time.perf_counter()
    from profile_etl import prefect_env

    prefect_env.configure(one_shot=True)  # as `profile-etl run` configures itself
    import profile_etl.flows.pipeline as fp
    from contextlib import contextmanager

    t_import = time.perf_counter() - t0

    duck = {"s": 0.0}
    real_open_writer, real_finish_run = fp.open_writer, fp.load.finish_run

    @contextmanager
    def timed_open_writer(*a, **k):
        s = time.perf_counter()
        with real_open_writer(*a, **k) as con:
            duck["s"] += time.perf_counter() - s
            try:
                yield con
            finally:
                s = time.perf_counter()
        duck["s"] += time.perf_counter() - s  # checkpoint, close, publish

    def timed_finish_run(*a, **k):
        s = time.perf_counter()
        try:
            return real_finish_run(*a, **k)
        finally:
            duck["s"] += time.perf_counter() - s

    fp.open_writer = timed_open_writer
    fp.load.finish_run = timed_finish_run

    work = Path(args.work)
    empty = work / "empty"
    empty.mkdir(parents=True, exist_ok=True)
    as_of = dt.date.fromisoformat(AS_OF)

    def flow(paths: Path, warehouse: Path) -> tuple[float, float, dict]:
        duck["s"] = 0.0
        s = time.perf_counter()
        with prefect_env.one_shot_run():  # as `profile-etl run` calls it: no heartbeats
            state = fp.profile_etl_flow(paths=[str(paths)], warehouse=str(warehouse), as_of=as_of,
                                        return_state=True)
        elapsed = time.perf_counter() - s
        if state.is_failed():
            raise RuntimeError(f"flow failed: {state.message}")
        return elapsed, duck["s"], state.result()

    cold, cold_duck, _ = flow(empty, work / "empty_cold.duckdb")
    warm, warm_duck, _ = flow(empty, work / "empty_warm.duckdb")
    result = {"t_import": t_import, "t_empty_cold": cold, "t_empty_warm": warm, "duck_empty_warm": warm_duck}
    if args.corpus:
        run, run_duck, summary = flow(Path(args.corpus), Path(args.warehouse))
        result |= {"t_run": run, "duck_run": run_duck, "summary": summary}
    import resource

    result["self_peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(result, default=str), flush=True)


META = re.compile(r"^(\d{1,3}(?:\.\d+)?)?([A-Z]{2,})((?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{1,2}(?:, \d{4})?)(Code)?$")
# Compact layout: the title glued to an author list that starts with a two-word name.
GLUED = re.compile(r"^(.*[a-z0-9)\]}?!.'\":])([A-Z][\w'.\-]* [A-Z][\w'.\- ]*(?:, [^,]+)*)$")


def child_reference(args: argparse.Namespace) -> None:
    """Child: the hand-written per-file parse into one flat DuckDB table."""
    import duckdb
    import pyarrow as pa

    start = time.perf_counter()
    rows: list[tuple] = []
    for path in sorted(Path(args.corpus).rglob("*.txt")):
        lines = path.read_text(encoding="utf-8-sig").splitlines()
        i, n = 0, len(lines)
        while i < n:
            m = META.match(lines[i].strip())
            if not m:
                i += 1
                continue
            body: list[str] = []
            j = i + 1
            while j < n and len(body) < 3 and not META.match(lines[j].strip()):
                if lines[j].strip():
                    body.append(lines[j].strip())
                j += 1
            if len(body) == 3:
                title, authors, abstract = body
            elif len(body) == 2:
                g = GLUED.match(body[0])
                title, authors = (g.group(1), g.group(2)) if g else (body[0], None)
                abstract = body[1]
            else:
                title = authors = abstract = None
            score = float(m.group(1)) if m.group(1) else None
            rows.append((str(path), i + 1, score, m.group(2), m.group(3), m.group(4) is not None,
                         title, authors, abstract))
            i = j
    parsed = time.perf_counter()
    names = ["path", "line_no", "score", "category", "date", "has_code", "title", "authors", "abstract"]
    batch = pa.Table.from_arrays([pa.array(col) for col in zip(*rows)], names=names)
    con = duckdb.connect(args.warehouse)
    con.execute("create table entries (path varchar, line_no integer, score double, category varchar, "
                "date varchar, has_code boolean, title varchar, authors varchar, abstract varchar)")
    con.execute("insert into entries select * from batch")
    con.close()
    elapsed = time.perf_counter() - start
    import resource

    print(json.dumps({"t_run": elapsed, "t_parse": parsed - start, "n_rows": len(rows),
                      "self_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}), flush=True)


# ----------------------------------------------------------------------------- measurements


def measure_import(env: dict[str, str]) -> dict:
    bare, _, _ = run_child([PYTHON, "-c", "pass"], env)
    full, rss, _ = run_child([PYTHON, "-c", "import profile_etl.flows.pipeline"], env)
    return {"python_start": bare, "import": full, "import_rss": rss}


def measure_pipeline(env, work: Path, corpus: Path | None, warehouse: Path | None) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    argv = [PYTHON, str(HERE), "--child", "pipeline", "--work", str(work)]
    if corpus:
        argv += ["--corpus", str(corpus), "--warehouse", str(warehouse)]
    wall, rss, stdout = run_child(argv, env)
    return _last_json(stdout) | {"wall": wall, "peak_mb": rss}


def _cli() -> list[str]:
    """The `profile-etl` command as installed beside this interpreter."""
    cli = Path(PYTHON).with_name("profile-etl")
    return [str(cli)] if cli.is_file() else [PYTHON, "-m", "profile_etl.cli"]


def measure_cli(env, corpus: Path, warehouse: Path) -> float:
    argv = [*_cli(), "run", str(corpus), "--warehouse", str(warehouse), "--as-of", AS_OF]
    wall, _, _ = run_child(argv, env)
    return wall


def measure_sample_cli(env: dict[str, str], work: Path, fresh: bool) -> float:
    """`profile-etl run` on the bundled sample, as a user types it. `fresh`: in a new,
    empty Prefect home, as on a machine's first run (Prefect's database is created first)."""
    if fresh:
        home = work / "fresh_prefect_home"
        shutil.rmtree(home, ignore_errors=True)
        env = env | {"PREFECT_HOME": str(home)}
    warehouse = work / f"sample_{'fresh' if fresh else 'warm'}.duckdb"
    warehouse.unlink(missing_ok=True)
    wall, _, _ = run_child([*_cli(), "run", "--warehouse", str(warehouse)], env)
    return wall


def measure_reference(env, corpus: Path, warehouse: Path) -> dict:
    warehouse.unlink(missing_ok=True)
    argv = [PYTHON, str(HERE), "--child", "reference", "--corpus", str(corpus), "--warehouse", str(warehouse)]
    wall, rss, stdout = run_child(argv, env)
    return _last_json(stdout) | {"wall": wall, "peak_mb": rss}


def med(values: list[float]) -> float:
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profiles", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--big", type=int, default=0, help="also measure peak RSS on N profiles")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--out", type=Path, default=Path(tempfile.gettempdir()) / "profile-etl-bench")
    parser.add_argument("--no-cli", action="store_true", help="skip timing the profile-etl CLI subprocesses")
    parser.add_argument("--child", choices=["pipeline", "reference"], help=argparse.SUPPRESS)
    parser.add_argument("--work", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    parser.add_argument("--warehouse", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child == "pipeline":
        return child_pipeline(args)
    if args.child == "reference":
        return child_reference(args)

    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    env = child_env(out)
    corpus, n_bytes = ensure_corpus(out, args.profiles, args.seed)
    runs = out / "runs"
    shutil.rmtree(runs, ignore_errors=True)
    runs.mkdir()

    print("# warm-up (unmeasured): creates the isolated Prefect database", flush=True)
    measure_pipeline(env, runs / "warmup", None, None)

    fig: dict[str, list[float]] = {}

    def add(key: str, value: float) -> None:
        fig.setdefault(key, []).append(value)

    summary = None
    for r in range(args.repeat):
        print(f"# repeat {r + 1}/{args.repeat}", flush=True)
        imp = measure_import(env)
        add("python_start", imp["python_start"])
        add("import", imp["import"])
        work = runs / f"r{r}"
        wh = work / "profiles.duckdb"
        full = measure_pipeline(env, work / "full", corpus, wh)
        summary = full["summary"]
        variable = full["t_run"] - full["t_empty_warm"]
        add("prefect_startup", full["t_empty_cold"] - full["t_empty_warm"])
        add("fixed_per_run", full["t_empty_warm"])
        add("fixed_duckdb", full["duck_empty_warm"])
        add("variable", variable)
        add("t_run", full["t_run"])
        add("duck_run", full["duck_run"])
        add("child_wall", full["wall"])
        add("peak_mb", full["peak_mb"])
        add("self_peak_mb", full["self_peak_mb"])
        add("mbps", n_bytes / 1e6 / variable)
        add("papers_s", summary["n_entries_loaded"] / variable)
        incr = measure_pipeline(env, work / "incr", corpus, wh)
        incr_variable = incr["t_run"] - incr["t_empty_warm"]
        add("incr", incr_variable)
        add("incr_ratio", incr_variable / variable)
        add("incr_peak_mb", incr["peak_mb"])
        assert incr["summary"]["n_files_skipped"] == summary["n_files_loaded"], incr["summary"]
        ref = measure_reference(env, corpus, work / "reference.duckdb")
        add("ref", ref["t_run"])
        add("ref_mbps", n_bytes / 1e6 / ref["t_run"])
        add("ref_peak_mb", ref["peak_mb"])
        add("ratio", (n_bytes / variable) / (n_bytes / ref["t_run"]))
        if not args.no_cli:
            add("cli", measure_cli(env, corpus, work / "cli.duckdb"))
            add("sample_warm", measure_sample_cli(env, work, fresh=False))
            add("sample_fresh", measure_sample_cli(env, work, fresh=True))
        shutil.rmtree(work, ignore_errors=True)

    n = args.repeat
    mb = n_bytes / 1e6
    print(f"\n== profile-etl benchmark: {args.profiles} profiles, {mb:.1f} MB, {summary['n_entries_loaded']} "
          f"entries loaded, {summary['n_records_quarantined']} quarantined; median of {n} ==")
    if med(fig["variable"]) < 1.0:
        print("WARNING: variable time < 1 s is within the noise of the subtracted fixed cost; "
              "use more --profiles for meaningful rates and ratios")
    print(f"pipeline throughput (excl. fixed start-up):  {med(fig['mbps']):8.2f} MB/s   "
          f"({med(fig['variable']):.2f} s variable)")
    print(f"pipeline papers/s (excl. fixed start-up):    {med(fig['papers_s']):8.0f} papers/s")
    print(f"fixed: interpreter start (python -c pass):   {med(fig['python_start']):8.2f} s")
    print(f"fixed: import profile_etl.flows.pipeline:    {med(fig['import']):8.2f} s   (subprocess wall, incl. interpreter)")
    print(f"fixed: Prefect ephemeral API start-up:       {med(fig['prefect_startup']):8.2f} s   "
          "(first empty flow - second empty flow)")
    print(f"fixed: per-run cost of an empty flow:        {med(fig['fixed_per_run']):8.2f} s   "
          f"(of which DuckDB open/migrate/rebuild/publish {med(fig['fixed_duckdb']):.2f} s)")
    print(f"peak RSS, full run (child process tree):     {med(fig['peak_mb']):8.0f} MB   "
          f"(pipeline process alone {med(fig['self_peak_mb']):.0f} MB)")
    print(f"incremental re-run, unchanged corpus:        {med(fig['incr']):8.2f} s   "
          f"= {med(fig['incr_ratio']):.2f}x the full run (excl. fixed start-up)")
    print(f"reference (hand-written parse + 1 insert):   {med(fig['ref_mbps']):8.2f} MB/s   "
          f"({med(fig['ref']):.2f} s, peak {med(fig['ref_peak_mb']):.0f} MB)")
    print(f"pipeline speed / reference speed:            {med(fig['ratio']):8.2f}")
    if not args.no_cli:
        print(f"profile-etl run CLI, wall incl. everything:  {med(fig['cli']):8.2f} s")
        print(f"profile-etl run, bundled sample:             {med(fig['sample_warm']):8.2f} s   "
              f"(first run on a machine, new Prefect home: {med(fig['sample_fresh']):.2f} s)")

    if args.big:
        big_corpus, big_bytes = ensure_corpus(out, args.big, args.seed)
        work = runs / "big"
        big = measure_pipeline(env, work, big_corpus, work / "profiles.duckdb")
        variable = big["t_run"] - big["t_empty_warm"]
        ratio = big["peak_mb"] / med(fig["peak_mb"])
        ok = "OK" if ratio <= 1.5 and big["peak_mb"] < 2048 else "OVER TARGET"
        print(f"big: {args.big} profiles ({big_bytes / 1e6:.0f} MB): {big_bytes / 1e6 / variable:.2f} MB/s, "
              f"peak RSS {big['peak_mb']:.0f} MB")
        print(f"big: peak RSS ratio {args.big} / {args.profiles} profiles: {ratio:8.2f}x   "
              f"(target <= 1.5x and < 2048 MB: {ok})")
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Side-by-side speed and accuracy of copydesk and the Python near-duplicate tools.

Measures, on the same machine and the same files:
  * wall seconds (reading the JSONL through to the clusters), MB/s of input,
    CPU seconds (user+sys, from the child's rusage, less disturbed by other load),
    peak RSS (ru_maxrss of the child process, its waited-for children included);
  * on a labelled file (a `cluster` field per record is the truth), pairwise
    precision / recall / F1 over unordered pairs, computed exactly as
    `copydesk eval neardup` does (src/eval/mod.rs `pair_scores`: an unlabelled
    or unclustered record is its own singleton group).

Every run is a separate subprocess (so rusage is that run's alone); each speed
measurement is repeated --repeat times (default 3) and the median wall is shown.

Install the peers (the versions measured in scripts/PEERS.md; all from PyPI). Each heavy
tool gets its own venv, since they pin different dependency sets:

    python3 -m venv /tmp/peers-venv
    /tmp/peers-venv/bin/pip install datasketch==2.0.0 rensa==0.5.0
    python3 -m venv /tmp/peers-venv-td
    /tmp/peers-venv-td/bin/pip install text-dedup==0.4.0      # pulls datasets, pyspark
    python3 -m venv /tmp/peers-venv-dt
    /tmp/peers-venv-dt/bin/pip install 'datatrove[processing,io]==0.10.1' spacy==3.8.18
    # (datatrove's MinHash stage needs regex and xxhash from [processing], and spaCy for
    #  its default English word tokenizer; no spaCy model is downloaded)

and build copydesk (`cargo build --release`). Then, from the repository root:

    target/release/copydesk bench --generate-only /tmp/peers-g20k.jsonl --articles 20000
    /tmp/peers-venv/bin/python scripts/peers.py --corpus /tmp/peers-g20k.jsonl \\
        --labelled ../shared/data/neardup/bbc-dev.jsonl.gz \\
        --python text-dedup=/tmp/peers-venv-td/bin/python \\
        --python datatrove=/tmp/peers-venv-dt/bin/python

Tools (--tools, comma-separated; default all of them):
  copydesk    the full `copydesk clean` pipeline (debris, quality, near-copy and
              story clustering), --threads 2; its near-copy clusters are scored.
  copydesk-lean  the same with debris stripping and story grouping off and min_quality 0
              (quality scoring still runs): closer to what the peers do.
  datasketch  MinHash(num_perm=128) + MinHashLSH, as its docs show.
  rensa       RMinHash (batch from_token_sets) + RMinHashLSH, candidates verified
              by estimated Jaccard >= threshold as its RMinHashDeduplicator does.
  text-dedup  its CLI `python -m text_dedup.minhash` (HF `datasets` loading, num_proc=2),
              clusters read from its --debug union-find dump.
  datatrove   MinhashDedupSignature/Buckets/Cluster with the LocalPipelineExecutor,
              2 tasks/workers (the corpus is split into 2 shards, timed).

Each peer runs at its default threshold and at a tuned one (--tuned, 0.5).
Shingles for datasketch and rensa: word 5-grams over the lowercased text split
on non-word characters (re `\\w+`), the way text-dedup tokenises; datatrove uses
its own default (word tokenizer, 5-grams).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

NUM_PERM = 128
NGRAM = 5
WORD = re.compile(r"\w+", re.UNICODE)

# Default configurations, as each tool documents them.
#   datasketch: MinHashLSH(threshold=0.9, num_perm=128) are the constructor defaults;
#               query() returns LSH candidates, not verified.
#   rensa:      no default threshold; its README benchmark runs 128 permutations,
#               threshold 0.8, 8 bands. Candidates are verified (deduplicator does).
#   datatrove:  MinhashConfig() defaults: 5-grams, 14 buckets x 8 hashes (112),
#               no explicit threshold (S-curve midpoint (1/14)^(1/8) ~ 0.72), no
#               verification of candidates.
#   text-dedup: `python -m text_dedup.minhash` defaults: 5-grams (lowercased, split on \W),
#               threshold 0.7 (bands from datasketch's optimal_param), sha1, min_length 5,
#               num_perm 250 -- set to 128 here like the others; no verification.
DEFAULT_THRESHOLD = {"datasketch": 0.9, "rensa": 0.8, "datatrove": None, "text-dedup": 0.7}


def bands_for(threshold: float) -> int:
    """LSH bands (of 128 slots) for rensa and the tuned datatrove runs: 8 at 0.8 as in rensa's
    README benchmark; otherwise the fewest power-of-two bands whose S-curve midpoint
    (1/b)^(1/r) lies at or below the threshold, so that candidates are not lost before the
    threshold (0.5 -> 32 bands of 4)."""
    if threshold == 0.8:
        return 8
    b = 2
    while b < NUM_PERM and (1 / b) ** (b / NUM_PERM) > threshold:
        b *= 2
    return b


# ---------------------------------------------------------------- common helpers


def open_text(path: str):
    if path.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, "r", encoding="utf-8")


def read_records(path: str):
    """(id, text) per non-empty JSONL line; ids as `copydesk eval` renders them."""
    out = []
    with open_text(path) as f:
        for line in f:
            if not line.strip():
                continue
            v = json.loads(line)
            out.append((label_str(v.get("id")), v.get("text") or ""))
    return out


def label_str(v) -> str:
    # serde_json's Value::to_string for non-strings (numbers, null) -- as eval/mod.rs.
    if isinstance(v, str):
        return v
    return json.dumps(v, separators=(",", ":"))


def shingles(text: str) -> list[str]:
    words = WORD.findall(text.lower())
    if len(words) < NGRAM:
        return [" ".join(words)] if words else []
    return list({" ".join(words[i : i + NGRAM]) for i in range(len(words) - NGRAM + 1)})


PHASES: dict = {}
_last = [0.0]


def phase(name: str) -> None:
    """Charge the CPU seconds (all threads) since the previous call to `name`."""
    now = time.process_time()
    PHASES[name] = PHASES.get(name, 0.0) + now - _last[0]
    _last[0] = now


class UnionFind:
    def __init__(self, n: int):
        self.parent = list(range(n))

    def find(self, x: int) -> int:
        p = self.parent
        while p[x] != x:
            p[x] = p[p[x]]
            x = p[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def assignment(ids, uf: UnionFind) -> dict:
    return {ids[i]: "c%d" % uf.find(i) for i in range(len(ids))}


def pair_scores(truth: list, predicted: list) -> dict:
    """Port of src/eval/mod.rs pair_scores: pairwise P/R/F1 and ARI."""
    assert len(truth) == len(predicted)
    joint, by_t, by_p = defaultdict(int), defaultdict(int), defaultdict(int)
    for t, p in zip(truth, predicted):
        joint[(t, p)] += 1
        by_t[t] += 1
        by_p[p] += 1
    pairs = lambda n: n * (n - 1) / 2  # noqa: E731
    correct = sum(pairs(n) for n in joint.values())
    true_pairs = sum(pairs(n) for n in by_t.values())
    pred_pairs = sum(pairs(n) for n in by_p.values())
    precision = 1.0 if pred_pairs == 0 else correct / pred_pairs
    recall = 1.0 if true_pairs == 0 else correct / true_pairs
    f1 = 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
    allp = pairs(len(truth))
    expected = 0.0 if allp == 0 else true_pairs * pred_pairs / allp
    max_index = (true_pairs + pred_pairs) / 2
    ari = 1.0 if abs(max_index - expected) < 2.2e-16 else (correct - expected) / (max_index - expected)
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "ari": ari,
        "true_pairs": int(true_pairs),
        "predicted_pairs": int(pred_pairs),
        "correct_pairs": int(correct),
    }


def score_file(labelled: str, assign: dict) -> dict:
    truth, predicted = [], []
    with open_text(labelled) as f:
        for line in f:
            if not line.strip():
                continue
            v = json.loads(line)
            rid = label_str(v.get("id"))
            truth.append(label_str(v.get("cluster")))
            predicted.append(assign.get(rid, "single:" + rid))
    return pair_scores(truth, predicted)


# ---------------------------------------------------------------- workers (one per subprocess)


def work_datasketch(corpus: str, threshold: float, verify: bool) -> dict:
    from datasketch import MinHash, MinHashLSH

    phase("import")
    recs = read_records(corpus)
    ids = [r[0] for r in recs]
    phase("read")
    mhs = []
    for _, text in recs:
        m = MinHash(num_perm=NUM_PERM)
        sh = [s.encode("utf8") for s in shingles(text)]
        phase("shingle")
        m.update_batch(sh)
        mhs.append(m)
        phase("minhash")
    lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
    with lsh.insertion_session() as session:
        for i, m in enumerate(mhs):
            session.insert(i, m)
    uf = UnionFind(len(ids))
    for i, m in enumerate(mhs):
        for j in lsh.query(m):
            if j != i and (not verify or m.jaccard(mhs[j]) >= threshold):
                uf.union(i, j)
    phase("lsh+clusters")
    return assignment(ids, uf)


def work_rensa(corpus: str, threshold: float, verify: bool) -> dict:
    from rensa import RMinHash, RMinHashLSH

    phase("import")
    recs = read_records(corpus)
    ids = [r[0] for r in recs]
    phase("read")
    sets = [shingles(t) for _, t in recs]
    phase("shingle")
    mhs = RMinHash.from_token_sets(sets, NUM_PERM, 42)
    del sets
    phase("minhash")
    bands = bands_for(threshold)
    lsh = RMinHashLSH(threshold, NUM_PERM, bands)
    lsh.insert_many(mhs)
    uf = UnionFind(len(ids))
    for i, cands in enumerate(lsh.query_all(mhs)):
        m = mhs[i]
        for j in cands:
            if j != i and (not verify or m.jaccard(mhs[j]) >= threshold):
                uf.union(i, j)
    phase("lsh+clusters")
    return assignment(ids, uf)


def work_datatrove(corpus: str, threshold, verify: bool, workers: int) -> dict:
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.dedup import MinhashDedupSignature
    from datatrove.pipeline.dedup.minhash import (
        MinhashConfig,
        MinhashDedupBuckets,
        MinhashDedupCluster,
    )
    from datatrove.pipeline.readers import JsonlReader

    if threshold is None:
        config = MinhashConfig()  # documented defaults: 5-grams, 14 x 8
    else:
        # 128 hashes, bands chosen like rensa's for the same threshold
        b = bands_for(threshold)
        config = MinhashConfig(num_buckets=b, hashes_per_bucket=NUM_PERM // b)
    tmp = Path(tempfile.mkdtemp(prefix="peers-dt-", dir="/tmp"))
    try:
        # datatrove parallelises stage 1 by input file (one task per file): split the corpus
        # into `workers` contiguous shards first (timed with the rest) so both cores work.
        # start_method="fork" (a documented LocalPipelineExecutor option; its default is
        # "forkserver"): the pool's processes are then this process's children and their CPU
        # seconds reach our rusage; under forkserver they were not counted at all.
        shard_ids = []
        (tmp / "in").mkdir()
        with open_text(corpus) as f:
            lines = [ln for ln in f if ln.strip()]
        per = -(-len(lines) // workers)
        for k in range(workers):
            part = lines[k * per : (k + 1) * per]
            with open(tmp / "in" / ("%05d.jsonl" % k), "w", encoding="utf-8") as out:
                out.writelines(ln if ln.endswith("\n") else ln + "\n" for ln in part)
            shard_ids.append([label_str(json.loads(ln).get("id")) for ln in part])
        del lines
        sig, bkt, clu = str(tmp / "sig"), str(tmp / "buckets"), str(tmp / "clusters")
        LocalPipelineExecutor(
            pipeline=[
                JsonlReader(str(tmp / "in"), glob_pattern="*.jsonl", id_key="id", text_key="text"),
                MinhashDedupSignature(output_folder=sig, config=config),
            ],
            tasks=workers, workers=workers, start_method="fork", logging_dir=str(tmp / "log1"),
        ).run()
        LocalPipelineExecutor(
            pipeline=[MinhashDedupBuckets(input_folder=sig, output_folder=bkt, config=config)],
            tasks=config.num_buckets, workers=workers, start_method="fork", logging_dir=str(tmp / "log2"),
        ).run()
        LocalPipelineExecutor(
            pipeline=[MinhashDedupCluster(input_folder=bkt, output_folder=clu, config=config,
                                          save_cluster_id=True)],
            tasks=1, workers=1, start_method="fork", logging_dir=str(tmp / "log3"),
        ).run()
        return datatrove_assignment(shard_ids, clu)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def datatrove_assignment(shard_ids: list, clu: str) -> dict:
    """Map datatrove's (task, document index) pairs back to ids via its .clusters files."""
    import struct

    assign = {}
    for f in sorted(Path(clu).glob("*.clusters")):
        ids = shard_ids[int(f.stem)]
        data = f.read_bytes()
        for k in range(0, len(data), 8):
            doc, cid = struct.unpack("<II", data[k : k + 8])
            assign[ids[doc]] = "dt%d" % cid
    return assign


def work_textdedup(corpus: str, threshold: float, workers: int) -> dict:
    """text-dedup's documented CLI (python -m text_dedup.minhash), clusters from its --debug
    union-find dump (uf.pkl, keyed by --idx_column). Loading goes through `datasets` (JSON to
    Arrow), so that conversion is timed too; a fresh cache directory per run."""
    import pickle

    tmp = Path(tempfile.mkdtemp(prefix="peers-td-", dir="/tmp"))
    try:
        subprocess.run(
            [sys.executable, "-m", "text_dedup.minhash", "--path", "json", "--data_files",
             os.path.abspath(corpus), "--split", "train", "--cache_dir", str(tmp / "cache"),
             "--output", str(tmp / "out"), "--column", "text", "--idx_column", "id",
             "--num_perm", str(NUM_PERM), "--threshold", str(threshold),
             "--num_proc", str(workers), "--debug"],
            check=True, stdout=subprocess.DEVNULL, env=dict(os.environ, HF_DATASETS_OFFLINE="1"),
            stderr=None if os.environ.get("PEERS_VERBOSE") else subprocess.DEVNULL,
        )
        with open(tmp / "out" / "uf.pkl", "rb") as f:
            uf = pickle.load(f)
        return {label_str(k): "td" + label_str(uf.find(k)) for k in list(uf.parent)}
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# copydesk-lean: the stages the peers do not have switched off (debris stripping, same-story
# grouping; no record dropped for quality). Quality scoring itself cannot be switched off.
LEAN_CONFIG = """[debris]
enabled = false

[quality]
min_quality = 0.0

[story]
enabled = false
"""


def work_copydesk(corpus: str, binary: str, threads: int, lean: bool = False) -> dict:
    root = Path(tempfile.mkdtemp(prefix="peers-cd-", dir="/tmp"))
    try:
        out = root / "out"
        cmd = [binary, "clean", corpus, "--output", str(out), "-q", "--threads", str(threads)]
        if lean:
            (root / "lean.toml").write_text(LEAN_CONFIG, encoding="utf-8")
            cmd += ["--config", str(root / "lean.toml")]
        subprocess.run(cmd, check=True)
        assign = {}
        with open(out / "clusters.jsonl", encoding="utf-8") as f:
            for line in f:
                v = json.loads(line)
                if v.get("level") == "story":
                    continue
                for m in v.get("members") or []:
                    if isinstance(m, str):
                        assign[m] = str(v.get("cluster"))
        return assign
    finally:
        shutil.rmtree(root, ignore_errors=True)


def worker_main(a) -> None:
    t0 = time.perf_counter()
    thr = None if a.threshold in (None, "default") else float(a.threshold)
    if a.tool == "datasketch":
        assign = work_datasketch(a.corpus, thr, a.verify)
    elif a.tool == "rensa":
        assign = work_rensa(a.corpus, thr, a.verify)
    elif a.tool == "datatrove":
        assign = work_datatrove(a.corpus, thr, a.verify, a.workers)
    elif a.tool == "text-dedup":
        assign = work_textdedup(a.corpus, thr, a.workers)
    elif a.tool in ("copydesk", "copydesk-lean"):
        assign = work_copydesk(a.corpus, a.copydesk, a.workers, lean=a.tool == "copydesk-lean")
    else:
        raise SystemExit("unknown tool " + a.tool)
    inner = time.perf_counter() - t0
    with open(a.out, "w", encoding="utf-8") as f:
        json.dump({"inner_seconds": inner, "phases_cpu": PHASES, "assign": assign}, f)


# ---------------------------------------------------------------- parent: runs and tables


def tool_version(tool: str, python: str, copydesk: str) -> str:
    if tool == "text-dedup":
        tool = "text_dedup"
    if tool.startswith("copydesk"):
        r = subprocess.run([copydesk, "--version"], capture_output=True, text=True)
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        return (r.stdout.strip().split()[-1] if r.stdout else "?") + "@" + rev.stdout.strip()
    code = "import importlib.metadata as m; print(m.version(%r))" % tool
    r = subprocess.run([python, "-c", code], capture_output=True, text=True)
    return r.stdout.strip() or "not installed"


def run_once(py: str, tool: str, threshold, corpus: str, a) -> dict:
    fd, out = tempfile.mkstemp(prefix="peers-run-", suffix=".json", dir="/tmp")
    os.close(fd)
    cmd = [py, os.path.abspath(__file__), "--_worker", tool, "--corpus", corpus, "--out", out,
           "--threshold", "default" if threshold is None else str(threshold),
           "--workers", str(a.workers), "--copydesk", a.copydesk]
    if a.verify is not None:
        cmd += ["--verify"] if a.verify else []
    elif tool == "rensa":
        cmd += ["--verify"]
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd)
    _, status, ru = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        os.unlink(out)
        return {"error": "exit %d" % proc.returncode, "wall": wall}
    with open(out, encoding="utf-8") as f:
        res = json.load(f)
    os.unlink(out)
    return {
        "wall": wall,
        "inner": res["inner_seconds"],
        "cpu": ru.ru_utime + ru.ru_stime,
        "user": ru.ru_utime,
        "sys": ru.ru_stime,
        "maxrss_mb": ru.ru_maxrss / 1024,
        "phases_cpu": res.get("phases_cpu") or {},
        "assign": res["assign"],
    }


def configs(tool: str, tuned: float):
    if tool.startswith("copydesk"):
        return [("default", None)]
    d = DEFAULT_THRESHOLD[tool]
    out = [("default", d)]
    if tuned != d:
        out.append(("tuned", tuned))
    return out


def describe(tool: str, threshold, a) -> str:
    if tool == "copydesk":
        return "clean, full pipeline, --threads %d" % a.workers
    if tool == "copydesk-lean":
        return "clean, debris and story off, min_quality 0, --threads %d" % a.workers
    if tool == "datatrove":
        if threshold is None:
            return "MinhashConfig() 5-gram, 14x8=112 hashes, workers=%d" % a.workers
        b = bands_for(threshold)
        return "5-gram, %dx%d=128 hashes, workers=%d" % (b, NUM_PERM // b, a.workers)
    if tool == "text-dedup":
        from_ds = {0.7: "14x9", 0.6: "18x7", 0.5: "25x5", 0.4: "32x4", 0.3: "37x3"}.get(threshold, "auto")
        return "5-gram, 128 perm, bands %s, num_proc=%d" % (from_ds, a.workers)
    verify = a.verify if a.verify is not None else tool == "rensa"
    if tool == "rensa":
        b = bands_for(threshold)
        return "w5-gram, 128 perm, %d bands%s" % (b, ", verified" if verify else "")
    from_ds = {0.9: "5x25", 0.8: "9x13", 0.7: "14x9", 0.6: "18x7", 0.5: "25x5",
               0.4: "32x4", 0.3: "37x3"}.get(threshold, "auto")
    return "w5-gram, 128 perm, bands %s%s" % (from_ds, ", verified" if verify else "")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--corpus", help="speed corpus (JSONL or JSONL.gz)")
    p.add_argument("--labelled", help="labelled JSONL(.gz) with a `cluster` field")
    p.add_argument("--tools", default="copydesk,datasketch,rensa,text-dedup,datatrove")
    p.add_argument("--tuned", type=float, default=0.5, help="the tuned threshold (0.5)")
    p.add_argument("--repeat", type=int, default=3)
    p.add_argument("--workers", type=int, default=2,
                   help="processes (datatrove) / threads (copydesk); datasketch, rensa: 1")
    p.add_argument("--python", action="append", default=[],
                   help="TOOL=PYTHON: interpreter holding that tool (default: this one)")
    p.add_argument("--copydesk", default="target/release/copydesk")
    p.add_argument("--verify", action=argparse.BooleanOptionalAction, default=None,
                   help="verify LSH candidates by estimated Jaccard (default: rensa yes, others no)")
    p.add_argument("--json", action="store_true", help="print the results as JSON")
    p.add_argument("--render", nargs="+", metavar="JSON",
                   help="print one table from the --json outputs of earlier runs (no run)")
    p.add_argument("--_worker", help=argparse.SUPPRESS)
    p.add_argument("--threshold", help=argparse.SUPPRESS)
    p.add_argument("--out", help=argparse.SUPPRESS)
    a = p.parse_args()
    a.copydesk = os.path.abspath(a.copydesk)
    if a.render:
        docs = [json.load(open(f, encoding="utf-8")) for f in a.render]
        return render(docs[0]["header"], [r for d in docs for r in d["rows"]])
    if a._worker:
        a.tool = a._worker
        a.verify = bool(a.verify)
        return worker_main(a)
    if not a.corpus and not a.labelled:
        p.error("give --corpus and/or --labelled")
    pythons = dict(x.split("=", 1) for x in a.python)
    tools = [t.strip() for t in a.tools.split(",") if t.strip()]
    size = os.path.getsize(a.corpus) if a.corpus else 0
    header = {
        "machine": "%s, %d cores, %s, Python %s" % (platform.machine(), os.cpu_count(),
                                                     platform.platform(), platform.python_version()),
        "load_at_start": os.getloadavg(),
        "corpus": a.corpus,
        "corpus_bytes": size,
        "labelled": a.labelled,
        "repeat": a.repeat,
    }
    rows = []
    for tool in tools:
        py = pythons.get(tool, sys.executable)
        version = tool_version(tool, py, a.copydesk)
        for name, thr in configs(tool, a.tuned):
            row = {"tool": tool, "version": version, "config": describe(tool, thr, a),
                   "threshold": "default" if thr is None else thr, "which": name}
            print("# %s %s threshold=%s ..." % (tool, version, row["threshold"]), file=sys.stderr)
            if a.corpus:
                runs = []
                for _ in range(a.repeat):
                    r = run_once(py, tool, thr, a.corpus, a)
                    if "error" in r:
                        row["error"] = r["error"]
                        break
                    r.pop("assign")
                    runs.append(r)
                    print("#   wall %.2fs cpu %.2fs rss %.0f MB" % (r["wall"], r["cpu"], r["maxrss_mb"]),
                          file=sys.stderr)
                if runs:
                    row["runs"] = runs
                    row["wall_median"] = statistics.median(r["wall"] for r in runs)
                    row["cpu_median"] = statistics.median(r["cpu"] for r in runs)
                    row["mb_per_s"] = size / 1e6 / row["wall_median"]
                    row["maxrss_mb"] = max(r["maxrss_mb"] for r in runs)
            if a.labelled and "error" not in row:
                r = run_once(py, tool, thr, a.labelled, a)
                if "error" in r:
                    row["error"] = "labelled: " + r["error"]
                else:
                    row["labelled_wall"] = r["wall"]
                    row["scores"] = score_file(a.labelled, r.pop("assign"))
            rows.append(row)
    if a.json:
        print(json.dumps({"header": header, "rows": rows}, indent=2))
        return
    render(header, rows)


def render(header: dict, rows: list) -> None:
    """The Markdown table (and CPU by phase) of one or more runs' results."""
    print("machine: %s; load average at start %s" % (header["machine"], header["load_at_start"]))
    if header.get("corpus"):
        print("corpus: %s (%.1f MB); wall: median of %s runs"
              % (header["corpus"], header["corpus_bytes"] / 1e6, header["repeat"]))
    if header.get("labelled"):
        print("P/R/F1: pairwise, on %s" % header["labelled"])
    print()
    print("| tool | version | config | threshold | wall s (median) | CPU s | MB/s | MB/CPU-s "
          "| peak RSS MB | runs | P | R | F1 |")
    print("|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        s = r.get("scores")
        cells = [r["tool"], r["version"], r["config"], str(r["threshold"])]
        if "wall_median" in r:
            mb = r["mb_per_s"] * r["wall_median"]
            cells += ["%.2f" % r["wall_median"], "%.2f" % r["cpu_median"], "%.2f" % r["mb_per_s"],
                      "%.2f" % (mb / r["cpu_median"]), "%.0f" % r["maxrss_mb"], str(len(r["runs"]))]
        else:
            cells += ["-"] * 6
        cells += ["%.3f" % s[k] for k in ("precision", "recall", "f1")] if s else ["-"] * 3
        if "error" in r:
            cells[-1] += " (error: %s)" % r["error"]
        print("| " + " | ".join(cells) + " |")
    phased = [r for r in rows if r.get("runs") and r["runs"][0].get("phases_cpu")]
    if phased:
        print("\nCPU seconds by phase (first run; `import` includes interpreter start-up):")
        for r in phased:
            ph = r["runs"][0]["phases_cpu"]
            print("  %s %s: %s" % (r["tool"], r["threshold"],
                                   ", ".join("%s %.2f" % kv for kv in ph.items())))


if __name__ == "__main__":
    main()

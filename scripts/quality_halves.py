#!/usr/bin/env python3
"""Quality figures on two halves of each development set, to check that a tuned threshold
holds on data it was not looked at with.

Usage (from the repository root, after `cargo build --release --example quality_timing`):

    python3 scripts/quality_halves.py GARBLE.jsonl.gz MT-DOCS.jsonl.gz

Scores every document with `quality::score` (through the `quality_timing` example and its
QUALITY_DUMP output), splits garble-dev by a hash of `id` and wmt21 by a hash of `chunk` (so a
chunk's human and machine translations stay together), and prints per half: garble ROC AUC
(clean positive), Spearman(quality, intensity) over garbled documents, and the mean over
language pairs of the pairwise accuracy (human translation above the machine translations of
the same chunk).
"""
import gzip
import hashlib
import json
import math
import os
import subprocess
import sys
import tempfile
from collections import defaultdict

EXAMPLE = os.path.join(os.environ.get("CARGO_TARGET_DIR", "target"), "release", "examples", "quality_timing")


def scores(path):
    with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as f:
        dump = f.name
    env = dict(os.environ, QUALITY_DUMP=dump)
    subprocess.run([EXAMPLE, path], check=True, env=env, stdout=subprocess.DEVNULL)
    with open(dump) as f:
        out = [json.loads(l)["score"] for l in f]
    os.unlink(dump)
    return out


def records(path):
    with gzip.open(path, "rt") as f:
        return [json.loads(l) for l in f if l.strip()]


def half(key):
    return int(hashlib.md5(key.encode()).hexdigest(), 16) % 2


def auc(pos, neg):
    wins = 0.0
    for p in pos:
        for n in neg:
            wins += 1.0 if p > n else 0.5 if p == n else 0.0
    return wins / (len(pos) * len(neg))


def ranks(v):
    order = sorted(range(len(v)), key=lambda i: v[i])
    r = [0.0] * len(v)
    i = 0
    while i < len(v):
        j = i
        while j + 1 < len(v) and v[order[j + 1]] == v[order[i]]:
            j += 1
        for k in range(i, j + 1):
            r[order[k]] = (i + j) / 2
        i = j + 1
    return r


def spearman(a, b):
    ra, rb = ranks(a), ranks(b)
    ma, mb = sum(ra) / len(ra), sum(rb) / len(rb)
    cov = sum((x - ma) * (y - mb) for x, y in zip(ra, rb))
    va = sum((x - ma) ** 2 for x in ra)
    vb = sum((y - mb) ** 2 for y in rb)
    return cov / math.sqrt(va * vb)


def garble(path):
    recs, qs = records(path), scores(path)
    for h in (0, 1):
        rows = [(q, r) for q, r in zip(qs, recs) if half(r["id"]) == h]
        clean = [q for q, r in rows if not r["garbled"]]
        bad = [(q, r["intensity"]) for q, r in rows if r["garbled"]]
        print(
            f"garble half {h}: {len(rows)} docs, AUC {auc(clean, [q for q, _ in bad]):.4f}, "
            f"Spearman(quality, intensity) {spearman([q for q, _ in bad], [i for _, i in bad]):.4f}"
        )


def mt(path):
    recs, qs = records(path), scores(path)
    for h in (0, 1):
        by_pair = defaultdict(lambda: defaultdict(lambda: ([], [])))
        for q, r in zip(qs, recs):
            if half(r["chunk"]) != h:
                continue
            slot = by_pair[r["lang_pair"]][r["chunk"]]
            if r["kind"] == "human_translation":
                slot[0].append(q)
            elif r["kind"] == "machine_translation":
                slot[1].append(q)
        accs = {}
        for pair, chunks in sorted(by_pair.items()):
            wins = n = 0
            for hs, ms in chunks.values():
                for x in hs:
                    for y in ms:
                        n += 1
                        wins += 1.0 if x > y else 0.5 if x == y else 0.0
            if n:
                accs[pair] = wins / n
        mean = sum(accs.values()) / len(accs)
        detail = ", ".join(f"{p} {a:.3f}" for p, a in accs.items())
        print(f"mt half {h}: mean pairwise {mean:.3f} ({detail})")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    garble(sys.argv[1])
    mt(sys.argv[2])

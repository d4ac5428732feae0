#!/usr/bin/env python3
"""Verify the copydesk samples against EXPECTED.json (independently of build_samples.py).

Reads every input file under samples/ (*.jsonl, *.jsonl.gz, *.txt), re-derives record and
malformed-line counts, and checks every claim in EXPECTED.json. Exit status 1 on any failure.

    python3 samples/check_samples.py
"""
import gzip
import itertools
import json
import os
import sys
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
FAILS = []


def check(ok, msg):
    print(("ok   " if ok else "FAIL ") + msg)
    if not ok:
        FAILS.append(msg)


# ------------------------------------------------------------------ loading
def load_all():
    records, malformed, blanks = {}, [], []
    dup_ids = []
    for root, _dirs, files in os.walk(HERE):
        for name in sorted(files):
            path = os.path.join(root, name)
            rel = os.path.relpath(path, HERE).replace(os.sep, "/")
            if name.endswith(".txt"):
                rid = rel[: -len(".txt")]
                with open(path, "rb") as f:
                    text = f.read().decode("utf-8")
                new = [(rid, {"id": rid, "text": text}, rel, 1)]
            elif name.endswith(".jsonl") or name.endswith(".jsonl.gz"):
                opener = gzip.open if name.endswith(".gz") else open
                with opener(path, "rb") as f:
                    raw_lines = f.read().split(b"\n")
                if raw_lines and raw_lines[-1] == b"":
                    raw_lines.pop()  # final newline
                new = []
                for ln, raw in enumerate(raw_lines, start=1):
                    if raw.strip() == b"":
                        blanks.append({"file": rel, "line": ln})
                        continue
                    try:
                        line = raw.decode("utf-8")
                    except UnicodeDecodeError:
                        malformed.append({"file": rel, "line": ln, "problem": "invalid_utf8"})
                        continue
                    try:
                        obj = json.loads(line)
                    except json.JSONDecodeError:
                        malformed.append({"file": rel, "line": ln, "problem": "invalid_json"})
                        continue
                    if not isinstance(obj, dict):
                        malformed.append({"file": rel, "line": ln, "problem": "invalid_json"})
                    elif "text" not in obj:
                        malformed.append({"file": rel, "line": ln, "problem": "missing_text"})
                    elif not isinstance(obj["text"], str):
                        malformed.append({"file": rel, "line": ln, "problem": "text_not_string"})
                    else:
                        new.append((obj["id"], obj, rel, ln))
            else:
                continue  # README.md, EXPECTED.json, *.py are not inputs
            for rid, obj, rel_, ln in new:
                if rid in records:
                    dup_ids.append(rid)
                records[rid] = dict(obj, _file=rel_, _line=ln)
    return records, malformed, blanks, dup_ids


# ------------------------------------------------------------------ text measures
def norm_exact(t):
    """NFKC, case-fold, drop punctuation, collapse whitespace."""
    t = unicodedata.normalize("NFKC", t).casefold()
    t = "".join(c for c in t if not unicodedata.category(c).startswith("P"))
    return " ".join(t.split())


def is_cjk(t):
    cjk = sum(1 for c in t if "\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff")
    return cjk > 0.3 * max(1, sum(1 for c in t if not c.isspace()))


def shingles(t, n=5):
    """Word 5-grams of lower-cased, punctuation-stripped text; character 5-grams for CJK text."""
    t = unicodedata.normalize("NFKC", t).casefold()
    t = "".join(" " if unicodedata.category(c)[0] in "PS" else c for c in t)
    if is_cjk(t):
        s = "".join(t.split())
        return {s[i:i + n] for i in range(len(s) - n + 1)}
    w = t.split()
    return {tuple(w[i:i + n]) for i in range(len(w) - n + 1)}


def jaccard(a, b):
    A, B = shingles(a), shingles(b)
    return len(A & B) / max(1, len(A | B))


def containment(a, b):
    """Share of the smaller document's shingles found in the other one."""
    A, B = shingles(a), shingles(b)
    return len(A & B) / max(1, min(len(A), len(B)))


# ------------------------------------------------------------------ checks
def main():
    with open(os.path.join(HERE, "EXPECTED.json"), encoding="utf-8") as f:
        E = json.load(f)
    recs, malformed, blanks, dup_ids = load_all()
    T = {k: v["text"] for k, v in recs.items()}

    print("== parsing")
    check(not dup_ids, f"record ids unique (duplicates: {dup_ids})")
    check(len(recs) == E["valid_record_count"],
          f"valid_record_count: parsed {len(recs)}, expected {E['valid_record_count']}")
    check(len(malformed) == E["invalid_line_count"],
          f"invalid_line_count: found {len(malformed)}, expected {E['invalid_line_count']}")
    key = lambda m: (m["file"], m["line"], m["problem"])
    check(sorted(map(key, malformed)) == sorted(map(key, E["malformed"])),
          f"malformed lines match exactly: {sorted(map(key, malformed))}")
    check(sorted((b["file"], b["line"]) for b in blanks) == sorted((b["file"], b["line"]) for b in E.get("blank_lines", [])),
          f"blank lines (skipped, not counted): {blanks}")
    with open(os.path.join(HERE, "feeds", "wire-2026-03.jsonl.gz"), "rb") as f:
        head = f.read(10)
    check(head[4:8] == b"\0\0\0\0", "gzip header mtime is 0 (byte-reproducible)")

    # every id mentioned in EXPECTED exists
    mentioned = set()
    for g in E["exact_groups"] + E["near_groups"] + E["not_copies"]:
        mentioned.update(g)
    for sg in E["story_groups"]:
        mentioned.update(sg["members"]); mentioned.update(sg["unrelated"]); mentioned.update([sg["best"], sg["worst"]])
    mentioned.update(E["languages"]); mentioned.update(E["garbled"]); mentioned.update(E["clean_reference"])
    mentioned.update(E["debris"]); mentioned.update(E["empty_or_debris_only"])
    mentioned.update(E.get("garble_evidence", {})); mentioned.update(E.get("passthrough_fields", {}))
    missing = sorted(mentioned - set(recs))
    check(not missing, f"all {len(mentioned)} ids named in EXPECTED.json exist (missing: {missing})")
    for rid, fields in E.get("passthrough_fields", {}).items():
        have = sorted(k for k in recs[rid] if k not in ("id", "text", "_file", "_line"))
        check(have == fields, f"passthrough fields of {rid}: {have}")

    print("== exact copies")
    for g in E["exact_groups"]:
        ns = {norm_exact(T[i]) for i in g}
        raw = {T[i] for i in g}
        check(len(ns) == 1, f"exact group {g}: identical after normalisation "
                            f"({len(raw)} distinct raw texts)")
    in_group = {i: n for n, g in enumerate(E["exact_groups"]) for i in g}
    by_norm = {}
    for rid, t in T.items():
        if norm_exact(t):
            by_norm.setdefault(norm_exact(t), []).append(rid)
    unlisted = [sorted(ids) for ids in by_norm.values()
                if len(ids) > 1 and len({in_group.get(i, i) for i in ids}) > 1]
    check(not unlisted, f"no unlisted exact duplicates among non-empty texts ({unlisted})")

    print("== near copies (word 5-gram; char 5-gram for CJK)")
    for g in E["near_groups"]:
        orig = g[0]
        for c in g[1:]:
            j, k = jaccard(T[orig], T[c]), containment(T[orig], T[c])
            check(max(j, k) >= 0.5 and norm_exact(T[orig]) != norm_exact(T[c]),
                  f"{c} ~ {orig}: jaccard {j:.3f}, containment {k:.3f}")

    print("== not copies")
    for g in E["not_copies"]:
        js = {(a, b): jaccard(T[a], T[b]) for a, b in itertools.combinations(g, 2)}
        mx = max(js.values())
        check(mx < 0.5, f"set of {len(g)} starting {g[0]}: max pairwise jaccard {mx:.3f} < 0.5")
    for g in E["not_copies"][:2]:  # the templated look-alikes
        js = [jaccard(T[a], T[b]) for a, b in itertools.combinations(g, 2)]
        check(min(js) > 0.15 and max(js) < 0.5,
              f"templated {g[0].split('-')[0]} set: pairwise jaccard {min(js):.3f}..{max(js):.3f} in (0.15, 0.5); "
              f"words {[len(T[i].split()) for i in g]} (>= 80)")
        check(all(len(T[i].split()) >= 80 for i in g), "templated items all >= 80 words")

    print("== story group")
    for sg in E["story_groups"]:
        m = sg["members"]
        for a, b in itertools.combinations(m, 2):
            j = jaccard(T[a], T[b])
            check(j < 0.01, f"{a} vs {b}: jaccard {j:.4f} < 0.01")
        for u in sg["unrelated"]:
            j = max(jaccard(T[u], T[x]) for x in m)
            check(j < 0.01, f"unrelated {u}: max jaccard to members {j:.4f}")
        facts = ["Mombasa", "240 million euros", "2031", "Kina", "Nordic", "Kenya"]
        for x in m:
            miss = [f for f in facts if f not in T[x]]
            check(not miss, f"{x} carries the shared facts (missing {miss}), {len(T[x].split())} words")

    print("== debris")
    for rid, d in E["debris"].items():
        lines = T[rid].split("\n")
        for kind in ("removed", "kept"):
            for l in d.get(kind, []):
                check(l in lines, f"{rid} {kind} line present verbatim: {l[:60]!r}")
        for kind in ("removed_spans", "kept_spans"):
            for s in d.get(kind, []):
                check(s in T[rid], f"{rid} {kind[:-1]} present: {s[:60]!r}")
        for l in d.get("collapse_repeated", []):
            check(lines.count(l) >= 2, f"{rid} repeated line occurs {lines.count(l)}x: {l[:60]!r}")
    for rid, pairs in E.get("garble_evidence", {}).items():
        for good, bad in pairs:
            check(good in T[rid] and bad in T[rid], f"{rid} has both {good!r} and mangled {bad!r}")

    print("== languages, empties, sizes")
    for rid, lang in E["languages"].items():
        t = T[rid]
        ok = {
            "zh": is_cjk(t) and not any("\u3040" <= c <= "\u30ff" for c in t) and " " not in t and len(t) >= 200,
            "ja": any("\u3040" <= c <= "\u30ff" for c in t),
            "ru": sum("\u0400" <= c <= "\u04ff" for c in t) > 0.5 * len(t.replace(" ", "")),
            "de": " und " in t and " die " in t,
            "fr": " les " in t and " la " in t,
            "es": " los " in t and " que " in t,
            "en": " the " in t and " and " in t,
        }[lang]
        check(ok, f"{rid} looks like {lang}")
    for rid in E["empty_or_debris_only"]:
        check(len(T[rid].split()) < 20, f"{rid} is empty or menu-only ({len(T[rid].split())} words)")
    arts = [k for k in T if k not in E["empty_or_debris_only"]]
    wc = sorted(len(T[k].split()) for k in arts if not is_cjk(T[k]))
    print(f"info {len(recs)} records, {len(arts)} articles; non-CJK word counts min {wc[0]}, median "
          f"{wc[len(wc) // 2]}, max {wc[-1]}; {sum(120 <= w <= 350 for w in wc)}/{len(wc)} in 120..350")

    print()
    print("ALL CHECKS PASSED" if not FAILS else f"{len(FAILS)} CHECK(S) FAILED")
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
"""Adds re-crawls or syndicated copies to a JSONL corpus, for the measurements in the README's
Performance section: after each record from the 51st on, with probability SHARE, a copy of a
random earlier record whose id gets `-recrawl-N` (or `-syndicated-N`).

A re-crawl is the same record again (same fields, same text and url). A syndicated copy is
the same article on another site: its url's host becomes `wire-N.example` (one of 20 sites)
and its text gets that site's share prompt above and "Read More" below, lines the debris stage
removes, so that the copy's cleaned text is the original's.

    python3 scripts/add_recrawls.py IN.jsonl OUT.jsonl [SHARE=0.25] [SEED=9] [--syndicated]
"""
import json
import random
import sys
from urllib.parse import urlsplit, urlunsplit


def syndicate(record, i, rng):
    """`record` republished on one of 20 other sites, with that site's debris lines around it."""
    site = f"wire-{rng.randrange(20)}.example"
    url = record.get("url")
    parts = urlsplit(url) if isinstance(url, str) else None
    path = parts.path if parts and parts.path else f"/story/{i}"
    record["url"] = urlunsplit(("https", site, path, "", ""))
    record["text"] = f"Share this article\n{record['text']}\nRead More"
    record["id"] = f"{record['id']}-syndicated-{i}"
    return record


def main():
    args = [a for a in sys.argv[1:] if a != "--syndicated"]
    syndicated = len(args) != len(sys.argv) - 1
    if len(args) not in (2, 3, 4):
        sys.exit(__doc__)
    share = float(args[2]) if len(args) > 2 else 0.25
    rng = random.Random(int(args[3]) if len(args) > 3 else 9)
    with open(args[0], encoding="utf-8") as f:
        lines = f.read().splitlines()
    out = []
    for i, line in enumerate(lines):
        out.append(line)
        if i >= 50 and rng.random() < share:
            record = json.loads(rng.choice(lines[:i]))
            if syndicated:
                record = syndicate(record, i, rng)
            else:
                record["id"] = f"{record['id']}-recrawl-{i}"
            out.append(json.dumps(record, ensure_ascii=False))
    with open(args[1], "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    kind = "syndicated copies" if syndicated else "re-crawls"
    print(f"{len(out)} records, {len(out) - len(lines)} {kind}")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Adds re-crawls to a JSONL corpus, for the re-crawl measurement in the README's Performance
section: after each record from the 51st on, with probability SHARE, a copy of a random earlier
record (same fields, same text and url) whose id gets `-recrawl-N`.

    python3 scripts/add_recrawls.py IN.jsonl OUT.jsonl [SHARE=0.25] [SEED=9]
"""
import json
import random
import sys


def main():
    if len(sys.argv) not in (3, 4, 5):
        sys.exit(__doc__)
    share = float(sys.argv[3]) if len(sys.argv) > 3 else 0.25
    rng = random.Random(int(sys.argv[4]) if len(sys.argv) > 4 else 9)
    with open(sys.argv[1], encoding="utf-8") as f:
        lines = f.read().splitlines()
    out = []
    for i, line in enumerate(lines):
        out.append(line)
        if i >= 50 and rng.random() < share:
            record = json.loads(rng.choice(lines[:i]))
            record["id"] = f"{record['id']}-recrawl-{i}"
            out.append(json.dumps(record, ensure_ascii=False))
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        f.write("\n".join(out) + "\n")
    print(f"{len(out)} records, {len(out) - len(lines)} re-crawls")


if __name__ == "__main__":
    main()

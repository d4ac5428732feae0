#!/usr/bin/env python3
"""Derives copydesk's English word-frequency table (src/quality/data/en_zipf.txt.gz) from the
`wordfreq` package (PyPI, data CC-BY-SA 4.0, Robyn Speer et al.).

Run once, commit the output; the build never downloads anything:

    pip install wordfreq==3.1.1
    python3 scripts/derive_quality_tables.py

Format (gzip text, deterministic: mtime 0, no file name): blocks of lines, each block opened by
`#Z` where Z is the Zipf frequency times 10 (Zipf = log10 of frequency per billion words),
followed by the words of that bucket, one per line, in wordfreq's own order. Only words made of
letters with optional inner apostrophes, hyphens or periods are kept.
"""
import io
import re
import sys

import wordfreq

from deterministic_gzip import write_gzip

N_WORDS = 200_000
OUT = "src/quality/data/en_zipf.txt.gz"
WORD = re.compile(r"^[a-z]+(?:['\-.][a-z]+)*$")


def main() -> int:
    words = wordfreq.top_n_list("en", N_WORDS, wordlist="large")
    buckets: dict[int, list[str]] = {}
    seen = set()
    for w in words:
        if not WORD.match(w) or w in seen:
            continue
        seen.add(w)
        z = int(round(wordfreq.zipf_frequency(w, "en", wordlist="large") * 10))
        buckets.setdefault(z, []).append(w)
    text = io.StringIO()
    for z in sorted(buckets, reverse=True):
        text.write(f"#{z}\n")
        for w in buckets[z]:
            text.write(w + "\n")
    raw = text.getvalue().encode("utf-8")
    gz_size = write_gzip(OUT, raw)
    print(f"{OUT}: {len(seen)} words, {len(raw)} bytes raw, {gz_size} gz", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

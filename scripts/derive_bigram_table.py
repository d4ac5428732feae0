#!/usr/bin/env python3
"""Derives copydesk's English word-pair table (src/quality/data/en_bigrams.txt.gz) from the
frequency lists shipped in the `symspellpy` package (PyPI, MIT; the lists were derived by Wolf
Garbe for SymSpell from Google Books Ngram counts, CC BY 3.0, intersected with SCOWL).

Run once, commit the output; the build never downloads anything:

    pip install symspellpy==6.10.1
    python3 scripts/derive_bigram_table.py

The source bigram list holds the 242,342 most frequent lower-case word pairs of Google Books
(counts of at least ~6.4 million): a pair missing from it is rare in books. That absence only
says something when both words are frequent, so the table keeps, for each word of the unigram
list (82,765 words with Google Books counts), its log10 count, and only the pairs whose
expected count under independence, count(a) * count(b) / total, reaches 10^MIN_EXPECTED_LOG10
(copydesk never looks up a rarer pair).

Format (gzip text, deterministic: mtime 0, no file name):

    #N <10 * log10 of the total unigram count, rounded>
    #L  (a block per value L = round(10 * log10 count), descending) followed by its words
    ...
    #P  then one line per first word: `a b1 b2 b3 ...` (second words in source order); a
        second word written `b:D` is a weakly associated pair: its association
        PMI = log10(count / expected) is below T = min(PMI_TAU, PMI_SHARE * cap), where
        cap = log10(total / count of the more frequent word) is the highest PMI the pair could
        reach; D = round(10 * (T - PMI)), at most 31

A pair that is listed but weakly associated is almost as suspicious as a missing one (a
swapped word can land in a pair that books use only a little more often than chance): the
scorer charges `3 × D / 10` for it (at most what a missing pair would cost). The cap keeps
pairs with a very frequent word ("and of", "map the": "the" is 4% of all words, so no pair
ending in it can reach a PMI above 1.4) from looking weak only because of that word. The
deficit is computed from the source counts and copied to the American spellings of the pair.
"""
import importlib.util
import io
import math
import os
import re
import sys

from deterministic_gzip import write_gzip

OUT = "src/quality/data/en_bigrams.txt.gz"
MIN_EXPECTED_LOG10 = 4.5
# Listed pairs seen fewer than 10^PMI_TAU times their independence expectation carry their
# deficit (see the module docs).
PMI_TAU = 1.0
PMI_SHARE = 0.5
WORD = re.compile(r"^[a-z]+$")


def source_dir() -> str:
    spec = importlib.util.find_spec("symspellpy")
    if spec is None or not spec.submodule_search_locations:
        sys.exit("pip install symspellpy==6.10.1 first")
    return list(spec.submodule_search_locations)[0]


# British -> American spelling rules (pattern, replacement), applied one at a time.
SPELLING = [
    (r"our(?=(s|ed|ing|ite|ites|able|ably|ful|less|er|ers)?$)", "or"),
    (r"our(?=i)", "or"),
    (r"tre(?=(s|d)?$)", "ter"),
    (r"is(?=(e|es|ed|ing|ation|ations|er|ers)$)", "iz"),
    (r"ys(?=(e|es|ed|ing|er|ers)$)", "yz"),
    # Only where the unigram list gives both forms one shared count ("filled" is not "filed").
    (r"ll(?=(ed|ing|er|ers)$)", "l"),
    (r"ogue(?=s?$)", "og"),
    (r"ence(?=s?$)", "ense"),
    (r"mme(?=s?$)", "m"),
]


# Words the rules would map onto another word.
NOT_BRITISH = {"chartres"}


def american_variants(uni: dict[str, int]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for w, c in uni.items():
        for pat, rep in SPELLING:
            for m in re.finditer(pat, w):
                v = w[: m.start()] + rep + w[m.end() :]
                if v == w or v not in uni or v in out.get(w, []) or w in NOT_BRITISH:
                    continue
                # "colour", "labour", but not "pouring" / "scouring".
                if rep == "or" and m.start() < 3:
                    continue
                # Short words meet too many real words ("four" / "for", "rogue" / "rog").
                if uni[v] == c or (rep != "l" and len(w) >= 7):
                    out.setdefault(w, []).append(v)
    return out


def main() -> int:
    d = source_dir()
    uni = {}
    with open(os.path.join(d, "frequency_dictionary_en_82_765.txt"), encoding="utf-8") as f:
        for line in f:
            w, c = line.split()
            if WORD.match(w):
                uni[w] = int(c)
    total = sum(uni.values())
    n10 = round(10 * math.log10(total))
    l10 = {w: round(10 * math.log10(c)) for w, c in uni.items()}
    # The bigram list spells the British way only ("the behaviour", never "the behavior"), so
    # each pair is also stored with the American spellings of its words (see SPELLING).
    variants = american_variants(uni)
    pairs: dict[str, list[str]] = {}
    kept = dropped = weak = 0
    with open(os.path.join(d, "frequency_bigramdictionary_en_243_342.txt"), encoding="utf-8") as f:
        for line in f:
            a, b, count = line.split()
            if a not in l10 or b not in l10:
                dropped += 1
                continue
            # Same integer arithmetic as the scorer (src/quality/bigrams.rs).
            if l10[a] + l10[b] - n10 < round(10 * MIN_EXPECTED_LOG10):
                dropped += 1
                continue
            pmi = math.log10(int(count) * total / (uni[a] * uni[b]))
            cap = math.log10(total / max(uni[a], uni[b]))
            deficit = min(31, round(10 * (min(PMI_TAU, PMI_SHARE * cap) - pmi)))
            suffix = f":{deficit}" if deficit > 0 else ""
            weak += deficit > 0
            for va in [a] + variants.get(a, []):
                for vb in [b] + variants.get(b, []):
                    if l10[va] + l10[vb] - n10 >= round(10 * MIN_EXPECTED_LOG10):
                        pairs.setdefault(va, []).append(vb + suffix)
                        kept += 1
    text = io.StringIO()
    text.write(f"#N {n10}\n")
    by_l: dict[int, list[str]] = {}
    for w in uni:
        by_l.setdefault(l10[w], []).append(w)
    for lv in sorted(by_l, reverse=True):
        text.write(f"#{lv}\n")
        for w in by_l[lv]:
            text.write(w + "\n")
    text.write("#P\n")
    for a in sorted(pairs):
        text.write(a + " " + " ".join(pairs[a]) + "\n")
    raw = text.getvalue().encode("utf-8")
    gz_size = write_gzip(OUT, raw)
    print(
        f"{OUT}: {len(uni)} words, {kept} pairs kept ({weak} source pairs weak), {dropped} dropped, "
        f"{len(raw)} bytes raw, {gz_size} gz",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

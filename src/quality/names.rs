//! Name consistency: a rare capitalised token that is a near miss of a name used elsewhere in
//! the same article ("Armis" beside "Artemis", "Roskosmos" beside "Roscosmos"), of a common
//! English word ("Teudsay" for "Tuesday"), or of a name that the documents of the same duplicate
//! cluster or story group share ([`NameIndex`]). Names are the facts that copies of a story
//! share, and machine translation and spinning mangle them.

use super::lexicon::{osa_distance, HashMapU64, Lexicon};
use super::text::{Segmented, ALPHA, CAP, CHARS_ASCII, INITIAL};
use serde::Serialize;
use std::collections::BTreeMap;
use xxhash_rust::xxh3::xxh3_64;

/// One suspected mangled name.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct NameEvidence {
    /// The token as written.
    pub found: String,
    /// The name or word it most likely stands for.
    pub likely: String,
    /// Where the likely form comes from: `article`, `corpus` or `lexicon`.
    pub source: &'static str,
    /// Occurrences of `found` in the article.
    pub count: u32,
}

/// Names seen across a set of related documents (a duplicate cluster, a same-story group or a
/// whole corpus), with the number of documents that use each. Build it with
/// [`NameIndex::add_document`] over the group's texts, then score each member with
/// [`super::score_with`].
#[derive(Debug, Clone, Default)]
pub struct NameIndex {
    docs: u32,
    names: BTreeMap<String, u32>,
}

impl NameIndex {
    pub fn new() -> NameIndex {
        NameIndex::default()
    }

    /// Builds an index over `texts`.
    pub fn from_texts<'a>(texts: impl IntoIterator<Item = &'a str>) -> NameIndex {
        let mut idx = NameIndex::new();
        for t in texts {
            idx.add_document(t);
        }
        idx
    }

    /// Counts the distinct names of one document.
    pub fn add_document(&mut self, text: &str) {
        let mut seg = Segmented::default();
        super::text::segment(text, Lexicon::en(), &mut seg);
        self.add_segmented(text, &seg);
    }

    /// [`NameIndex::add_document`] on a text already cut by [`super::segmented`].
    pub fn add_segmented(&mut self, text: &str, seg: &Segmented) {
        let mut seen: Vec<&str> = seg
            .toks
            .iter()
            .filter(|t| is_name_token(t.flags))
            .map(|t| strip_possessive(t.text(text)))
            .filter(|n| n.chars().count() >= 4)
            .collect();
        seen.sort_unstable();
        seen.dedup();
        for n in seen {
            // Only a name not yet counted is copied.
            match self.names.get_mut(n) {
                Some(c) => *c += 1,
                None => {
                    self.names.insert(n.to_string(), 1);
                }
            }
        }
        self.docs += 1;
    }

    /// Adds the counts of another index (for building indexes in parallel).
    pub fn merge(&mut self, other: &NameIndex) {
        self.docs += other.docs;
        for (n, c) in &other.names {
            *self.names.entry(n.clone()).or_insert(0) += c;
        }
    }

    pub fn documents(&self) -> u32 {
        self.docs
    }

    /// Documents that use `name`.
    pub fn count(&self, name: &str) -> u32 {
        self.names.get(name).copied().unwrap_or(0)
    }

    /// A name used by at least `min_docs` documents (and by more documents than `name`) within
    /// the allowed edit distance of `name`.
    fn anchor_for(&self, name: &str, min_docs: u32) -> Option<&str> {
        let own = self.count(name);
        let lower = name.to_lowercase();
        let max = allowed_distance(lower.len());
        let mask = letter_mask(&lower);
        let mut best: Option<(u32, &str)> = None;
        for (cand, &c) in &self.names {
            if c < min_docs || c <= own || cand == name {
                continue;
            }
            let cl = cand.to_lowercase();
            if cl.len().abs_diff(lower.len()) > max
                || ((letter_mask(&cl) ^ mask).count_ones() as usize) > 2 * max
                || trivially_related(&cl, &lower)
            {
                continue;
            }
            let d = osa_distance(cl.as_bytes(), lower.as_bytes(), max);
            if d > max || !credible_near_miss(&cl, &lower, d) {
                continue;
            }
            if best.is_none_or_lower(c) {
                best = Some((c, cand));
            }
        }
        best.map(|b| b.1)
    }
}

trait BestCount {
    fn is_none_or_lower(&self, c: u32) -> bool;
}

impl BestCount for Option<(u32, &str)> {
    fn is_none_or_lower(&self, c: u32) -> bool {
        match self {
            None => true,
            Some((b, _)) => c > *b,
        }
    }
}

fn is_name_token(flags: u8) -> bool {
    flags & CAP != 0 && flags & ALPHA != 0
}

pub(crate) fn strip_possessive(w: &str) -> &str {
    // Most names end in neither `s` nor an apostrophe (`’` ends in byte 0x99).
    if !matches!(w.as_bytes().last(), Some(b's' | b'\'' | 0x99)) {
        return w;
    }
    w.strip_suffix("'s")
        .or_else(|| w.strip_suffix("’s"))
        .or_else(|| w.strip_suffix('\''))
        .or_else(|| w.strip_suffix('’'))
        .unwrap_or(w)
}

/// Edits allowed between a name and its suspected mangled form, by length of the shorter.
fn allowed_distance(len: usize) -> usize {
    match len {
        0..=4 => 1,
        5..=9 => 2,
        _ => 3,
    }
}

/// A near miss is credible at one edit; at two or more edits only when both forms keep the
/// first and last letter (Armis/Artemis, Roskosmos/Roscosmos), which spares real pairs such as
/// SpaceIL/SpaceX.
fn credible_near_miss(a: &str, b: &str, d: usize) -> bool {
    d == 1
        || (a.chars().next() == b.chars().next() && a.chars().next_back() == b.chars().next_back())
}

/// The edit distance between two names when it is at most `max`, not 0, and credible
/// ([`credible_near_miss`]). Unless both names keep the first and last letter only one edit is
/// credible, so the distance is then bounded by 1, which stops most comparisons after a row
/// or two.
fn near_miss(a: &str, b: &str, max: usize) -> Option<usize> {
    let ends =
        a.chars().next() == b.chars().next() && a.chars().next_back() == b.chars().next_back();
    let bound = if ends { max } else { 1 };
    let d = osa_distance(a.as_bytes(), b.as_bytes(), bound);
    (d <= bound && d > 0).then_some(d)
}

fn letter_mask(s: &str) -> u32 {
    s.bytes()
        .filter(u8::is_ascii_lowercase)
        .fold(0, |m, b| m | 1 << (b - b'a'))
}

/// Pairs that differ by inflection or derivation, not by mangling: Kenya/Kenyan,
/// Russia/Russians, Smith/Smiths.
fn trivially_related(a: &str, b: &str) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.starts_with(short) {
        return true;
    }
    // China/Chinese, Italy/Italian: a final vowel or y replaced by a short suffix.
    let stem = short
        .char_indices()
        .last()
        .and_then(|(i, _)| short.get(..i))
        .unwrap_or(short);
    short.chars().count() >= 4
        && short.ends_with(['a', 'e', 'y'])
        && long.starts_with(stem)
        && long.len() - short.len() <= 2
}

/// Distinct names compared pairwise per document.
const MAX_DISTINCT_NAMES: usize = 1000;

struct NameStat<'a> {
    name: &'a str,
    lower: &'a str,
    count: u32,
    /// Zipf x10 of the lower-case form.
    zipf: u8,
    first: u32,
    non_initial: u32,
}

/// Finds suspected mangled names in one segmented article. Returns the evidence, one entry per
/// distinct mangled form.
pub fn find_mangled(
    text: &str,
    seg: &Segmented,
    lex: &Lexicon,
    english: bool,
    corpus: Option<&NameIndex>,
) -> Vec<NameEvidence> {
    let mut lower_buf = String::new();
    judge_names(
        &article_names(text, seg, lex, &mut lower_buf),
        lex,
        english,
        corpus,
    )
}

/// [`find_mangled`] without and with `corpus`, collecting the article's names once: the two
/// differ exactly when a re-score with the index changes the verdict.
pub fn find_mangled_without_and_with(
    text: &str,
    seg: &Segmented,
    lex: &Lexicon,
    english: bool,
    corpus: &NameIndex,
) -> (Vec<NameEvidence>, Vec<NameEvidence>) {
    let mut lower_buf = String::new();
    let names = article_names(text, seg, lex, &mut lower_buf);
    (
        judge_names(&names, lex, english, None),
        judge_names(&names, lex, english, Some(corpus)),
    )
}

/// The distinct names of an article, with what the pair check needs of each.
struct ArticleNames<'a> {
    stats: Vec<NameStat<'a>>,
    /// Per name: letter mask and length, packed so the pair filter scans a small array.
    keys: Vec<(u32, u32)>,
    /// Hyphenated names, the only anchors of a portmanteau.
    hyphenated: Vec<usize>,
}

/// Collects the names of `text`; their lower-case forms are written one after another into
/// `lower_buf`, so a name costs no allocation of its own.
fn article_names<'a>(
    text: &'a str,
    seg: &Segmented,
    lex: &Lexicon,
    lower_buf: &'a mut String,
) -> ArticleNames<'a> {
    lower_buf.clear();
    // A news article has a few dozen distinct names: sized once, not grown step by step.
    let mut stats: Vec<NameStat> = Vec::with_capacity(64);
    // Where each name's lower-case form lies in `lower_buf`.
    let mut lower_at: Vec<(u32, u32)> = Vec::with_capacity(64);
    let mut index: HashMapU64<usize> = HashMapU64::with_capacity_and_hasher(64, Default::default());
    for (i, t) in seg.toks.iter().enumerate() {
        if !is_name_token(t.flags) {
            continue;
        }
        let name = strip_possessive(t.text(text));
        let (short, no_lower) = if t.is(CHARS_ASCII) {
            (
                name.len() < 4,
                !name.bytes().any(|b| b.is_ascii_lowercase()),
            )
        } else {
            (
                name.chars().count() < 4,
                name.chars().all(|c| !c.is_lowercase()),
            )
        };
        if short || no_lower {
            // Acronyms are too short and too varied to judge.
            continue;
        }
        let h = xxh3_64(name.as_bytes());
        let k = *index.entry(h).or_insert_with(|| {
            let from = lower_buf.len();
            if name.is_ascii() {
                lower_buf.push_str(name);
                lower_buf[from..].make_ascii_lowercase();
            } else {
                lower_buf.push_str(&name.to_lowercase());
            }
            let zipf = lex.zipf(super::lexicon::hash_word(&lower_buf.as_bytes()[from..]));
            lower_at.push((from as u32, lower_buf.len() as u32));
            stats.push(NameStat {
                name,
                lower: "",
                count: 0,
                zipf,
                first: i as u32,
                non_initial: 0,
            });
            stats.len() - 1
        });
        stats[k].count += 1;
        if !t.is(INITIAL) {
            stats[k].non_initial += 1;
        }
    }
    // The pair loop below is quadratic in distinct names; a news article has a few dozen, so
    // a document with thousands (a scraped index page) is only checked on its first ones.
    stats.truncate(MAX_DISTINCT_NAMES);
    let lower_buf: &'a String = lower_buf;
    for (s, &(from, to)) in stats.iter_mut().zip(&lower_at) {
        s.lower = &lower_buf[from as usize..to as usize];
    }
    // Per name: letter mask and length, packed so the pair filter below scans a small array.
    let keys: Vec<(u32, u32)> = stats
        .iter()
        .map(|s| (letter_mask(s.lower), s.lower.len() as u32))
        .collect();
    // Hyphenated names, the only anchors of a portmanteau.
    let hyphenated: Vec<usize> = (0..stats.len())
        .filter(|&k| stats[k].lower.contains('-'))
        .collect();
    ArticleNames {
        stats,
        keys,
        hyphenated,
    }
}

/// The suspected mangled names among an article's names, one entry per distinct form.
fn judge_names(
    names: &ArticleNames,
    lex: &Lexicon,
    english: bool,
    corpus: Option<&NameIndex>,
) -> Vec<NameEvidence> {
    let ArticleNames {
        stats,
        keys,
        hyphenated,
    } = names;
    let mut out = Vec::new();
    for (ti, t) in stats.iter().enumerate() {
        // A mangled form is rare in English and in the article. Names written only at the
        // start of sentences are often ordinary words; they still count, since mangling does
        // not care where a name stands.
        if t.zipf >= 20 || t.count > 3 {
            continue;
        }
        let max = allowed_distance(t.lower.len());
        let mut best: Option<(usize, usize)> = None; // (anchor index, distance)
        let (tmask, tlen) = keys[ti];
        for (ai, &(amask, alen)) in keys.iter().enumerate() {
            if alen.abs_diff(tlen) as usize > max
                || ((amask ^ tmask).count_ones() as usize) > 2 * max
                || ai == ti
            {
                continue;
            }
            let a = &stats[ai];
            // The anchor must be the more credible form: more frequent in the article, more
            // frequent in English, or (when nothing tells them apart) written first.
            // When the related documents use one form more, that form wins outright.
            let (ca, ct) = corpus.map_or((0, 0), |c| (c.count(a.name), c.count(t.name)));
            if ca == ct && a.count < t.count {
                continue;
            }
            let more_credible = if ca != ct {
                ca > ct
            } else {
                a.count > t.count
                    || a.zipf > t.zipf
                    || (a.count == t.count && a.zipf == t.zipf && a.first < t.first)
            };
            if !more_credible || trivially_related(a.lower, t.lower) || a.lower == t.lower {
                continue;
            }
            if let Some(d) = near_miss(a.lower, t.lower, max) {
                if best.is_none_or_farther(d) {
                    best = Some((ai, d));
                }
            }
        }
        if let Some((ai, _)) = best {
            out.push(NameEvidence {
                found: t.name.to_string(),
                likely: stats[ai].name.to_string(),
                source: "article",
                count: t.count,
            });
            continue;
        }
        // Portmanteau of a hyphenated name: "Okonkist" for "Okonkwo-Lindqvist".
        if t.zipf == 0 && t.lower.len() >= 6 && !t.lower.contains('-') {
            let hit = hyphenated.iter().map(|&k| &stats[k]).find(|a| {
                let Some((p1, p2)) = a.lower.split_once('-') else {
                    return false;
                };
                let (Some(head), Some(tail)) = (p1.get(..4), p2.get(p2.len().saturating_sub(3)..))
                else {
                    return false;
                };
                p1.len() >= 4
                    && p2.len() >= 3
                    && t.lower.len() >= 6
                    && t.lower.starts_with(head)
                    && t.lower.ends_with(tail)
            });
            if let Some(a) = hit {
                out.push(NameEvidence {
                    found: t.name.to_string(),
                    likely: a.name.to_string(),
                    source: "article",
                    count: t.count,
                });
                continue;
            }
        }
        if let Some(idx) = corpus {
            if let Some(a) = idx.anchor_for(t.name, 2) {
                out.push(NameEvidence {
                    found: t.name.to_string(),
                    likely: a.to_string(),
                    source: "corpus",
                    count: t.count,
                });
                continue;
            }
        }
        // A common English word a few letters away: "Teudsay" for "Tuesday". Only for unknown
        // forms, so real but rare names stay untouched.
        // One edit (a transposition counts as one) from a word of at least 6 letters: rare real
        // names sit two edits from some common word far too often.
        if english && t.zipf == 0 && t.non_initial > 0 && t.lower.len() >= 6 {
            if let Some(w) = lex.typo_of(t.lower) {
                if !trivially_related(w, t.lower) {
                    let mut likely = String::with_capacity(w.len());
                    let mut cs = w.chars();
                    if let Some(c) = cs.next() {
                        likely.extend(c.to_uppercase());
                        likely.push_str(cs.as_str());
                    }
                    out.push(NameEvidence {
                        found: t.name.to_string(),
                        likely,
                        source: "lexicon",
                        count: t.count,
                    });
                }
            }
        }
    }
    out
}

trait BestDist {
    fn is_none_or_farther(&self, d: usize) -> bool;
}

impl BestDist for Option<(usize, usize)> {
    fn is_none_or_farther(&self, d: usize) -> bool {
        match self {
            None => true,
            Some((_, bd)) => d < *bd,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mangled(text: &str, corpus: Option<&NameIndex>) -> Vec<(String, String)> {
        let mut seg = Segmented::default();
        super::super::text::segment(text, Lexicon::en(), &mut seg);
        find_mangled(text, &seg, Lexicon::en(), true, corpus)
            .into_iter()
            .map(|e| (e.found, e.likely))
            .collect()
    }

    #[test]
    fn near_miss_of_a_name_in_the_same_article_is_found() {
        let t =
            "The agency joined the Artemis Agreement in May. Officials said the Armis Agreement \
                 would not change. Roscosmos and Roskosmos both declined. Roscosmos said more.";
        let m = mangled(t, None);
        assert!(m.contains(&("Armis".into(), "Artemis".into())), "{m:?}");
        assert!(
            m.contains(&("Roskosmos".into(), "Roscosmos".into())),
            "{m:?}"
        );
    }

    /// `strip_possessive` as it was before its fast path.
    fn strip_possessive_reference(w: &str) -> &str {
        w.strip_suffix("'s")
            .or_else(|| w.strip_suffix("’s"))
            .or_else(|| w.strip_suffix('\''))
            .or_else(|| w.strip_suffix('’'))
            .unwrap_or(w)
    }

    /// The pair check before [`near_miss`] (the distance bounded by `max` for every pair).
    fn near_miss_reference(a: &str, b: &str, max: usize) -> Option<usize> {
        let d = osa_distance(a.as_bytes(), b.as_bytes(), max);
        (d <= max && d > 0 && credible_near_miss(a, b, d)).then_some(d)
    }

    proptest::proptest! {
        #[test]
        fn near_miss_matches_its_reference(
            a in "[abrsé]{0,9}",
            b in "[abrsé]{0,9}",
            max in 1usize..=3,
        ) {
            proptest::prop_assert_eq!(near_miss(&a, &b, max), near_miss_reference(&a, &b, max));
        }

        #[test]
        fn strip_possessive_matches_its_reference(w in "[a-zA-Zé’'s]{0,8}") {
            proptest::prop_assert_eq!(strip_possessive(&w), strip_possessive_reference(&w));
        }
    }

    #[test]
    fn inflected_names_are_not_mangled() {
        let t = "Kenya and the Kenyan navy met Russia and Russian envoys. The Smiths met Smith.";
        assert!(mangled(t, None).is_empty());
    }

    #[test]
    fn corpus_names_anchor_a_single_mangled_mention() {
        let idx = NameIndex::from_texts([
            "Officials at Roscosmos said the work had begun.",
            "A Roscosmos spokesman confirmed the date.",
            "The head of Roscosmos spoke on Monday.",
        ]);
        let m = mangled("The chief of Roskosmos spoke to reporters.", Some(&idx));
        assert_eq!(m, vec![("Roskosmos".to_string(), "Roscosmos".to_string())]);
    }

    #[test]
    fn lexicon_near_miss_keeps_the_first_letter() {
        // One edit from "tuesday" with the first letter kept: a misspelling.
        let m = mangled(
            "The vote was held in the city on Tuseday after a long debate.",
            None,
        );
        assert!(m.contains(&("Tuseday".into(), "Tuesday".into())), "{m:?}");
        // One edit from "jamming" / "pistol", but at the first letter: other names.
        let t = "The farm in Mamming was closed. Police said the Mistol plant stays open.";
        assert!(mangled(t, None).is_empty(), "{:?}", mangled(t, None));
    }
}

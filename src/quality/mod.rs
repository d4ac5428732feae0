//! Quality stage: per-document signals and the combined `quality` score (0..1, higher is
//! better) that decides which copy of a duplicate group is kept and which records are dropped
//! as `low_quality`.
//!
//! The score is a product of factors, each of which can only lower it, so the `signals` and
//! `flags` explain every point lost:
//!
//! ```text
//! quality = heuristics × garble × language × richness × word pairs
//! heuristics = product of the penalties of failed Gopher / C4 / FineWeb rules (heuristics.rs)
//! garble     = exp(-scale × rate),  rate = 100 × Σ weight_c × events_c / max(words, 50)
//! language   = 0.9 when language identification is unsure (`uncertain_language`), × 0.8
//!              when over 30% of the checked lines are in another language (`mixed_language`)
//! richness   = exp(-0.5 × shortfall of lexical richness below 2.2), at least 0.8 (English)
//! word pairs = exp(-5 × excess of unlikely-pair cost over 0.055), at least 0.5, ×
//!              exp(-2 × excess of pair commonness over 6.2), at least 0.8 (English; bigrams.rs)
//! ```
//!
//! The garble cues (garble.rs), mangled names (names.rs) and unlikely word pairs (bigrams.rs)
//! are counted per sentence; the worst sentences (with their cues and unlikely word pairs) and
//! every suspected mangled name are reported in `evidence`. Weights and
//! thresholds live in [`GarbleOptions`] and [`HeuristicThresholds`]; their defaults were set by
//! hand from what each cue means (an event that never happens in clean news costs more), then
//! checked on the development sets; they were not fitted to them (see the README).
//!
//! Scoring is a single segmentation pass plus a few linear passes over the tokens; language
//! identification (whatlang) only sees a bounded prefix and suspicious lines.

pub mod bigrams;
pub mod conjuncts;
pub mod garble;
pub mod heuristics;
pub mod lexicon;
pub mod names;
pub mod phrases;
pub mod text;

/// Shared by the unit tests of the sentence-level cues: one sentence scored inside a clean
/// headline and filler, so that only the sentence under test can fire.
#[cfg(test)]
pub(crate) mod cue_test {
    use crate::config::QualityOptions;

    const FILLER: &str = "The council met on Monday to discuss the budget for next year. \
        Officials said the plan would be published after the vote.";

    /// The quality verdict of `sentence` after a headline and two clean sentences.
    pub fn score_sentence(sentence: &str) -> super::Quality {
        super::score(
            &format!("Headline\n{FILLER} {sentence}"),
            &QualityOptions::default(),
        )
    }
}

pub use heuristics::HeuristicThresholds;
pub use names::{NameEvidence, NameIndex};

use crate::config::QualityOptions;
use lexicon::Lexicon;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::BTreeMap;
use text::Segmented;

/// The quality verdict of one document.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Quality {
    pub score: f64,
    pub signals: BTreeMap<&'static str, f64>,
    pub flags: Vec<&'static str>,
    /// ISO 639-1 code of the detected language, when detection is confident enough.
    pub lang: Option<String>,
    /// What the flags are based on: mangled names and the worst sentences.
    #[serde(skip_serializing_if = "Evidence::is_empty")]
    pub evidence: Evidence,
}

/// The concrete findings behind the garble flags.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Evidence {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mangled_names: Vec<NameEvidence>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub worst_sentences: Vec<SentenceEvidence>,
    /// The first typos (at most 10): unknown words one edit from a common word.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub typos: Vec<TypoEvidence>,
}

impl Evidence {
    pub fn is_empty(&self) -> bool {
        self.mangled_names.is_empty() && self.worst_sentences.is_empty() && self.typos.is_empty()
    }
}

/// A typo: an unknown word one edit from a common English word with the same first letter.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TypoEvidence {
    /// As written ("governemnt").
    pub found: String,
    /// The common word it is one edit from ("government").
    pub likely: &'static str,
}

/// One of the worst sentences of a document.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SentenceEvidence {
    /// The sentence (cut to 200 bytes).
    pub text: String,
    /// The cues found in it.
    pub cues: Vec<&'static str>,
    /// Mean word surprisal under the shipped unigram model (English only; 0 otherwise).
    pub fluency: f64,
    /// Adjacent frequent words that books almost never put side by side, or only barely more
    /// often than chance, as written ("the wrote", "will law"; English; at most five,
    /// costliest first): the word-pair evidence behind `unlikely_word_pairs`, usually around a
    /// swapped word. Omitted when empty.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub unlikely_pairs: Vec<String>,
}

/// Weights and thresholds of the garble cues and the language check. Defaults are documented
/// per field; all are configurable in the `[quality.garble]` table of a config file.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct GarbleOptions {
    /// Weight of each event in the garble rate, by cue (see garble.rs for the cues).
    pub weight_fragment: f64,
    pub weight_punct_debris: f64,
    pub weight_broken_paragraph: f64,
    pub weight_doubled_word: f64,
    pub weight_placeholder: f64,
    pub weight_isolated_sentence: f64,
    pub weight_oov_word: f64,
    pub weight_mangled_name: f64,
    /// A paragraph (of at least 4 words) repeated verbatim: a doubled headline or paragraph.
    pub weight_repeated_line: f64,
    /// "a" before a vowel letter or "an" before a consonant letter ("an solid"; English): a
    /// word swapped for another, or an article dropped or moved. Clean news has such typos in
    /// about 0.9% of documents (garble-dev, see the README).
    pub weight_article_mismatch: f64,
    /// The same word on both sides of "and" / "or" ("greed and greed"; English, idioms left
    /// out, see conjuncts.rs): the doubled word of a coordination, left by weak machine
    /// translation.
    pub weight_repeated_conjunct: f64,
    /// A typo (English): an unknown lower-case word one edit from a common word with the same
    /// first letter ("governemnt", "aditionally"; `typos`). Counted apart from `oov_words` and
    /// at a quarter of its weight: a slip of the keyboard leaves the word readable, while the
    /// other unknown words of machine translation are invented or untranslated ("autoposer",
    /// "wuzirci"). Careful human writing has typos too (2% of clean BBC documents; 20-22% of
    /// the cs-en and ha-en human references of wmt21-dev-docs, 2% of their MT).
    pub weight_typo: f64,
    /// The same three content words twice within one sentence (English; phrases.rs): a
    /// phrase that machine translation rendered twice ("over-translation", Tu et al. 2016).
    /// Costs as much as a doubled word, which it is at the phrase level; 0 turns it off.
    pub weight_repeated_phrase: f64,
    /// A sentence that starts in lower case after a full stop inside a paragraph (English;
    /// `lower_case_sentences`: "... watch manufactory. the occasion ..."): a sentence broken
    /// in two or a stray full stop. Weight of punctuation debris. In none of the 420 human
    /// translations of wmt21-dev-docs, 10% of the Hausa-English MT outputs, 0.4% of clean
    /// BBC documents.
    pub weight_lower_case_sentence: f64,
    /// Tokenizer debris (English; `tokenizer_debris`): a double quote mark standing alone
    /// between white space (`" In order to ... population, " he said`), SentencePiece's `▁`
    /// or a zero-width space: a machine translation pipeline's tokenization that was never
    /// undone. Weight of punctuation debris, the other spacing defects. In 16% of the de-en
    /// machine translations of wmt21-dev-docs, 2 of its 420 human translations and 1.1% of
    /// clean BBC documents.
    pub weight_tokenizer_debris: f64,
    /// `garble = exp(-scale × rate)`: with 0.15, one weight-1 event per 100 words costs 14%.
    pub scale: f64,
    /// `low_fluency` when the mean word surprisal exceeds this (English news: 2.2-2.8).
    pub max_mean_surprisal: f64,
    /// `low_fluency` when this share of lower-case words is unknown to the lexicon.
    pub max_oov_share: f64,
    /// `machine_translation_suspected` when the garble rate reaches this and at least two
    /// different cue kinds fired.
    pub mt_min_rate: f64,
    /// Lexical richness (mean surprisal of known lower-case words; English): below this
    /// reference (about the 75th percentile of clean English news) the score is multiplied by
    /// `exp(-richness_weight × shortfall)`, at least `richness_min_factor`. Machine translation
    /// and template text over-use frequent words (Vanmassenhove et al. 2019, "Lost in
    /// Translation: Loss and Decay of Linguistic Richness in Machine Translation").
    pub richness_reference: f64,
    pub richness_weight: f64,
    pub richness_min_factor: f64,
    /// Word pairs (English; see bigrams.rs): the mean cost of adjacent frequent words that
    /// Google Books almost never puts side by side (or only barely more often than chance),
    /// per checked pair. Above this reference (between the median, 0.047, and the 75th
    /// percentile, 0.06, of clean English news) the score is multiplied by
    /// `exp(-pair_weight × excess)`, at least `pair_min_factor`; flag `unlikely_word_pairs`
    /// under 0.9. Catches content words swapped for other words (spinning, bad MT).
    pub pair_reference: f64,
    pub pair_weight: f64,
    pub pair_min_factor: f64,
    /// Common word pairs (English, at least 60 checked pairs): the mean log10 expected count
    /// of the checked pairs (how common the words that form them are). Above this reference
    /// (about the 75th percentile of clean English news) the score is multiplied by
    /// `exp(-common_pair_weight × excess)`, at least `common_pair_min_factor`; flag
    /// `common_word_pairs` under 0.95. Machine translation strings together more frequent
    /// words than human writing (the pair-level form of the richness factor).
    pub common_pair_reference: f64,
    pub common_pair_weight: f64,
    pub common_pair_min_factor: f64,
    /// Language identification below this confidence leaves `lang` empty.
    pub lang_min_confidence: f64,
    /// `mixed_language` when more than this share of checked text is in another language.
    pub max_other_language_share: f64,
}

impl Default for GarbleOptions {
    fn default() -> Self {
        GarbleOptions {
            weight_fragment: 1.5,
            weight_punct_debris: 1.5,
            weight_broken_paragraph: 2.0,
            weight_doubled_word: 2.0,
            weight_placeholder: 6.0,
            weight_isolated_sentence: 0.5,
            weight_oov_word: 1.0,
            weight_mangled_name: 2.5,
            weight_repeated_line: 2.0,
            weight_article_mismatch: 2.0,
            weight_repeated_conjunct: 2.0,
            weight_typo: 0.25,
            weight_repeated_phrase: 2.0,
            weight_lower_case_sentence: 1.5,
            weight_tokenizer_debris: 1.5,
            scale: 0.15,
            max_mean_surprisal: 3.2,
            max_oov_share: 0.03,
            mt_min_rate: 2.0,
            richness_reference: 2.2,
            richness_weight: 0.5,
            richness_min_factor: 0.8,
            pair_reference: 0.055,
            pair_weight: 5.0,
            pair_min_factor: 0.5,
            common_pair_reference: 6.2,
            common_pair_weight: 2.0,
            common_pair_min_factor: 0.8,
            lang_min_confidence: 0.5,
            max_other_language_share: 0.3,
        }
    }
}

/// Rounds to 4 decimals so reports stay readable and stable.
pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

#[derive(Default)]
struct Scratch {
    seg: Segmented,
    heur: heuristics::Scratch,
    garble: garble::Scratch,
    unlikely_pairs_scratch: Vec<bigrams::UnlikelyPair>,
    /// The document's signals, in the order computed.
    signals: Vec<(&'static str, f64)>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// Decodes the compiled-in tables (word frequencies, word pairs) now, on the rayon pool,
/// instead of on first use: the first scoring batch would otherwise wait for one thread to
/// decode them all while the others block. Idempotent and cheap once done.
pub fn preload() {
    rayon::join(
        || {
            Lexicon::en();
        },
        || {
            bigrams::Bigrams::en();
        },
    );
}

/// Scores one cleaned document on its own.
pub fn score(text: &str, opts: &QualityOptions) -> Quality {
    score_with(text, opts, &NameIndex::default())
}

/// Scores one cleaned document, also checking its names against `names`, an index of the
/// names used by related documents (its duplicate cluster or same-story group, or the corpus).
/// An empty index gives the same result as [`score`].
pub fn score_with(text: &str, opts: &QualityOptions, names: &NameIndex) -> Quality {
    SCRATCH.with(|s| match s.try_borrow_mut() {
        Ok(mut s) => score_inner(text, opts, names, &mut s),
        // Re-entrant call (cannot happen today): use fresh buffers.
        Err(_) => score_inner(text, opts, names, &mut Scratch::default()),
    })
}

/// Re-scores a document with a name index: `None` when the index changes nothing, i.e. when
/// [`score_with`] would return exactly what [`score`] returns; otherwise `score_with`'s verdict.
///
/// The index only enters the score through the mangled names it exposes, so this segments the
/// text and looks for mangled names with and without the index, and runs the full scoring
/// (garble cues, heuristics, word pairs) only when the two differ. Re-scoring the members of
/// duplicate clusters and story groups, where the index rarely changes a verdict, so costs
/// a fraction of a full score (about a fifth once the text is segmented) and keeps nothing
/// per document between passes.
pub fn rescore_with(text: &str, opts: &QualityOptions, names: &NameIndex) -> Option<Quality> {
    SCRATCH.with(|s| match s.try_borrow_mut() {
        Ok(mut s) => rescore_inner(text, opts, names, &mut s),
        Err(_) => rescore_inner(text, opts, names, &mut Scratch::default()),
    })
}

fn rescore_inner(
    text: &str,
    opts: &QualityOptions,
    names: &NameIndex,
    s: &mut Scratch,
) -> Option<Quality> {
    if names.documents() == 0 {
        return None;
    }
    text::segment(text, Lexicon::en(), &mut s.seg);
    if !names_change_verdict(text, &s.seg, names) {
        return None;
    }
    Some(score_inner(text, opts, names, s))
}

/// [`rescore_with`] on a text already cut by [`segmented`] (the same cut that built the index
/// with [`NameIndex::add_segmented`]), so a group's texts are segmented once, not twice.
pub fn rescore_segmented(
    text: &str,
    seg: &Segmented,
    opts: &QualityOptions,
    names: &NameIndex,
) -> Option<Quality> {
    if names.documents() == 0 || !names_change_verdict(text, seg, names) {
        return None;
    }
    Some(score_with(text, opts, names))
}

/// Cuts a document into blocks, sentences and tokens, as scoring does.
pub fn segmented(text: &str) -> Segmented {
    let mut seg = Segmented::default();
    text::segment(text, Lexicon::en(), &mut seg);
    seg
}

/// Whether `names` changes the verdict on the segmented `text`: the index only enters the
/// score through the mangled names found with it, so the verdict changes exactly when they
/// differ from those found without it.
fn names_change_verdict(text: &str, seg: &Segmented, names: &NameIndex) -> bool {
    let (lang3, _, script) = detect_language(text, seg);
    // As in `score_inner`: without names (spaceless scripts, German) the index cannot matter.
    if is_spaceless(script) || lang3 == Some("deu") {
        return false;
    }
    let lex = Lexicon::en();
    let english = lang3 == Some("eng");
    let (without, with) = names::find_mangled_without_and_with(text, seg, lex, english, names);
    without != with
}

fn score_inner(text: &str, opts: &QualityOptions, names: &NameIndex, s: &mut Scratch) -> Quality {
    let g = &opts.garble;
    let lex = Lexicon::en();
    let signals = &mut s.signals;
    signals.clear();
    let mut flags: Vec<&'static str> = Vec::new();

    text::segment(text, lex, &mut s.seg);
    let seg = &s.seg;
    let (lang3, lang_conf, script) = detect_language(text, seg);
    let english = lang3 == Some("eng");
    let spaceless = is_spaceless(script);
    // German capitalises every noun, so capitalisation does not mark names there.
    let names_apply = !spaceless && lang3 != Some("deu");

    let heur = heuristics::evaluate(
        text,
        seg,
        english,
        spaceless,
        &opts.heuristics,
        &mut s.heur,
        signals,
    );
    flags.extend(heur.flags.iter().copied());

    let mut cues = garble::find_cues(text, seg, lex, english, &mut s.garble);
    let mangled = if names_apply {
        let corpus = (names.documents() > 0).then_some(names);
        names::find_mangled(text, seg, lex, english, corpus)
    } else {
        Vec::new()
    };
    if !mangled.is_empty() {
        // Attribute each mangled occurrence to its sentence, in one pass over the tokens.
        let found: lexicon::HashMapU64<()> = mangled
            .iter()
            .map(|m| (xxhash_rust::xxh3::xxh3_64(m.found.as_bytes()), ()))
            .collect();
        // The byte lengths of the found names (63 and longer share a bit), so most tokens are
        // passed over without hashing.
        let lengths = mangled
            .iter()
            .fold(0u64, |m, n| m | (1 << n.found.len().min(63)));
        for t in seg.toks.iter().filter(|t| t.is(text::CAP)) {
            let name = names::strip_possessive(t.text(text));
            if lengths & (1 << name.len().min(63)) != 0
                && found.contains_key(&xxhash_rust::xxh3::xxh3_64(name.as_bytes()))
            {
                cues.add(t.sent as usize, garble::MANGLED, 1);
            }
        }
    }

    let other_lang_share = other_language_share(text, seg, lex, lang3, english);

    let words = seg.toks.len() as f64;
    let weights = [
        g.weight_fragment,
        g.weight_punct_debris,
        g.weight_broken_paragraph,
        g.weight_doubled_word,
        g.weight_placeholder,
        g.weight_isolated_sentence,
        g.weight_oov_word,
        g.weight_mangled_name,
        g.weight_repeated_line,
        g.weight_article_mismatch,
        g.weight_repeated_conjunct,
        g.weight_typo,
        g.weight_lower_case_sentence,
        g.weight_repeated_phrase,
        g.weight_tokenizer_debris,
    ];
    let weighted: f64 = cues
        .counts
        .iter()
        .zip(weights)
        .map(|(&c, w)| f64::from(c) * w)
        .sum();
    let rate = if spaceless {
        // Word-based cues do not apply; only punctuation debris is counted, per 2 characters.
        100.0 * weighted / (text.chars().count() as f64 / 2.0).max(50.0)
    } else {
        100.0 * weighted / words.max(50.0)
    };
    let garble_factor = (-g.scale * rate).exp();
    let per100 = |c: u32| round4(100.0 * f64::from(c) / words.max(1.0));
    const SIGNAL_NAMES: [&str; garble::N_CUES] = [
        "fragments_per_100w",
        "punct_debris_per_100w",
        "broken_paragraphs_per_100w",
        "doubled_words_per_100w",
        "placeholder_sentences",
        "isolated_sentences",
        "oov_words_per_100w",
        "mangled_names_per_100w",
        "repeated_lines",
        "article_mismatches_per_100w",
        "repeated_conjuncts_per_100w",
        "typos_per_100w",
        "lower_case_sentences_per_100w",
        "repeated_phrases_per_100w",
        "tokenizer_debris_per_100w",
    ];
    for (i, name) in SIGNAL_NAMES.iter().enumerate() {
        let v = if matches!(i, garble::PLACEHOLDER | garble::ISOLATED | garble::REPEATED) {
            f64::from(cues.counts[i])
        } else {
            per100(cues.counts[i])
        };
        signals.push((*name, v));
    }
    signals.push(("garble_rate", round4(rate)));
    signals.push(("lang_confidence", round4(lang_conf)));
    signals.push(("other_language_share", round4(other_lang_share)));
    let lower_words = seg
        .toks
        .iter()
        .filter(|t| t.is(text::LOWER) && t.is(text::ALPHA))
        .count();
    // Typos are unknown words too: the fluency flag counts them as before.
    let oov_share = f64::from(cues.counts[garble::OOV] + cues.counts[garble::TYPO])
        / (lower_words.max(1) as f64);
    if english {
        signals.push(("fluency_mean_surprisal", round4(cues.mean_surprisal)));
        let worst = cues
            .sent_fluency
            .iter()
            .zip(&seg.sents)
            .filter(|(_, s)| s.n_toks() >= 5)
            .map(|(f, _)| f64::from(*f))
            .fold(0.0, f64::max);
        signals.push(("fluency_worst_sentence", round4(worst)));
        signals.push(("oov_word_share", round4(oov_share)));
        signals.push(("lexical_richness", round4(cues.richness)));
    }
    // Judged on at least 50 known words, so a short text's few words decide nothing.
    let richness_factor = if english && cues.richness_words >= 50 {
        let shortfall = (g.richness_reference - cues.richness).max(0.0);
        (-g.richness_weight * shortfall)
            .exp()
            .max(g.richness_min_factor)
    } else {
        1.0
    };

    // Word pairs (English): a text with swapped words breaks pairs that books always use.
    let (pair_factor, common_pair_factor) = if english {
        let pairs = bigrams::Bigrams::en().check(text, seg, &mut s.unlikely_pairs_scratch);
        let surprise = pairs.surprise();
        signals.push(("word_pair_surprise", round4(surprise)));
        signals.push(("word_pairs_checked", f64::from(pairs.checked)));
        signals.push(("unseen_word_pairs_per_100w", per100(pairs.unseen)));
        let unlikely = (-g.pair_weight * (surprise - g.pair_reference).max(0.0))
            .exp()
            .max(g.pair_min_factor);
        let common = match pairs.mean_expected() {
            Some(e) => {
                signals.push(("word_pair_commonness", round4(e)));
                (-g.common_pair_weight * (e - g.common_pair_reference).max(0.0))
                    .exp()
                    .max(g.common_pair_min_factor)
            }
            None => 1.0,
        };
        (unlikely, common)
    } else {
        // No pair evidence (the scratch still holds the previous document's pairs).
        s.unlikely_pairs_scratch.clear();
        (1.0, 1.0)
    };

    // Flags a reader understands.
    let c = &cues.counts;
    if c[garble::MANGLED] > 0 {
        flags.push("garbled_names");
    }
    if c[garble::FRAGMENT] > 0 {
        flags.push("fragments");
    }
    if c[garble::PUNCT] > 0 {
        flags.push("punctuation_debris");
    }
    if c[garble::BROKEN] > 0 {
        flags.push("broken_paragraphs");
    }
    if c[garble::DOUBLED] > 0 {
        flags.push("doubled_words");
    }
    if c[garble::PLACEHOLDER] > 0 || c[garble::ISOLATED] > 0 {
        flags.push("stray_sentences");
    }
    if c[garble::REPEATED] > 0 {
        flags.push("repeated_lines");
    }
    if c[garble::ARTICLE] > 0 {
        flags.push("article_mismatches");
    }
    if c[garble::REPEATED_CONJUNCT] > 0 {
        flags.push("repeated_conjuncts");
    }
    if c[garble::TYPO] > 0 {
        flags.push("typos");
    }
    if c[garble::LOWER_START] > 0 {
        flags.push("lower_case_sentences");
    }
    if c[garble::REPEATED_PHRASE] > 0 {
        flags.push("repeated_phrases");
    }
    if c[garble::TOKENIZER_DEBRIS] > 0 {
        flags.push("tokenizer_debris");
    }
    if english
        && cues.scored_words >= 20
        && (cues.mean_surprisal > g.max_mean_surprisal || oov_share > g.max_oov_share)
    {
        flags.push("low_fluency");
    }
    let kinds = [
        garble::FRAGMENT,
        garble::DOUBLED,
        garble::MANGLED,
        garble::OOV,
        garble::PLACEHOLDER,
    ]
    .iter()
    .filter(|&&k| c[k] > 0)
    .count();
    if richness_factor < 0.9 {
        flags.push("low_lexical_richness");
    }
    if pair_factor < 0.9 {
        flags.push("unlikely_word_pairs");
    }
    if common_pair_factor < 0.95 {
        flags.push("common_word_pairs");
    }
    if rate >= g.mt_min_rate && kinds >= 2 {
        flags.push("machine_translation_suspected");
    }
    let mut lang_factor = 1.0;
    if lang_conf < g.lang_min_confidence && !seg.toks.is_empty() {
        lang_factor *= 0.9;
        flags.push("uncertain_language");
    }
    if other_lang_share > g.max_other_language_share {
        lang_factor *= 0.8;
        flags.push("mixed_language");
    }
    let lang = lang3
        .filter(|_| lang_conf >= g.lang_min_confidence)
        .map(iso639_1);
    if !opts.languages.is_empty() && !lang.as_ref().is_some_and(|l| opts.languages.contains(l)) {
        flags.push("wrong_language");
    }

    let evidence = Evidence {
        mangled_names: mangled,
        worst_sentences: worst_sentences(
            text,
            seg,
            &cues,
            &s.unlikely_pairs_scratch,
            pair_factor < 1.0,
            3,
        ),
        typos: std::mem::take(&mut cues.typos)
            .into_iter()
            .map(|(found, likely)| TypoEvidence { found, likely })
            .collect(),
    };
    let q = heur.factor
        * garble_factor
        * lang_factor
        * richness_factor
        * pair_factor
        * common_pair_factor;
    Quality {
        score: round4(q.clamp(0.0, 1.0)),
        // Collected in a vector and built in one go (sorted bulk build) instead of ~40
        // separate B-tree inserts; a key pushed twice keeps its last value, as with insert.
        signals: signals.drain(..).collect(),
        flags,
        lang,
        evidence,
    }
}

/// Language of a segmented document: ISO 639-3 code, confidence and script. English news is
/// recognised by its function words: when at least 25% of the first 300 words are among the
/// ~100 most frequent English words (Zipf >= 6; English news 0.33-0.45, German/French/Spanish
/// below 0.06), whatlang is skipped. Otherwise whatlang reads a 1 KiB prefix.
fn detect_language(
    text: &str,
    seg: &Segmented,
) -> (Option<&'static str>, f64, Option<whatlang::Script>) {
    let head = &seg.toks[..seg.toks.len().min(300)];
    let very_common = head.iter().filter(|t| t.zipf >= 60).count();
    let fast_english = head.len() >= 30 && very_common * 4 >= head.len();
    if fast_english {
        (Some("eng"), 1.0, Some(whatlang::Script::Latin))
    } else {
        match whatlang::detect(&text[..floor_char_boundary(text, 1024)]) {
            Some(i) => (Some(i.lang().code()), i.confidence(), Some(i.script())),
            None => (None, 0.0, None),
        }
    }
}

/// Scripts written without spaces between words, where word-based cues do not apply.
fn is_spaceless(script: Option<whatlang::Script>) -> bool {
    matches!(
        script,
        Some(
            whatlang::Script::Mandarin
                | whatlang::Script::Hiragana
                | whatlang::Script::Katakana
                | whatlang::Script::Thai
        )
    )
}

/// Weight of one unit of unlikely-pair cost (log10) against one cue event when the worst
/// sentences are chosen. In the score, an unlikely pair of cost `c` weighs about half a weight-1
/// cue event per word (`5c / checked` against `0.15 × 100 / words`, with roughly 0.6 checked
/// pairs per word).
const PAIR_COST_PER_EVENT: f64 = 0.5;
/// At most this many unlikely pairs are listed per sentence.
const MAX_PAIRS_PER_SENTENCE: usize = 5;

/// The `n` worst sentences, only those with at least one cue event or (when the document
/// pays for unlikely word pairs, `pairs_count`) an unlikely word pair. A sentence's badness is
/// its number of cue events plus `PAIR_COST_PER_EVENT` × the summed cost of its unlikely
/// pairs (counted only when `pairs_count`); ties: worse fluency, then earlier. Each reported
/// sentence lists its unlikely pairs (`unlikely`, in text order) whether or not they counted.
fn worst_sentences(
    text: &str,
    seg: &Segmented,
    cues: &garble::Cues,
    unlikely: &[bigrams::UnlikelyPair],
    pairs_count: bool,
    n: usize,
) -> Vec<SentenceEvidence> {
    let mut badness: Vec<f64> = cues.sent_events.iter().map(|&e| f64::from(e)).collect();
    if pairs_count {
        for m in unlikely {
            if let Some(b) = badness.get_mut(m.sent as usize) {
                *b += PAIR_COST_PER_EVENT * f64::from(m.cost10) / 10.0;
            }
        }
    }
    let mut idx: Vec<usize> = (0..seg.sents.len()).filter(|&i| badness[i] > 0.0).collect();
    // A total order (ties: worse fluency, then earlier), so the choice is deterministic; only
    // the `n` worst are needed.
    let worse = |&a: &usize, &b: &usize| {
        badness[b]
            .total_cmp(&badness[a])
            .then(cues.sent_fluency[b].total_cmp(&cues.sent_fluency[a]))
            .then(a.cmp(&b))
    };
    if idx.len() > n && n > 0 {
        idx.select_nth_unstable_by(n - 1, worse);
    }
    idx.truncate(n);
    idx.sort_unstable();
    idx.into_iter()
        .map(|i| {
            let t = seg.sents[i].text(text);
            let mask = cues.sent_mask[i];
            // `unlikely` is in text order, so a sentence's pairs are one run.
            let from = unlikely.partition_point(|m| (m.sent as usize) < i);
            let to = unlikely.partition_point(|m| (m.sent as usize) <= i);
            // The costliest pairs (ties: earlier first), without allocating per sentence.
            let mut top: [Option<&bigrams::UnlikelyPair>; MAX_PAIRS_PER_SENTENCE] =
                [None; MAX_PAIRS_PER_SENTENCE];
            for m in &unlikely[from..to] {
                if let Some(k) = top
                    .iter()
                    .position(|t| !matches!(t, Some(t) if m.cost10 <= t.cost10))
                {
                    top[k..].rotate_right(1);
                    top[k] = Some(m);
                }
            }
            let unlikely_pairs = top
                .iter()
                .flatten()
                .filter_map(|m| {
                    let a = seg.toks.get(m.first as usize)?;
                    let b = seg.toks.get(m.second as usize)?;
                    text.get(a.start as usize..b.end as usize)
                        .map(str::to_string)
                })
                .collect();
            SentenceEvidence {
                text: t[..floor_char_boundary(t, 200)].to_string(),
                cues: garble::CUE_NAMES
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| mask & (1 << k) != 0)
                    .map(|(_, n)| *n)
                    .collect(),
                fluency: round4(f64::from(cues.sent_fluency[i])),
                unlikely_pairs,
            }
        })
        .collect()
}

/// Share of the checked text (lines of at least 40 bytes) written in another language than
/// the document's. For English documents only lines that look un-English (most words unknown
/// to the lexicon) are passed to whatlang, so the common case costs one table look-up per word.
fn other_language_share(
    text: &str,
    seg: &Segmented,
    _lex: &Lexicon,
    doc_lang: Option<&'static str>,
    english: bool,
) -> f64 {
    let Some(doc_lang) = doc_lang else {
        return 0.0;
    };
    let mut checked = 0usize;
    let mut other = 0usize;
    let mut whatlang_budget = 4096usize;
    for b in seg.blocks.iter().take(256) {
        let t = b.text(text);
        if t.len() < 40 {
            continue;
        }
        checked += t.len();
        let suspicious = if english {
            let from = seg
                .sents
                .get(b.sent_start as usize)
                .map_or(0, |s| s.tok_start);
            let to = if b.sent_end > b.sent_start {
                seg.sents[b.sent_end as usize - 1].tok_end
            } else {
                from
            };
            let toks = seg.toks[from as usize..to as usize]
                .iter()
                .filter(|k| k.is(text::ALPHA));
            let (mut n, mut unknown) = (0usize, 0usize);
            for k in toks {
                n += 1;
                if k.zipf == 0 {
                    unknown += 1;
                }
            }
            n >= 5 && unknown * 2 > n
        } else {
            true
        };
        if !suspicious || whatlang_budget == 0 {
            continue;
        }
        let sample = &t[..floor_char_boundary(t, 256)];
        whatlang_budget = whatlang_budget.saturating_sub(sample.len());
        if let Some(i) = whatlang::detect(sample) {
            if i.lang().code() != doc_lang && i.confidence() >= 0.5 {
                other += t.len();
            }
        }
    }
    if checked == 0 {
        0.0
    } else {
        other as f64 / checked as f64
    }
}

/// whatlang returns ISO 639-3 codes; users write `--lang en,de`.
fn iso639_1(code3: &str) -> String {
    let two = match code3 {
        "eng" => "en",
        "deu" => "de",
        "fra" => "fr",
        "spa" => "es",
        "rus" => "ru",
        "cmn" => "zh",
        "jpn" => "ja",
        "ita" => "it",
        "por" => "pt",
        "nld" => "nl",
        "pol" => "pl",
        "ukr" => "uk",
        "tur" => "tr",
        "ara" => "ar",
        "kor" => "ko",
        "hin" => "hi",
        "swe" => "sv",
        "dan" => "da",
        "nob" => "no",
        "fin" => "fi",
        "ces" => "cs",
        "slk" => "sk",
        "hun" => "hu",
        "ron" => "ro",
        "bul" => "bg",
        "ell" => "el",
        "heb" => "he",
        "tha" => "th",
        "vie" => "vi",
        "ind" => "id",
        "pes" => "fa",
        "ben" => "bn",
        "hrv" => "hr",
        "srp" => "sr",
        "slv" => "sl",
        "lit" => "lt",
        "lav" => "lv",
        "est" => "et",
        "cat" => "ca",
        "hau" => "ha",
        "swh" => "sw",
        "tam" => "ta",
        other => other,
    };
    two.to_string()
}

/// The largest char boundary at or below `max`.
pub fn floor_char_boundary(s: &str, max: usize) -> usize {
    if max >= s.len() {
        return s.len();
    }
    let mut i = max;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    const ARTICLE: &str = "The city council approved the new harbour plan on Tuesday after a long debate.\n\nThe plan moves the ferry terminal two kilometres east and adds a cycle path along the water. Officials said construction would begin next spring and take three years to complete.\n\nResidents welcomed the decision, although some shop owners worried about the loss of passing trade during the works.";

    #[test]
    fn prose_scores_above_menu_text() {
        let opts = QualityOptions::default();
        let prose = score(ARTICLE, &opts);
        let menu = score("Home\nWorld\nSport\nSubscribe\nSign In\nHome\nWorld", &opts);
        assert!(
            prose.score > menu.score,
            "{} vs {}",
            prose.score,
            menu.score
        );
        assert!(menu.flags.contains(&"unterminated_lines"));
        assert_eq!(prose.lang.as_deref(), Some("en"));
    }

    #[test]
    fn score_stays_in_unit_interval() {
        let opts = QualityOptions::default();
        for t in ["", "!!!", "a a a a a a", ARTICLE, "x.Y", "é,,. .. ,"] {
            let q = score(t, &opts).score;
            assert!((0.0..=1.0).contains(&q), "{t}: {q}");
        }
    }

    #[test]
    fn pathological_documents_score_in_linear_time() {
        // One 60k-word run-on sentence full of distinct capitalised names.
        let letters = |n: u32| -> String {
            n.to_string()
                .bytes()
                .map(|d| char::from(b'a' + (d - b'0')))
                .collect()
        };
        let mut t = String::new();
        for i in 0..60_000u32 {
            t.push_str(&format!(
                "Kor{} and{} ",
                letters(i % 5000),
                letters(i % 7000)
            ));
        }
        let started = std::time::Instant::now();
        let q = score(&t, &QualityOptions::default());
        assert!((0.0..=1.0).contains(&q.score));
        assert!(started.elapsed().as_secs() < 20, "{:?}", started.elapsed());
    }

    #[test]
    fn a_repeated_paragraph_and_a_leftover_byline_cost_a_little() {
        let opts = QualityOptions::default();
        let clean = score(ARTICLE, &opts);
        let first = ARTICLE.lines().next().unwrap_or_default();
        let doubled = score(&format!("{first}\n\n{ARTICLE}"), &opts);
        assert!(
            doubled.flags.contains(&"repeated_lines"),
            "{:?}",
            doubled.flags
        );
        assert!(doubled.score < clean.score);
        // The same words, once as an unterminated byline line.
        let byline = score(&format!("{ARTICLE}\n\nJane Doe"), &opts);
        let sentence = score(&format!("{ARTICLE}\n\nJane Doe."), &opts);
        assert!(
            byline.score < sentence.score,
            "{} vs {}",
            byline.score,
            sentence.score
        );
        assert!(byline.score > 0.9 * sentence.score);
    }

    #[test]
    fn one_garbled_sentence_is_reported() {
        let opts = QualityOptions::default();
        let garbled = ARTICLE.replace(
            "Officials said construction would begin next spring and take three years to complete.",
            "Officials said the the construction would begin. Next spring .",
        );
        let q = score(&garbled, &opts);
        let clean = score(ARTICLE, &opts);
        assert!(q.score < clean.score);
        assert!(q.flags.contains(&"doubled_words"), "{:?}", q.flags);
        assert!(q.flags.contains(&"fragments"), "{:?}", q.flags);
        assert!(q
            .evidence
            .worst_sentences
            .iter()
            .any(|s| s.text.contains("the the")));
    }

    #[test]
    fn a_swapped_word_is_reported_with_its_unlikely_pairs() {
        let opts = QualityOptions::default();
        // "begin" swapped for "law" (fluent word by word, but "would law" is not English), and
        // two more swaps so that the document pays for its word pairs; a space before the
        // period of another sentence gives that sentence a cue but no unlikely pair.
        let swapped = format!(
            "{}\n\nIt was one of the best in the world .",
            ARTICLE
                .replace("would begin next", "would law next")
                .replace("adds a cycle", "adds a wrote")
                .replace("some shop owners", "some the owners")
        );
        let q = score(&swapped, &opts);
        let json = serde_json::to_string(&q.evidence).unwrap_or_default();
        let reported = |needle: &str, what: &str| {
            q.evidence
                .worst_sentences
                .iter()
                .find(|s| s.text.contains(needle))
                .unwrap_or_else(|| panic!("{what} sentence not reported: {json}"))
        };
        let bad = reported("would law", "swapped");
        assert!(
            bad.unlikely_pairs.iter().any(|p| p == "would law"),
            "{json}"
        );
        let debris = reported("the world .", "punctuation-debris");
        assert!(debris.unlikely_pairs.is_empty(), "{json}");
        assert!(json.contains("\"unlikely_pairs\":[\"would law\""), "{json}");
        // The clean article reports no unlikely pair anywhere.
        let clean = score(ARTICLE, &opts);
        assert!(
            clean
                .evidence
                .worst_sentences
                .iter()
                .all(|s| s.unlikely_pairs.is_empty()),
            "{:?}",
            clean.evidence
        );
        assert!(!serde_json::to_string(&clean)
            .unwrap_or_default()
            .contains("unlikely_pairs"));
    }
}

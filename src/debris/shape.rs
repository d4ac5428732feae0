//! Line shape: cheap features of one line (length, punctuation, stop words, dates, links)
//! computed in one pass without allocating.

use super::lang::LISTS;
use super::swar;

const WORDS: &str = include_str!("words.txt");
const DATE: u16 = 1 << 8;
const VERB: u16 = 1 << 9;
const MONTH: u16 = 1 << 10;
const SITE: u16 = 1 << 11;

/// Word lists used by the shape rules (stop words from `stopwords/`, date and verb words from
/// `words.txt`), merged into one table so each word costs one lookup: open addressing over
/// words packed into a `u128` (lookups are only made for words of at most 14 bytes), so a
/// probe is a multiply and one integer compare, with no string hashing or `memcmp`.
#[derive(Debug, Clone)]
pub struct Lexicon {
    /// (packed word, flags); key 0 is an empty slot. Flags: bits 0-4 stop word of `LANGS[i]`;
    /// `DATE`; `VERB`; `MONTH`; `SITE`.
    table: Vec<(u128, u16)>,
    shift: u32,
}

/// Longest word (bytes) the lexicon is asked about.
const MAX_WORD: usize = 14;

#[inline]
fn pack(w: &[u8]) -> u128 {
    let mut b = [0u8; 16];
    b[..w.len()].copy_from_slice(w);
    u128::from_le_bytes(b)
}

#[inline]
fn slot(key: u128, shift: u32) -> usize {
    let x = (key as u64) ^ ((key >> 64) as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    (x.wrapping_mul(0xff51_afd7_ed55_8ccd) >> shift) as usize
}

impl Lexicon {
    pub fn new() -> Lexicon {
        let mut words: Vec<(&'static str, u16)> = Vec::new();
        for (bit, list) in LISTS.iter().enumerate() {
            for w in list.lines().map(str::trim).filter(|w| !w.is_empty()) {
                words.push((w, 1 << bit));
            }
        }
        let mut section = 0u16;
        for line in WORDS.lines().map(str::trim) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            match line {
                "[date]" => section = DATE,
                "[verb]" => section = VERB,
                "[month]" => section = MONTH | DATE,
                "[site]" => section = SITE,
                _ if line.starts_with('[') => section = 0,
                _ if section != 0 => words.push((line, section)),
                _ => {}
            }
        }
        let bits = (words.len() * 4)
            .next_power_of_two()
            .trailing_zeros()
            .max(4);
        let shift = 64 - bits;
        let mut table = vec![(0u128, 0u16); 1 << bits];
        for (w, f) in words {
            if w.is_empty() || w.len() > MAX_WORD {
                continue; // never looked up
            }
            let key = pack(w.as_bytes());
            let mut i = slot(key, shift);
            loop {
                let e = &mut table[i];
                if e.0 == 0 || e.0 == key {
                    *e = (key, e.1 | f);
                    break;
                }
                i = (i + 1) & (table.len() - 1);
            }
        }
        Lexicon { table, shift }
    }

    #[inline]
    fn flags(&self, w: &str) -> u16 {
        self.flags_bytes(w.as_bytes())
    }

    #[inline]
    fn flags_bytes(&self, w: &[u8]) -> u16 {
        if w.is_empty() || w.len() > MAX_WORD {
            return 0;
        }
        // `pack` with word loads (no `memcpy` call).
        self.flags_key(load_le(w))
    }

    /// Flags of a word already packed (see `pack`).
    #[inline]
    fn flags_key(&self, key: u128) -> u16 {
        let mask = self.table.len() - 1;
        let mut i = slot(key, self.shift);
        loop {
            let (k, f) = self.table[i];
            if k == key {
                return f;
            }
            if k == 0 {
                return 0;
            }
            i = (i + 1) & mask;
        }
    }

    /// A stop word of any language.
    pub fn is_stop(&self, w: &str) -> bool {
        self.flags(w) & 0x1f != 0
    }

    pub fn is_date_word(&self, w: &str) -> bool {
        self.flags(w) & DATE != 0
    }
}

impl Default for Lexicon {
    fn default() -> Self {
        Lexicon::new()
    }
}

/// Features of one trimmed line.
#[derive(Debug, Default, Clone, Copy)]
pub struct Shape {
    /// Whitespace-separated tokens holding a letter or digit.
    pub words: u32,
    /// Length in "words", counting two CJK characters as one word.
    pub weight: u32,
    /// Stop-word hits per language in `LANGS` order.
    pub stop: [u16; 5],
    /// Ends in sentence punctuation (closing quotes and brackets skipped).
    pub ends_sentence: bool,
    /// Ends like a truncated teaser: "...", "…", "read more".
    pub ends_truncated: bool,
    /// Sentence breaks inside the line (". " followed by an upper-case letter).
    pub inner_sentences: u32,
    pub has_link: bool,
    pub has_copyright: bool,
    /// A month name next to a number, or a numeric date.
    pub date_like: bool,
    /// Every token is a number or a date/time word.
    pub time_only: bool,
    /// No English verb-like word (auxiliary, irregular form, -ed word).
    pub verbless: bool,
    /// Words starting with an upper-case letter.
    pub capitalised: u32,
    pub letters: u32,
    pub digits: u32,
    pub has_quote: bool,
    /// Words about the website itself ("comments", "account", "privacy"): `[site]` in
    /// `words.txt`.
    pub site_terms: u32,
    /// Characters other than whitespace.
    pub visible: u32,
    /// Words glued without a space ("NewsWorld", "0shares"): see [`lower_split_into`].
    pub glued: bool,
    /// An upper-case "MORE" token (the end of a hover card, see `spans::hover_cards`).
    pub more_link: bool,
}

impl Shape {
    /// Share of stop words for language index `lang`.
    pub fn stop_share(&self, lang: usize) -> f64 {
        if self.words == 0 {
            0.0
        } else {
            f64::from(self.stop[lang]) / f64::from(self.words)
        }
    }
}

/// Character classes with fast paths for ASCII, Cyrillic and general punctuation (quotes,
/// dashes), which make up almost all non-ASCII news text; everything else goes to the `char`
/// methods. Results are identical to theirs (see the `fast_classes_match_std` test), they only
/// skip the Unicode table searches that dominated profiles.
pub mod chars {
    #[inline]
    pub fn is_alphabetic(c: char) -> bool {
        match c as u32 {
            0..=0x7f => c.is_ascii_alphabetic(),
            // Latin-1 letters and Latin Extended-A/B (accented Latin text).
            0xd7 | 0xf7 => false,
            0xc0..=0x24f | 0x400..=0x481 => true,
            0x2000..=0x206f => false,
            _ => c.is_alphabetic(),
        }
    }

    #[inline]
    pub fn is_alphanumeric(c: char) -> bool {
        match c as u32 {
            0..=0x7f => c.is_ascii_alphanumeric(),
            0xd7 | 0xf7 => false,
            0xc0..=0x24f | 0x400..=0x481 => true,
            0x2000..=0x206f => false,
            _ => c.is_alphanumeric(),
        }
    }

    #[inline]
    pub fn is_numeric(c: char) -> bool {
        match c as u32 {
            0..=0x7f => c.is_ascii_digit(),
            0x400..=0x481 | 0x2000..=0x206f => false,
            _ => c.is_numeric(),
        }
    }

    #[inline]
    pub fn is_lowercase(c: char) -> bool {
        match c as u32 {
            0..=0x7f => c.is_ascii_lowercase(),
            0x430..=0x45f => true,
            0x400..=0x42f | 0x2000..=0x206f => false,
            _ => c.is_lowercase(),
        }
    }

    #[inline]
    pub fn is_uppercase(c: char) -> bool {
        match c as u32 {
            0..=0x7f => c.is_ascii_uppercase(),
            0x400..=0x42f => true,
            0x430..=0x45f | 0x2000..=0x206f => false,
            _ => c.is_uppercase(),
        }
    }

    /// Appends the lower-case form of `c` (as `char::to_lowercase`).
    #[inline]
    pub fn push_lower(out: &mut String, c: char) {
        let u = c as u32;
        let mapped = match u {
            0..=0x7f => Some(c.to_ascii_lowercase()),
            0x400..=0x40f => char::from_u32(u + 0x50),
            0x410..=0x42f => char::from_u32(u + 0x20),
            0x430..=0x45f | 0x2000..=0x206f => Some(c),
            _ => None,
        };
        match mapped {
            Some(m) => out.push(m),
            None => out.extend(c.to_lowercase()),
        }
    }
}

/// Characters whose lower-case form is one character of the same UTF-8 length (a subset: ASCII,
/// basic Cyrillic, general punctuation, and caseless CJK).
fn same_len_lower(c: char) -> bool {
    matches!(c as u32, 0..=0x7f | 0x400..=0x45f | 0x2000..=0x206f | 0x3000..=0x9fff | 0xac00..=0xd7a3)
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0x0E00..=0x0E7F)
}

/// Lower-cases `line` into `out`, inserting a space where words were glued together without
/// one ("Top NewsWorld News" → "top news world news", "0shares" → "0 shares"). Returns whether
/// any space was inserted (if not, `out` equals the plain lower-cased form of [`lower_into`]).
pub fn lower_split_into(line: &str, out: &mut String) -> bool {
    out.clear();
    let mut glued = false;
    if line.is_ascii() {
        // Copied in runs between the glue points, then lower-cased in place (the inserted
        // spaces are unaffected).
        let b = line.as_bytes();
        out.reserve(line.len() + 8);
        let (mut lower_run, mut start) = (0usize, 0usize);
        for i in 1..b.len() {
            let (p, c) = (b[i - 1], b[i]);
            lower_run = if p.is_ascii_lowercase() {
                lower_run + 1
            } else {
                0
            };
            if (p.is_ascii_lowercase() && c.is_ascii_uppercase() && lower_run >= 2)
                || (p.is_ascii_digit() && c.is_ascii_lowercase())
            {
                out.push_str(&line[start..i]);
                out.push(' ');
                start = i;
                glued = true;
            }
        }
        out.push_str(&line[start..]);
        out.make_ascii_lowercase();
        return glued;
    }
    let mut prev: Option<char> = None;
    let mut lower_run = 0usize;
    for c in line.chars() {
        if let Some(p) = prev {
            let glue = (chars::is_lowercase(p) && chars::is_uppercase(c) && lower_run >= 2)
                || (p.is_ascii_digit() && chars::is_alphabetic(c) && !chars::is_uppercase(c));
            if glue {
                out.push(' ');
                glued = true;
            }
        }
        lower_run = if chars::is_lowercase(c) {
            lower_run + 1
        } else {
            0
        };
        chars::push_lower(out, c);
        prev = Some(c);
    }
    glued
}

/// Lower-cases `line` into `out`: runs of ASCII in bulk, other characters one at a time.
pub fn lower_into(line: &str, out: &mut String) {
    out.clear();
    let mut rest = line;
    while !rest.is_empty() {
        let ascii = rest.bytes().position(|b| b >= 0x80).unwrap_or(rest.len());
        let start = out.len();
        out.push_str(&rest[..ascii]);
        out[start..].make_ascii_lowercase();
        rest = &rest[ascii..];
        let mut it = rest.chars();
        if let Some(c) = it.next() {
            chars::push_lower(out, c);
            rest = it.as_str();
        }
    }
}

/// Per-token state of the shape pass (dates need the previous token).
struct TokenPass<'a> {
    s: Shape,
    lex: &'a Lexicon,
    prev_month: bool,
    prev_number: bool,
    any_token: bool,
}

impl TokenPass<'_> {
    fn new(lex: &Lexicon) -> TokenPass<'_> {
        TokenPass {
            s: Shape {
                time_only: true,
                verbless: true,
                ..Shape::default()
            },
            lex,
            prev_month: false,
            prev_number: false,
            any_token: false,
        }
    }

    /// One whitespace-separated token and its lower-case form.
    #[inline]
    fn token(&mut self, tok: &str, ltok: &str) {
        let s = &mut self.s;
        let lex = self.lex;
        // Fast path: a plain lower-case ASCII word (most tokens of prose).
        if !ltok.is_empty() && ltok.bytes().all(|b| b.is_ascii_lowercase()) {
            s.words += 1;
            let first = tok.as_bytes()[0];
            if first.is_ascii_uppercase()
                || (first >= 0x80 && tok.chars().next().is_some_and(chars::is_uppercase))
            {
                s.capitalised += 1;
            }
            s.more_link |= tok.len() == 4 && tok == "MORE";
            let flags = lex.flags(ltok);
            count_stop(s, flags);
            s.site_terms += u32::from(flags & SITE != 0);
            if flags & VERB != 0 || (ltok.len() > 4 && ltok.ends_with("ed")) {
                s.verbless = false;
            }
            self.any_token = true;
            let month = flags & MONTH != 0;
            if flags & DATE == 0 {
                s.time_only = false;
            } else if month && self.prev_number {
                s.date_like = true;
            }
            self.prev_month = month && ltok.len() >= 3;
            self.prev_number = false;
            return;
        }
        if !tok.chars().any(chars::is_alphanumeric) {
            return;
        }
        s.words += 1;
        if tok.chars().next().is_some_and(chars::is_uppercase) {
            s.capitalised += 1;
        }
        s.more_link |= tok == "MORE";
        if contains_http(ltok.as_bytes())
            || ltok.starts_with("www.")
            || (ltok.contains('@') && ltok.contains('.'))
        {
            s.has_link = true;
        }
        let word = ltok.trim_matches(|c: char| !chars::is_alphanumeric(c));
        let flags = lex.flags(word);
        count_stop(s, flags);
        s.site_terms += u32::from(flags & SITE != 0);
        if flags & VERB != 0
            || (word.len() > 4 && word.ends_with("ed") && !tok.starts_with(chars::is_uppercase))
        {
            s.verbless = false;
        }
        if ltok.contains('.')
            && [".com", ".org", ".net", ".co.uk", ".html"]
                .iter()
                .any(|d| word.ends_with(d.trim_start_matches('.')) && ltok.contains(d))
        {
            s.has_link = true;
        }
        // Dates and times only matter on short lines (bylines, captions, comment headers).
        if s.words > 36 {
            s.time_only = false;
            return;
        }
        // Tokens of a date/time line: numbers and date words, split on punctuation.
        for part in ltok.split(|c: char| !chars::is_alphanumeric(c) && c != '.') {
            let part = part.trim_matches('.');
            if part.is_empty() {
                continue;
            }
            self.any_token = true;
            let number = part.chars().all(|c| c.is_ascii_digit())
                || (part.len() <= 4
                    && part.chars().next().is_some_and(|c| c.is_ascii_digit())
                    && ["st", "nd", "rd", "th"].iter().any(|x| part.ends_with(x)));
            let part_flags = if part.len() == word.len() {
                flags
            } else {
                lex.flags(part)
            };
            let month = !number && part_flags & MONTH != 0;
            if !(number || part_flags & DATE != 0) {
                s.time_only = false;
            }
            if ((month && self.prev_number) || (number && self.prev_month))
                && (month || part.len() <= 4)
            {
                s.date_like = true;
            }
            if number && is_numeric_date(part.as_bytes(), ltok.as_bytes()) {
                s.date_like = true;
            }
            self.prev_month = month && part.len() >= 3;
            self.prev_number = number;
        }
    }

    /// [`Self::token`] for an ASCII token that [`Self::simple_word`] declined (numbers,
    /// hyphenated, quoted and possessive words: about 6% of words, which cost some 500
    /// instructions each through `token`'s `char` decoding, closures and substring
    /// searchers). Same effect as `token` with the token's lower-case form: the token is
    /// lower-cased into a stack buffer and scanned as bytes (for ASCII, `chars::is_alphanumeric`
    /// and `chars::is_uppercase` are the ASCII tests). Long tokens (URLs) and plain letter runs
    /// (`token`'s own fast path) go to `token`, lower-cased into `buf`.
    fn token_ascii(&mut self, tok: &str, buf: &mut String) {
        let t = tok.as_bytes();
        if self.wrapped_word(t) {
            return;
        }
        let mut lower = [0u8; 32];
        let l = match lower.get_mut(..t.len()) {
            Some(l) if !t.is_empty() => l,
            _ => return self.token_lowered(tok, buf),
        };
        // Lower-cased, noting the bytes the link tests look for (one pass instead of a
        // `memchr` call per test).
        let (mut at, mut dot, mut h) = (false, false, false);
        for (d, &c) in l.iter_mut().zip(t) {
            let c = c.to_ascii_lowercase();
            *d = c;
            at |= c == b'@';
            dot |= c == b'.';
            h |= c == b'h';
        }
        let l = &*l;
        if l.iter().all(u8::is_ascii_lowercase) {
            return self.token_lowered(tok, buf);
        }
        let Some(first) = l.iter().position(u8::is_ascii_alphanumeric) else {
            return;
        };
        let last = l
            .iter()
            .rposition(u8::is_ascii_alphanumeric)
            .unwrap_or(first);
        let lex = self.lex;
        let s = &mut self.s;
        s.words += 1;
        let upper = t[0].is_ascii_uppercase();
        s.capitalised += u32::from(upper);
        s.more_link |= t == b"MORE";
        if (h && contains_http(l)) || l.starts_with(b"www.") || (at && dot) {
            s.has_link = true;
        }
        let word = &l[first..=last];
        let flags = lex.flags_bytes(word);
        count_stop(s, flags);
        s.site_terms += u32::from(flags & SITE != 0);
        if flags & VERB != 0 || (word.len() > 4 && word.ends_with(b"ed") && !upper) {
            s.verbless = false;
        }
        if dot
            && [&b".com"[..], b".org", b".net", b".co.uk", b".html"]
                .iter()
                .any(|d| word.ends_with(&d[1..]) && l.windows(d.len()).any(|w| w == *d))
        {
            s.has_link = true;
        }
        if s.words > 36 {
            s.time_only = false;
            return;
        }
        for part in l.split(|&c| !c.is_ascii_alphanumeric() && c != b'.') {
            let part = trim_dots(part);
            if part.is_empty() {
                continue;
            }
            self.any_token = true;
            let number = part.iter().all(u8::is_ascii_digit)
                || (part.len() <= 4
                    && part[0].is_ascii_digit()
                    && [b"st", b"nd", b"rd", b"th"]
                        .iter()
                        .any(|x| part.ends_with(*x)));
            let part_flags = if part.len() == word.len() {
                flags
            } else {
                lex.flags_bytes(part)
            };
            let month = !number && part_flags & MONTH != 0;
            if !(number || part_flags & DATE != 0) {
                s.time_only = false;
            }
            if ((month && self.prev_number) || (number && self.prev_month))
                && (month || part.len() <= 4)
            {
                s.date_like = true;
            }
            if number && is_numeric_date(part, l) {
                s.date_like = true;
            }
            self.prev_month = month && part.len() >= 3;
            self.prev_number = number;
        }
    }

    /// [`Self::token`] with the token lower-cased into `buf`.
    fn token_lowered(&mut self, tok: &str, buf: &mut String) {
        buf.clear();
        buf.push_str(tok);
        buf.make_ascii_lowercase();
        self.token(tok, buf);
    }

    /// An ASCII word of letters, maybe capitalised, maybe followed by one of `,.;:!?` (most
    /// tokens of prose), handled from its bytes exactly as [`Self::token`] would; false (and
    /// nothing done) for any other token. Inlined into the token loops: it runs for almost
    /// every word of the corpus.
    #[inline(always)]
    fn simple_word(&mut self, t: &[u8]) -> bool {
        let (n, punct) = match t.split_last() {
            Some((b',' | b'.' | b';' | b':' | b'!' | b'?', rest)) => (rest.len(), true),
            Some(_) => (t.len(), false),
            None => return false,
        };
        if n == 0 || n > MAX_WORD {
            return false;
        }
        let first = t[0];
        let first_upper = first.is_ascii_uppercase();
        if !(first_upper || first.is_ascii_lowercase()) {
            return false;
        }
        // Without punctuation the lower-case token is all letters: `token`'s fast path, which
        // neither looks for links nor exempts capitalised "-ed" words.
        let plain = !punct;
        if self
            .letter_word(load_le(&t[..n]), &t[..n], first_upper, plain)
            .is_none()
        {
            return false;
        }
        if !plain && (mentions_http(&t[..n]) || t == b"www.") {
            self.s.has_link = true;
        }
        true
    }

    /// What [`Self::simple_word`] and [`Self::wrapped_word`] share once a token's marks are
    /// set aside: its `core` (ASCII, a letter first; `w` is [`load_le`] of it) is a lexicon
    /// word when the rest of it is lower-case letters ("NewsWorld", "MORE", "U.S." take the
    /// general path). Counts it and returns its lexicon key ([`pack`]'s form), or `None` with
    /// nothing done. `plain`: the token is the bare core.
    #[inline(always)]
    fn letter_word(
        &mut self,
        w: u128,
        core: &[u8],
        first_upper: bool,
        plain: bool,
    ) -> Option<u128> {
        let n = core.len();
        let rest = REST_MASK[n];
        if !all_lower_ascii(w & rest, rest) {
            return None;
        }
        // The lower-case key: `w`'s low byte is the first letter (see `load_le`), so setting
        // its 0x20 bit lower-cases it, with no byte load or masking.
        debug_assert_eq!(w as u8, core[0]);
        let key = w | 0x20;
        self.s.words += 1;
        self.s.capitalised += u32::from(first_upper);
        let flags = self.lex.flags_key(key);
        // (A slice pattern: one length test instead of two bounds-checked loads.)
        let ed = n > 4 && matches!(core, [.., b'e', b'd']);
        self.lexicon_word(flags, ed && (plain || !first_upper), !plain, n);
        Some(key)
    }

    /// [`Self::simple_word`] widened to the words it declines most often: a word of letters
    /// (maybe capitalised) or a number, maybe opened by one of `"('` and closed by any of
    /// `,.;:!?"')` ("2019,", "\"We", "said,\"", "(the"), which `token` handled at some 500
    /// instructions each. Handled from its bytes exactly as [`Self::token`] would; false (and
    /// nothing done) for any other token. Tried only after `simple_word` (the extra tests of
    /// the wrapping cost every word some 20 instructions when folded into it).
    ///
    /// Why the wrapping changes nothing but what is written below: `token` trims
    /// non-alphanumerics from the ends for the lexicon word, and splits on them (other than
    /// '.', which it trims from each part) for the date parts, so both are the core word; no
    /// '.' or '@' comes before the core, so the address tests cannot fire; and the
    /// capital-letter tests look at the token's first byte, the opening mark if any.
    fn wrapped_word(&mut self, t: &[u8]) -> bool {
        let (open, body, n) = unwrap_marks(t);
        if n == 0 || n > MAX_WORD {
            return false;
        }
        let core = &body[..n];
        let first = core[0];
        let w = load_le(core);
        if first.is_ascii_digit() {
            return self.number_word(w, n, t);
        }
        let first_upper = !open && first.is_ascii_uppercase();
        if !first.is_ascii_alphabetic() {
            return false;
        }
        // A bare word's lower-case form is all letters: `token`'s fast path, which neither
        // looks for links nor exempts capitalised "-ed" words.
        let plain = n == t.len();
        let Some(key) = self.letter_word(w, core, first_upper, plain) else {
            return false;
        };
        if !plain && mentions_http(core) {
            self.s.has_link = true;
        }
        // `token`'s "www." test, for the words that used to reach it: those with more than one
        // closing mark. (A word with one, "www." itself, has always been taken here and never
        // counted as a link; kept so, for identical output.)
        if !open
            && t.len() > n + 1
            && body.get(n) == Some(&b'.')
            && key == u128::from_le_bytes(*b"www\0\0\0\0\0\0\0\0\0\0\0\0\0")
        {
            self.s.has_link = true;
        }
        true
    }

    /// A word of basic Cyrillic letters (U+0400 to U+045F), maybe opened by one of `"('` and
    /// closed by any of `,.;:!?"')`, handled from its bytes exactly as [`Self::token`] would
    /// with its lower-case form; false (and nothing done) for any other token. On Russian
    /// pages these words went through `lower_into` and `token`'s `char` path at some 1,300
    /// instructions each. Such a word is never a number, link, "-ed" form or `token`'s plain
    /// ASCII fast path, so only the lexicon flags and the date state remain.
    fn cyrillic_word(&mut self, t: &[u8]) -> bool {
        let (open, body, n) = unwrap_marks(t);
        let core = &body[..n];
        if core.is_empty() || n % 2 != 0 {
            return false;
        }
        // The lower-cased word as the lexicon's key (`pack`), when short enough to be asked.
        let mut key = [0u8; 16];
        let mut first_upper = false;
        for (i, pair) in core.chunks_exact(2).enumerate() {
            let c = match (pair[0], pair[1]) {
                (0xd0, b @ 0x80..=0xbf) => 0x400 + u32::from(b - 0x80),
                (0xd1, b @ 0x80..=0x9f) => 0x440 + u32::from(b - 0x80),
                _ => return false,
            };
            // As `chars::push_lower`.
            let lower = match c {
                0x400..=0x40f => c + 0x50,
                0x410..=0x42f => c + 0x20,
                _ => c,
            };
            if i == 0 {
                first_upper = c < 0x430;
            }
            if let Some(k) = key.get_mut(2 * i..2 * i + 2) {
                k[0] = 0xc0 | (lower >> 6) as u8;
                k[1] = 0x80 | (lower & 0x3f) as u8;
            }
        }
        let flags = if n <= MAX_WORD {
            self.lex.flags_key(u128::from_le_bytes(key))
        } else {
            0
        };
        let s = &mut self.s;
        s.words += 1;
        // `token` looks at the token's first character: the opening mark if any.
        s.capitalised += u32::from(!open && first_upper);
        self.lexicon_word(flags, false, true, n)
    }

    /// The bookkeeping every fast word path shares once a word (`n` bytes, counted in
    /// `words` and `capitalised` by the caller) has its lexicon `flags`: stop words, site
    /// terms, verbs (`verb_form`: an "-ed" form that counts as one), and the date state.
    /// `may_stop`: past 36 words the line is settled as not time-only and the rest skipped.
    #[inline(always)]
    fn lexicon_word(&mut self, flags: u16, verb_form: bool, may_stop: bool, n: usize) -> bool {
        let s = &mut self.s;
        count_stop(s, flags);
        s.site_terms += u32::from(flags & SITE != 0);
        if flags & VERB != 0 || verb_form {
            s.verbless = false;
        }
        if may_stop && s.words > 36 {
            s.time_only = false;
            return true;
        }
        self.any_token = true;
        let month = flags & MONTH != 0;
        if flags & DATE == 0 {
            s.time_only = false;
        } else if month && self.prev_number {
            s.date_like = true;
        }
        self.prev_month = month && n >= 3;
        self.prev_number = false;
        true
    }

    /// [`Self::wrapped_word`] for a core word starting with a digit (`w`: its `n` bytes as
    /// [`load_le`] packs them; `t`: the whole token): all digits, it is `token`'s number
    /// (never capitalised, never a link or verb form); anything else ("3pm", "31st") is left
    /// to `token`.
    #[inline]
    fn number_word(&mut self, w: u128, n: usize, t: &[u8]) -> bool {
        let full = REST_MASK[n] | 0xff;
        if !all_digits_ascii(w, full) {
            return false;
        }
        let s = &mut self.s;
        s.words += 1;
        let flags = self.lex.flags_key(w);
        count_stop(s, flags);
        s.site_terms += u32::from(flags & SITE != 0);
        if flags & VERB != 0 {
            s.verbless = false;
        }
        if s.words > 36 {
            s.time_only = false;
            return true;
        }
        self.any_token = true;
        // A number: never `time_only`'s exception, never a month.
        if (self.prev_month && n <= 4)
            || (n == 4
                && (w as u16 == u16::from_le_bytes(*b"19")
                    || w as u16 == u16::from_le_bytes(*b"20"))
                && t.len() >= 8
                && t.iter().filter(|c| matches!(c, b'-' | b'/' | b'.')).count() >= 2)
        {
            s.date_like = true;
        }
        self.prev_month = false;
        self.prev_number = true;
        true
    }

    /// Line-level features after the tokens; `ends_ci(x)`: the line's trimmed tail ends with
    /// `x` ignoring case.
    fn finish(mut self, line: &str, copyright_text: bool, cjk: u32) -> Shape {
        let s = &mut self.s;
        if !self.any_token {
            s.time_only = false;
        }
        s.has_copyright |= copyright_text;
        s.weight = s.words.max(cjk / 2);
        let end = line.trim_end_matches(|c: char| {
            matches!(c, '"' | '\'' | '”' | '’' | '»' | ')' | ']' | '*') || c.is_whitespace()
        });
        s.ends_sentence = end.ends_with(['.', '!', '?', '…', '。', '！', '？']);
        // Case-insensitive: the tail holds only alphanumerics, '.', '…' and what came before.
        let tail =
            line.trim_end_matches(|c: char| !chars::is_alphanumeric(c) && c != '.' && c != '…');
        let ends = |x: &str| {
            tail.len() >= x.len()
                && tail.is_char_boundary(tail.len() - x.len())
                && tail[tail.len() - x.len()..].eq_ignore_ascii_case(x)
        };
        s.ends_truncated = tail.ends_with("...")
            || tail.ends_with('…')
            || ends("read more")
            || ends("continue reading")
            || ends("weiterlesen")
            || ends("lire la suite")
            || ends_lower(tail, "leer más");
        self.s
    }
}

/// `tail` ends with the lower-case `x` once lower-cased (for a suffix with non-ASCII letters).
fn ends_lower(tail: &str, x: &str) -> bool {
    // Cheap rejection first (no allocation for almost every line): the last character must
    // lower-case to the last character of `x`.
    let (Some(last), Some(want)) = (tail.chars().next_back(), x.chars().next_back()) else {
        return x.is_empty();
    };
    if !last.to_lowercase().eq(std::iter::once(want)) {
        return false;
    }
    // ...and the character before it to a form ending in the one before that in `x` ("s"
    // ends many lines; "ás" few).
    if let Some(want2) = x.chars().rev().nth(1) {
        let before = tail.chars().rev().nth(1);
        if !before.is_some_and(|c| c.to_lowercase().last() == Some(want2)) {
            return false;
        }
    }
    let n = x.chars().count();
    let mut rev = tail.chars().rev().take(n).collect::<Vec<_>>();
    if rev.len() < n {
        return false;
    }
    rev.reverse();
    let mut low = String::with_capacity(x.len());
    for c in rev {
        chars::push_lower(&mut low, c);
    }
    low == x
}

/// Sentence breaks inside the line: ". " (or "! ", "? ") followed by an upper-case letter.
fn inner_sentences(b: &[u8]) -> u32 {
    let mut n = 0;
    let mut from = 0;
    while let Some(k) = memchr::memchr3(b'.', b'!', b'?', &b[from..]) {
        let i = from + k;
        if i + 2 < b.len() && b[i + 1] == b' ' && b[i + 2].is_ascii_uppercase() {
            n += 1;
        }
        from = i + 1;
    }
    n
}

/// Computes the shape of a trimmed line; `lower` is its plain lower-cased form. (`glued` is
/// only computed for ASCII lines; callers of this general path know it from
/// [`lower_split_into`].)
pub fn shape(line: &str, lower: &str, lex: &Lexicon) -> Shape {
    if line.is_ascii() && lower.len() == line.len() {
        return shape_ascii(line, lex, &mut String::new(), &mut Vec::new());
    }
    let mut pass = TokenPass::new(lex);
    let s = &mut pass.s;
    let mut cjk = 0u32;
    for c in line.chars() {
        if c.is_ascii() {
            s.letters += u32::from(c.is_ascii_alphabetic());
            s.digits += u32::from(c.is_ascii_digit());
            s.has_quote |= c == '"';
        } else if is_cjk(c) {
            s.letters += 1;
            cjk += 1;
        } else if chars::is_alphabetic(c) {
            s.letters += 1;
        } else if chars::is_numeric(c) {
            s.digits += 1;
        } else if matches!(c, '“' | '”' | '«' | '»' | '„') {
            s.has_quote = true;
        } else if c == '©' {
            s.has_copyright = true;
        }
        if !c.is_whitespace() {
            s.visible += 1;
        }
    }
    // Lines whose characters all keep their byte length in lower case (Cyrillic, typographic
    // punctuation) have the same byte offsets in `lower`: slice it rather than split again.
    // An ASCII token's lower-case form is its ASCII lower-case form: plain words take the
    // byte path.
    if lower.len() == line.len() && line.chars().all(same_len_lower) {
        let base = line.as_ptr() as usize;
        for tok in line.split_whitespace() {
            if tok.is_ascii() && pass.simple_word(tok.as_bytes()) {
                continue;
            }
            let off = tok.as_ptr() as usize - base;
            pass.token(tok, &lower[off..off + tok.len()]);
        }
    } else {
        for (tok, ltok) in line.split_whitespace().zip(lower.split_whitespace()) {
            if tok.is_ascii() && pass.simple_word(tok.as_bytes()) {
                continue;
            }
            pass.token(tok, ltok);
        }
    }
    let copyright = lower.contains("(c) ") || lower.starts_with("copyright");
    let mut s = pass.finish(line, copyright, cjk);
    s.inner_sentences = inner_sentences(line.as_bytes());
    s
}

/// A non-ASCII line's shape without its lower-case form, with two facts the caller needs to
/// scan the line itself for phrases instead of its lower-case form: `glued` (what
/// [`lower_split_into`] returns) and whether lower-casing changes only ASCII letters (every
/// other character is its own lower case), so the ASCII-case-insensitive automata see the
/// same text. Same `Shape` as [`shape`] with the line's lower-case form, except `glued`, left
/// false as [`shape`] leaves it (most non-ASCII news lines are ASCII but for a few quotes or
/// accented letters, and their lower-casing dominated profiles).
pub fn shape_mixed(
    line: &str,
    lex: &Lexicon,
    buf: &mut String,
    seps: &mut Vec<u64>,
) -> (Shape, bool, bool) {
    let mut pass = TokenPass::new(lex);
    let s = &mut pass.s;
    let b = line.as_bytes();
    let mut cjk = 0u32;
    let mut glue = swar::Glue::default();
    let mut invariant = true;
    // Separators of `split_whitespace`, as a bit map.
    swar::clear_bits(seps, b.len());
    let mut i = 0;
    while i < b.len() {
        // Most of a mixed line is ASCII (a few quotes, accents or currency signs): eight ASCII
        // bytes at a time, other characters one at a time.
        if let Some(w) = b.get(i..i + 8).map(swar::load8) {
            if !swar::has_high(w) {
                let k = swar::Classes::of(w);
                s.letters += swar::count(k.lower | k.upper);
                s.digits += swar::count(k.digit);
                s.has_quote |= k.quote != 0;
                s.visible += 8 - swar::count(k.space);
                glue.word(&k);
                swar::or_bits(seps, i, u64::from(swar::to_bits(k.space)));
                i += 8;
                continue;
            }
        }
        let Some(c) = line.get(i..).and_then(|r| r.chars().next()) else {
            break;
        };
        if c.is_whitespace() {
            swar::or_bits(seps, i, (1 << c.len_utf8()) - 1);
        }
        if c.is_ascii() {
            let k = BYTE_CLASS[c as usize];
            s.letters += u32::from(k & ALPHA != 0);
            s.digits += u32::from(k & DIGIT != 0);
            s.has_quote |= k & QUOTE != 0;
            s.visible += u32::from(k & SPACE == 0);
            // An ASCII letter that is not upper case is lower case.
            let (lower, upper) = (k & LOWER != 0, k & UPPER != 0);
            glue.char(lower, upper, k & DIGIT != 0, lower);
            i += 1;
            continue;
        }
        invariant &= lower_invariant(c);
        if is_cjk(c) {
            s.letters += 1;
            cjk += 1;
        } else if chars::is_alphabetic(c) {
            s.letters += 1;
        } else if chars::is_numeric(c) {
            s.digits += 1;
        } else if matches!(c, '“' | '”' | '«' | '»' | '„') {
            s.has_quote = true;
        } else if c == '©' {
            s.has_copyright = true;
        }
        if !c.is_whitespace() {
            s.visible += 1;
        }
        let (lower, upper) = (chars::is_lowercase(c), chars::is_uppercase(c));
        glue.char(lower, upper, false, chars::is_alphabetic(c) && !upper);
        i += c.len_utf8();
    }
    swar::seal(seps, b.len());
    // Lower-casing maps whitespace to itself and nothing else to whitespace, character by
    // character (`lower_into`): each token's lower-case form is the lower-cased token.
    for (start, end) in swar::BitTokens::new(seps) {
        // Separators are whole characters: tokens are too.
        let Some(tok) = line.get(start..end) else {
            continue;
        };
        if tok.is_ascii() {
            if !pass.simple_word(tok.as_bytes()) {
                pass.token_ascii(tok, buf);
            }
            continue;
        }
        if pass.cyrillic_word(tok.as_bytes()) {
            continue;
        }
        lower_into(tok, buf);
        pass.token(tok, buf);
    }
    // Only 'C' and 'c' lower-case to 'c', and the one multi-character lower case ('İ' →
    // "i̇") leaves a combining dot after its 'i': the lower-case form holds "(c) " or starts
    // with "copyright" exactly when the line does ignoring ASCII case.
    let copyright =
        contains_ci(b, b"(c) ") || (b.len() >= 9 && b[..9].eq_ignore_ascii_case(b"copyright"));
    let mut s = pass.finish(line, copyright, cjk);
    s.inner_sentences = inner_sentences(b);
    (s, glue.glued, invariant)
}

/// `c` is its own lower-case form.
#[inline]
fn lower_invariant(c: char) -> bool {
    match c as u32 {
        0x430..=0x45f | 0x2000..=0x206f => true,
        0x400..=0x42f => false,
        _ => {
            let mut l = c.to_lowercase();
            l.next() == Some(c) && l.next().is_none()
        }
    }
}

/// [`shape`] of an ASCII line, without its lower-case form (tokens are lower-cased one at a
/// time into `buf`, and only when they hold an upper-case letter). `seps` is scratch space for
/// the line's separator bit map.
pub fn shape_ascii(line: &str, lex: &Lexicon, buf: &mut String, seps: &mut Vec<u64>) -> Shape {
    debug_assert!(line.is_ascii());
    let mut pass = TokenPass::new(lex);
    let s = &mut pass.s;
    let b = line.as_bytes();
    // Byte classes eight bytes at a time, and where the tokens are.
    let counts = swar::ascii_counts(b, seps);
    s.letters = counts.letters;
    s.digits = counts.digits;
    s.has_quote = counts.quote;
    s.visible = b.len() as u32 - counts.spaces;
    for (start, end) in swar::BitTokens::new(seps) {
        let tok = &b[start..end];
        if pass.simple_word(tok) {
            continue;
        }
        // Tokens are cut at ASCII whitespace of an ASCII line: whole characters.
        if let Some(tok) = line.get(start..end) {
            pass.token_ascii(tok, buf);
        }
    }
    let copyright =
        contains_ci(b, b"(c) ") || (b.len() >= 9 && b[..9].eq_ignore_ascii_case(b"copyright"));
    let mut s = pass.finish(line, copyright, 0);
    s.inner_sentences = inner_sentences(b);
    s.glued = counts.glue;
    s
}

/// The bytes of `t` (1 to 16 of them) as a little-endian `u128`, zero above: [`pack`] with
/// overlapping word loads instead of a byte loop.
#[inline]
fn load_le(t: &[u8]) -> u128 {
    let n = t.len();
    let u64_at = |i: usize| t[i..i + 8].try_into().map_or(0, u64::from_le_bytes);
    let u32_at = |i: usize| t[i..i + 4].try_into().map_or(0, u32::from_le_bytes);
    if n >= 8 {
        let hi = if n > 8 {
            u64_at(n - 8) >> (8 * (16 - n))
        } else {
            0
        };
        u128::from(u64_at(0)) | u128::from(hi) << 64
    } else if n >= 4 {
        let hi = u64::from(u32_at(n - 4)) >> (8 * (8 - n));
        u128::from(u64::from(u32_at(0)) | hi << 32)
    } else {
        // One to three bytes ("a", "of", "the": a good share of all words): matched by length,
        // without the bounds checks of three indexed loads.
        match *t {
            [a] => u128::from(a),
            [a, b] => u128::from(u16::from_le_bytes([a, b])),
            [a, b, c] => u128::from(u32::from_le_bytes([a, b, c, 0])),
            _ => 0,
        }
    }
}

/// For a word of `n` bytes (at most `MAX_WORD`), the mask of its bytes 1 to `n - 1` in
/// [`load_le`]'s layout (a table: variable `u128` shifts are slow).
const REST_MASK: [u128; MAX_WORD + 1] = {
    let mut t = [0u128; MAX_WORD + 1];
    let mut n = 1;
    while n <= MAX_WORD {
        t[n] = ((1u128 << (8 * n)) - 1) & !0xff;
        n += 1;
    }
    t
};

/// Every byte of `w` under `mask` (whole bytes of 0xff) is an ASCII lower-case letter (bytes
/// outside `mask` must be zero). Checked in 64-bit halves, the upper one only for words of
/// more than eight bytes (the byte tests never carry across bytes, so halves are independent).
#[inline]
fn all_lower_ascii(w: u128, mask: u128) -> bool {
    let hi_mask = (mask >> 64) as u64;
    all_lower_ascii64(w as u64, mask as u64)
        && (hi_mask == 0 || all_lower_ascii64((w >> 64) as u64, hi_mask))
}

/// Every byte of `w` under `mask` (whole bytes of 0xff, zero bytes outside it) is an ASCII
/// digit (the same carry-free byte tests as [`all_lower_ascii64`]).
#[inline]
fn all_digits_ascii(w: u128, mask: u128) -> bool {
    const ONES: u128 = u128::MAX / 255;
    const HIGH: u128 = ONES * 0x80;
    w & HIGH == 0
        && (w + ONES * (0x80 - 0x30)) & HIGH & mask == HIGH & mask
        && (w + ONES * (0x7f - 0x39)) & HIGH & mask == 0
}

#[inline]
fn all_lower_ascii64(w: u64, mask: u64) -> bool {
    const ONES: u64 = u64::MAX / 255;
    const HIGH: u64 = ONES * 0x80;
    // Below 0x80, adding 0x1f (0x05) sets a byte's high bit exactly when it is at least b'a'
    // (above b'z'), without carrying into the next byte.
    w & HIGH == 0
        && (w + ONES * 0x1f) & HIGH & mask == HIGH & mask
        && (w + ONES * 0x05) & HIGH & mask == 0
}

// Byte classes for `shape_mixed`.
const ALPHA: u8 = 1;
const DIGIT: u8 = 2;
const QUOTE: u8 = 4;
const SPACE: u8 = 8;
/// Lower-case letter (bit 4) and upper-case letter (bit 5, one above, so that `k >> 1`
/// moves it onto `LOWER`).
const LOWER: u8 = 16;
const UPPER: u8 = 32;

const BYTE_CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = if c.is_ascii_lowercase() {
            ALPHA | LOWER
        } else if c.is_ascii_uppercase() {
            ALPHA | UPPER
        } else if c.is_ascii_digit() {
            DIGIT
        } else if c == b'"' {
            QUOTE
        } else if c == b' ' || (c >= b'\t' && c <= b'\r') {
            SPACE
        } else {
            0
        };
        i += 1;
    }
    t
};

/// `b` contains "http" (a plain window search: tokens are short, and `str::contains` set up a
/// substring searcher for each).
#[inline]
fn contains_http(b: &[u8]) -> bool {
    b.windows(4).any(|w| w == b"http")
}

/// `hay` contains `needle` (lower-case ASCII) ignoring ASCII case.
fn contains_ci(hay: &[u8], needle: &[u8]) -> bool {
    let Some(&first) = needle.first() else {
        return true;
    };
    let mut from = 0;
    while let Some(k) = memchr::memchr2(first, first.to_ascii_uppercase(), &hay[from..]) {
        let i = from + k;
        if hay.len() - i >= needle.len() && hay[i..i + needle.len()].eq_ignore_ascii_case(needle) {
            return true;
        }
        from = i + 1;
    }
    false
}

/// Whether [`lower_split_into`] would insert a space (ASCII line): the plain form of the glue
/// test in `shape_ascii`.
#[cfg(test)]
fn glued_ascii(b: &[u8]) -> bool {
    let mut glue = false;
    let mut lower_run = 0usize;
    for w in b.windows(2) {
        let (p, c) = (w[0], w[1]);
        lower_run = if p.is_ascii_lowercase() {
            lower_run + 1
        } else {
            0
        };
        glue |= (p.is_ascii_lowercase() && c.is_ascii_uppercase() && lower_run >= 2)
            || (p.is_ascii_digit() && c.is_ascii_lowercase());
    }
    glue
}

/// Splits a token into its opening mark (one of `"('`, if any), the rest, and the length of
/// the core word inside the rest, before any closing marks `,.;:!?"')`.
#[inline(always)]
fn unwrap_marks(t: &[u8]) -> (bool, &[u8], usize) {
    let (open, body) = match t {
        [b'"' | b'(' | b'\'', rest @ ..] => (true, rest),
        _ => (false, t),
    };
    let mut n = body.len();
    while let Some(b',' | b'.' | b';' | b':' | b'!' | b'?' | b'"' | b'\'' | b')') =
        body.get(n.wrapping_sub(1))
    {
        n -= 1;
    }
    (open, body, n)
}

/// True when an ASCII word (first letter in any case, the rest lower case) contains "http".
/// Most words hold no 'h', so the window search is skipped for them.
#[inline(always)]
fn mentions_http(word: &[u8]) -> bool {
    let Some((&first, rest)) = word.split_first() else {
        return false;
    };
    let low = |i: usize| if i == 0 { first | 0x20 } else { word[i] };
    (first | 0x20 == b'h' || rest.contains(&b'h'))
        && (0..word.len().saturating_sub(3))
            .any(|i| [low(i), low(i + 1), low(i + 2), low(i + 3)] == *b"http")
}

#[inline]
fn count_stop(s: &mut Shape, flags: u16) {
    let bits = flags & 0x1f;
    if bits != 0 {
        for (i, n) in s.stop.iter_mut().enumerate() {
            if bits & (1 << i) != 0 {
                *n += 1;
            }
        }
    }
}

/// A 4-digit year inside a token with separators: 2019-11-18, 18.11.2019, 11/18/2019. (On
/// bytes: the separators are ASCII, and UTF-8 continuation bytes never equal them.)
fn is_numeric_date(part: &[u8], token: &[u8]) -> bool {
    part.len() == 4
        && (part.starts_with(b"19") || part.starts_with(b"20"))
        && token.len() >= 8
        && token
            .iter()
            .filter(|c| matches!(c, b'-' | b'/' | b'.'))
            .count()
            >= 2
}

/// `part` without leading and trailing dots (`str::trim_matches('.')` on bytes).
fn trim_dots(mut part: &[u8]) -> &[u8] {
    while let [b'.', rest @ ..] = part {
        part = rest;
    }
    while let [rest @ .., b'.'] = part {
        part = rest;
    }
    part
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(line: &str) -> Shape {
        let lex = Lexicon::new();
        let mut lower = String::new();
        lower_into(line, &mut lower);
        shape(line, &lower, &lex)
    }

    /// The shape pass as it was before the ASCII path: the reference for equality.
    fn shape_reference(line: &str, lower: &str, lex: &Lexicon) -> Shape {
        let mut s = Shape {
            time_only: true,
            verbless: true,
            ..Shape::default()
        };
        let mut cjk = 0u32;
        let ascii = line.is_ascii();
        if ascii {
            for &b in line.as_bytes() {
                s.letters += u32::from(b.is_ascii_alphabetic());
                s.digits += u32::from(b.is_ascii_digit());
                s.has_quote |= b == b'"';
            }
        } else {
            for c in line.chars() {
                if c.is_ascii() {
                    s.letters += u32::from(c.is_ascii_alphabetic());
                    s.digits += u32::from(c.is_ascii_digit());
                    s.has_quote |= c == '"';
                } else if is_cjk(c) {
                    s.letters += 1;
                    cjk += 1;
                } else if chars::is_alphabetic(c) {
                    s.letters += 1;
                } else if chars::is_numeric(c) {
                    s.digits += 1;
                } else if matches!(c, '“' | '”' | '«' | '»' | '„') {
                    s.has_quote = true;
                } else if c == '©' {
                    s.has_copyright = true;
                }
            }
        }
        let mut prev_month = false;
        let mut prev_number = false;
        let mut any_token = false;
        let mut on_token = |tok: &str, ltok: &str| {
            if !tok.chars().any(chars::is_alphanumeric) {
                return;
            }
            s.words += 1;
            if tok.chars().next().is_some_and(chars::is_uppercase) {
                s.capitalised += 1;
            }
            // Fast path: a plain lower-case ASCII word (most tokens of prose).
            if ltok.bytes().all(|b| b.is_ascii_lowercase()) {
                let flags = lex.flags(ltok);
                count_stop(&mut s, flags);
                s.site_terms += u32::from(flags & SITE != 0);
                if flags & VERB != 0 || (ltok.len() > 4 && ltok.ends_with("ed")) {
                    s.verbless = false;
                }
                any_token = true;
                let month = flags & MONTH != 0;
                if flags & DATE == 0 {
                    s.time_only = false;
                } else if month && prev_number {
                    s.date_like = true;
                }
                prev_month = month && ltok.len() >= 3;
                prev_number = false;
                return;
            }
            if ltok.contains("http")
                || ltok.starts_with("www.")
                || (ltok.contains('@') && ltok.contains('.'))
            {
                s.has_link = true;
            }
            let word = ltok.trim_matches(|c: char| !chars::is_alphanumeric(c));
            let flags = lex.flags(word);
            count_stop(&mut s, flags);
            s.site_terms += u32::from(flags & SITE != 0);
            if flags & VERB != 0
                || (word.len() > 4 && word.ends_with("ed") && !tok.starts_with(chars::is_uppercase))
            {
                s.verbless = false;
            }
            if ltok.contains('.')
                && [".com", ".org", ".net", ".co.uk", ".html"]
                    .iter()
                    .any(|d| word.ends_with(d.trim_start_matches('.')) && ltok.contains(d))
            {
                s.has_link = true;
            }
            // Dates and times only matter on short lines (bylines, captions, comment headers).
            if s.words > 36 {
                s.time_only = false;
                return;
            }
            // Tokens of a date/time line: numbers and date words, split on punctuation.
            for part in ltok.split(|c: char| !chars::is_alphanumeric(c) && c != '.') {
                let part = part.trim_matches('.');
                if part.is_empty() {
                    continue;
                }
                any_token = true;
                let number = part.chars().all(|c| c.is_ascii_digit())
                    || (part.len() <= 4
                        && part.chars().next().is_some_and(|c| c.is_ascii_digit())
                        && ["st", "nd", "rd", "th"].iter().any(|x| part.ends_with(x)));
                let part_flags = if part.len() == word.len() {
                    flags
                } else {
                    lex.flags(part)
                };
                let month = !number && part_flags & MONTH != 0;
                if !(number || part_flags & DATE != 0) {
                    s.time_only = false;
                }
                if ((month && prev_number) || (number && prev_month)) && (month || part.len() <= 4)
                {
                    s.date_like = true;
                }
                if number && is_numeric_date(part.as_bytes(), ltok.as_bytes()) {
                    s.date_like = true;
                }
                prev_month = month && part.len() >= 3;
                prev_number = number;
            }
        };
        // ASCII lines (most news text) split faster, and their lower-case form has the same byte
        // offsets, so it is sliced rather than split again; so are lines whose characters all keep
        // their byte length in lower case (Cyrillic, typographic punctuation).
        if (line.is_ascii() && lower.len() == line.len())
            || (lower.len() == line.len() && line.chars().all(same_len_lower))
        {
            let base = line.as_ptr() as usize;
            let ascii = line.is_ascii();
            let mut each = |tok: &str| {
                let off = tok.as_ptr() as usize - base;
                on_token(tok, &lower[off..off + tok.len()]);
            };
            if ascii {
                line.split_ascii_whitespace().for_each(&mut each);
            } else {
                line.split_whitespace().for_each(&mut each);
            }
        } else {
            for (tok, ltok) in line.split_whitespace().zip(lower.split_whitespace()) {
                on_token(tok, ltok);
            }
        }
        if !any_token {
            s.time_only = false;
        }
        if lower.contains("(c) ") || lower.starts_with("copyright") {
            s.has_copyright = true;
        }
        s.weight = s.words.max(cjk / 2);
        let end = line.trim_end_matches(|c: char| {
            matches!(c, '"' | '\'' | '”' | '’' | '»' | ')' | ']' | '*') || c.is_whitespace()
        });
        s.ends_sentence = end.ends_with(['.', '!', '?', '…', '。', '！', '？']);
        let tail =
            lower.trim_end_matches(|c: char| !chars::is_alphanumeric(c) && c != '.' && c != '…');
        s.ends_truncated = tail.ends_with("...")
            || tail.ends_with('…')
            || tail.ends_with("read more")
            || tail.ends_with("continue reading")
            || tail.ends_with("weiterlesen")
            || tail.ends_with("lire la suite")
            || tail.ends_with("leer más");
        let b = line.as_bytes();
        for i in 0..b.len().saturating_sub(2) {
            if matches!(b[i], b'.' | b'!' | b'?')
                && b[i + 1] == b' '
                && b[i + 2].is_ascii_uppercase()
            {
                s.inner_sentences += 1;
            }
        }
        s
    }

    #[test]
    fn ascii_and_token_paths_match_the_reference() {
        let lex = Lexicon::new();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
        let mut lines: Vec<String> = Vec::new();
        let news = std::fs::read_to_string(dir.join("news.jsonl")).expect("samples");
        for rec in news.lines() {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(rec) {
                if let Some(t) = v["text"].as_str() {
                    lines.extend(t.lines().map(|l| l.trim().to_string()));
                }
            }
        }
        lines.extend(
            [
                "November 18, 2019 11:03 PM",
                "By JANE ROE | Posted 2 hours ago",
                "Visit https://example.com/a or www.Example.org today!",
                "© 2019 Gazette (C) All rights reserved",
                "Copyright 2020 The Times",
                "the real test will come when ... READ MORE",
                "Seguir leyendo... Leer más",
                "Gov. Kristi NoemKristi Lynn MORE said.",
                "Он сказал, что «всё будет хорошо». Потом ушёл.",
                "The café’s owner, Zoë, said: “We opened in 2019.” Then she left, smiling.",
                "Ärger in München: Die Stadt (c) hat es — wieder — getan, sagte er. Weiterlesen",
                "Top NewsWorld News 0shares",
                "Httpd, Https. www. Www. Rehttp; Played, played. Wanted Stopped.",
                "3rd May 2020, 18.11.2019 and 2019-11-18 were dated",
                "“Quoted,” she said.  Then\ttabs\x0bhere.",
            ]
            .map(String::from),
        );
        let mut lower = String::new();
        for l in lines.iter().filter(|l| !l.is_empty()) {
            lower_into(l, &mut lower);
            let mut new = shape(l, &lower, &lex);
            let old = shape_reference(l, &lower, &lex);
            assert_eq!(
                new.visible as usize,
                l.chars().filter(|c| !c.is_whitespace()).count()
            );
            let mut split = String::new();
            if l.is_ascii() {
                assert_eq!(new.glued, lower_split_into(l, &mut split), "{l}");
                assert_eq!(new.glued, glued_ascii(l.as_bytes()), "{l}");
            }
            (new.visible, new.glued, new.more_link) = (0, false, false);
            assert_eq!(format!("{new:?}"), format!("{old:?}"), "{l}");
        }
    }

    #[test]
    fn mixed_shape_matches_shape_with_the_lower_case_form() {
        let lex = Lexicon::new();
        let mut lines: Vec<String> = Vec::new();
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("samples");
        let news = std::fs::read_to_string(dir.join("news.jsonl")).expect("samples");
        for rec in news.lines() {
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(rec) {
                if let Some(t) = v["text"].as_str() {
                    lines.extend(t.lines().map(|l| l.trim().to_string()));
                }
            }
        }
        lines.extend(
            [
                "Он сказал, что «всё будет хорошо». Потом ушёл.",
                "The café’s owner, Zoë, said: “We opened in 2019.” Then she left.",
                "Ärger in München: Die Stadt (c) hat es — wieder — getan. Weiterlesen",
                "COPYRİGHT İstanbul (C)\u{a0}2020 K\u{212a} ǅemal",
                "Top NewsWorld News 0shares café 5é caféWorld",
                "Seguir leyendo... Leer más",
                "November\u{a0}18,\u{2009}2019 11:03 PM",
                "全角テキスト ＡＢＣ 2019年",
                "\"Москва\", (Ёлки) «Новости» ПУТИН Ещё, ещё.\" Он: сказал!) январь 2020 19 января",
            ]
            .map(String::from),
        );
        let (mut lower, mut split, mut buf) = (String::new(), String::new(), String::new());
        for l in lines.iter().filter(|l| !l.is_empty() && !l.is_ascii()) {
            lower_into(l, &mut lower);
            let old = shape(l, &lower, &lex);
            let (new, glued, invariant) = shape_mixed(l, &lex, &mut buf, &mut Vec::new());
            assert_eq!(format!("{new:?}"), format!("{old:?}"), "{l}");
            assert_eq!(glued, lower_split_into(l, &mut split), "{l}");
            assert_eq!(
                invariant,
                lower.len() == l.len()
                    && lower
                        .chars()
                        .zip(l.chars())
                        .all(|(a, b)| a == b || (b.is_ascii() && a == b.to_ascii_lowercase())),
                "{l}"
            );
        }
    }

    proptest::proptest! {
        /// The word loads equal the byte loop of `pack` for any bytes and every length.
        #[test]
        fn word_loads_match_pack(t in proptest::collection::vec(proptest::prelude::any::<u8>(), 1..=16)) {
            proptest::prop_assert_eq!(load_le(&t), pack(&t));
        }
    }

    #[test]
    fn word_loads_match_pack_and_the_letter_test() {
        for n in 1..=16usize {
            let t: Vec<u8> = (0..n as u8).map(|i| b'a' + i).collect();
            assert_eq!(load_le(&t), pack(&t[..n.min(16)]), "{n}");
        }
        for (n, &m) in REST_MASK.iter().enumerate().skip(1) {
            assert_eq!(m, ((1u128 << (8 * n)) - 1) & !0xff, "{n}");
        }
        for w in [
            "ab",
            "abc",
            "word",
            "wordy",
            "letters",
            "lettersz",
            "abcdefghijklmn",
        ] {
            let m = ((1u128 << (8 * w.len())) - 1) & !0xff;
            assert!(all_lower_ascii(load_le(w.as_bytes()) & m, m), "{w}");
        }
        for w in [
            "aB",
            "a`c",
            "ab{",
            "abc1",
            "wordZ",
            "lette\u{7f}s",
            "abcdefghijklm@",
        ] {
            let m = ((1u128 << (8 * w.len())) - 1) & !0xff;
            assert!(!all_lower_ascii(load_le(w.as_bytes()) & m, m), "{w}");
        }
    }

    #[test]
    fn fast_classes_match_std() {
        for u in (0..0x3000u32).chain(0xfe00..0x10000) {
            let Some(c) = char::from_u32(u) else { continue };
            assert_eq!(chars::is_alphabetic(c), c.is_alphabetic(), "{u:x}");
            assert_eq!(chars::is_alphanumeric(c), c.is_alphanumeric(), "{u:x}");
            assert_eq!(chars::is_numeric(c), c.is_numeric(), "{u:x}");
            assert_eq!(chars::is_lowercase(c), c.is_lowercase(), "{u:x}");
            assert_eq!(chars::is_uppercase(c), c.is_uppercase(), "{u:x}");
            let mut a = String::new();
            chars::push_lower(&mut a, c);
            assert_eq!(a, c.to_lowercase().collect::<String>(), "{u:x}");
        }
        for u in 0..0x10000u32 {
            let Some(c) = char::from_u32(u) else { continue };
            if same_len_lower(c) {
                let l: Vec<char> = c.to_lowercase().collect();
                assert!(l.len() == 1 && l[0].len_utf8() == c.len_utf8(), "{u:x}");
            }
        }
    }

    #[test]
    fn lower_into_matches_char_by_char_lowering() {
        let mut out = String::new();
        for line in ["Ab É Ωmega ÇA va", "ÀÉÎ", "plain", "Ĳssel İstanbul ǅ", ""] {
            lower_into(line, &mut out);
            assert_eq!(out, line.to_lowercase(), "{line}");
        }
    }

    #[test]
    fn glued_crumbs_are_split_for_matching() {
        let mut out = String::new();
        lower_split_into("Top NewsWorld News", &mut out);
        assert_eq!(out, "top news world news");
        lower_split_into("WeWork", &mut out);
        assert_eq!(out, "wework");
    }

    #[test]
    fn dates_and_times_are_recognised() {
        assert!(sh("November 18, 2019 11:03 PM").time_only);
        assert!(sh("2 hours ago").time_only);
        assert!(sh("Reuters November 18, 2019 11:03 PM").date_like);
        assert!(!sh("The council met on Monday to vote.").time_only);
    }

    #[test]
    fn caption_without_verb_is_verbless() {
        assert!(
            sh("Scientists of the institute at the signing ceremony in Mombasa on 9 March 2026.")
                .verbless
        );
        assert!(!sh("The institute said it would build the station.").verbless);
    }

    #[test]
    fn teaser_ending_is_truncated() {
        assert!(sh("the real test will come when ... Read more").ends_truncated);
        assert!(!sh("It ended well.").ends_truncated);
    }
}

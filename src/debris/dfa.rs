//! A dense Aho-Corasick DFA for the phrase lists, with the matching semantics of the
//! `aho-corasick` crate's `MatchKind::Standard` with ASCII case folding (its overlapping and
//! non-overlapping searches report the same matches in the same order: the tests check this
//! against the crate). Why not the crate: debris lines are short (a few dozen bytes) and have
//! many matches, and the crate's generic search loop, per-call set-up and per-match iterator
//! steps cost 16 to 25 instructions per byte here; this loop is one table step per byte.

/// A compiled phrase automaton.
#[derive(Debug, Clone)]
pub struct Dfa {
    /// Byte → class (ASCII upper case folded onto lower case; bytes in no pattern share 0).
    classes: [u8; 256],
    /// `trans[s + class]`: the next state; state IDs are premultiplied by the class count.
    trans: Vec<u32>,
    /// States with matches are numbered last: `s >= first_match`.
    first_match: u32,
    stride: u32,
    /// For match state `(s - first_match) / stride`: its range in `match_pids`.
    match_ranges: Vec<(u32, u32)>,
    /// Pattern IDs, in the order the crate reports them at one end position: the state's
    /// own patterns (by ID), then its failure state's list.
    match_pids: Vec<u32>,
    /// Byte length of each pattern.
    lens: Vec<u32>,
}

const NONE: u32 = u32::MAX;

impl Dfa {
    /// `None` when a pattern is empty (never the case for phrase files: lines are trimmed and
    /// blank lines skipped) or the automaton would not fit `u32` state IDs.
    pub fn new<P: AsRef<[u8]>>(patterns: &[P]) -> Option<Dfa> {
        let mut classes = [0u8; 256];
        let mut used = [false; 256];
        for p in patterns {
            for &b in p.as_ref() {
                used[usize::from(b.to_ascii_lowercase())] = true;
            }
        }
        let mut n_classes = 1usize;
        for b in 0..256usize {
            if used[b] {
                classes[b] = u8::try_from(n_classes).ok()?;
                n_classes += 1;
            }
        }
        for b in b'A'..=b'Z' {
            classes[usize::from(b)] = classes[usize::from(b.to_ascii_lowercase())];
        }
        let stride = n_classes;
        // The trie, densely: `goto[s * stride + c]`, NONE where there is no edge.
        let mut goto: Vec<u32> = vec![NONE; stride];
        let mut own: Vec<Vec<u32>> = vec![Vec::new()];
        let mut lens = Vec::with_capacity(patterns.len());
        for (pid, p) in patterns.iter().enumerate() {
            let p = p.as_ref();
            if p.is_empty() {
                return None;
            }
            lens.push(u32::try_from(p.len()).ok()?);
            let mut s = 0usize;
            for &b in p {
                let c = usize::from(classes[usize::from(b)]);
                let next = goto[s * stride + c];
                s = if next == NONE {
                    let t = own.len();
                    goto[s * stride + c] = u32::try_from(t).ok()?;
                    goto.resize(goto.len() + stride, NONE);
                    own.push(Vec::new());
                    t
                } else {
                    next as usize
                };
            }
            own[s].push(u32::try_from(pid).ok()?);
        }
        let n = own.len();
        // Breadth first: failure links, full transitions, match lists.
        let mut delta = goto;
        let mut fail = vec![0u32; n];
        let mut matches: Vec<Vec<u32>> = vec![Vec::new(); n];
        let mut queue = std::collections::VecDeque::new();
        for d in delta.iter_mut().take(stride) {
            let t = *d;
            if t == NONE {
                *d = 0;
            } else {
                fail[t as usize] = 0;
                matches[t as usize] = own[t as usize].clone();
                queue.push_back(t as usize);
            }
        }
        while let Some(s) = queue.pop_front() {
            let f = fail[s] as usize;
            for c in 0..stride {
                let t = delta[s * stride + c];
                if t == NONE {
                    delta[s * stride + c] = delta[f * stride + c];
                } else {
                    let tf = delta[f * stride + c];
                    fail[t as usize] = tf;
                    let mut m = own[t as usize].clone();
                    m.extend_from_slice(&matches[tf as usize]);
                    matches[t as usize] = m;
                    queue.push_back(t as usize);
                }
            }
        }
        // Renumber: states without matches first (the root stays 0), then match states.
        let mut order: Vec<usize> = (0..n).filter(|&s| matches[s].is_empty()).collect();
        let first_match = order.len();
        order.extend((0..n).filter(|&s| !matches[s].is_empty()));
        let mut new_id = vec![0u32; n];
        for (k, &s) in order.iter().enumerate() {
            new_id[s] = u32::try_from(k.checked_mul(stride)?).ok()?;
        }
        let mut trans = vec![0u32; n.checked_mul(stride)?];
        let mut match_ranges = Vec::with_capacity(n - first_match);
        let mut match_pids = Vec::new();
        for (k, &s) in order.iter().enumerate() {
            for c in 0..stride {
                trans[k * stride + c] = new_id[delta[s * stride + c] as usize];
            }
            if k >= first_match {
                let a = u32::try_from(match_pids.len()).ok()?;
                match_pids.extend_from_slice(&matches[s]);
                match_ranges.push((a, u32::try_from(match_pids.len()).ok()?));
            }
        }
        Some(Dfa {
            classes,
            trans,
            first_match: u32::try_from(first_match.checked_mul(stride)?).ok()?,
            stride: u32::try_from(stride).ok()?,
            match_ranges,
            match_pids,
            lens,
        })
    }

    /// The patterns matched at state `s` (a match state).
    #[inline]
    fn matches_at(&self, s: u32) -> &[u32] {
        let k = ((s - self.first_match) / self.stride) as usize;
        match self.match_ranges.get(k) {
            Some(&(a, b)) => self.match_pids.get(a as usize..b as usize).unwrap_or(&[]),
            None => &[],
        }
    }

    /// From state `s` at `hay[i]`: the position after the first byte that enters a match
    /// state, and that state; `None` at the end of `hay`. The whole per-byte cost of a scan:
    /// a class look-up and a table step, with one test per four bytes (match states are
    /// numbered last, so the largest of four states tells whether one of them matched).
    #[inline]
    fn next_match(&self, hay: &[u8], i: usize, mut s: u32) -> Option<(usize, u32)> {
        let (classes, trans, first_match) = (&self.classes, &self.trans[..], self.first_match);
        // In bounds: `s` is a state's first entry and a class is below the stride.
        let step = |s: u32, b: u8| trans[s as usize + usize::from(classes[usize::from(b)])];
        let rest = hay.get(i..)?;
        let mut at = i;
        let mut quads = rest.chunks_exact(4);
        for q in quads.by_ref() {
            let s1 = step(s, q[0]);
            let s2 = step(s1, q[1]);
            let s3 = step(s2, q[2]);
            let s4 = step(s3, q[3]);
            if s1.max(s2).max(s3.max(s4)) >= first_match {
                let (k, t) = if s1 >= first_match {
                    (1, s1)
                } else if s2 >= first_match {
                    (2, s2)
                } else if s3 >= first_match {
                    (3, s3)
                } else {
                    (4, s4)
                };
                return Some((at + k, t));
            }
            s = s4;
            at += 4;
        }
        for &b in quads.remainder() {
            s = step(s, b);
            at += 1;
            if s >= first_match {
                return Some((at, s));
            }
        }
        None
    }

    #[inline]
    fn len(&self, pid: u32) -> usize {
        self.lens.get(pid as usize).map_or(0, |&l| l as usize)
    }

    /// Every match, overlapping, in the crate's `find_overlapping_iter` order (by end, then
    /// the state's list: longest first): `f(pattern, start, end)`; `f` returns false to stop.
    #[inline]
    pub fn overlapping(&self, hay: &[u8], mut f: impl FnMut(usize, usize, usize) -> bool) {
        let (mut i, mut s) = (0, 0);
        while let Some((end, t)) = self.next_match(hay, i, s) {
            for &pid in self.matches_at(t) {
                if !f(pid as usize, end - self.len(pid), end) {
                    return;
                }
            }
            (i, s) = (end, t);
        }
    }

    /// Non-overlapping matches in the crate's `find_iter` order for `MatchKind::Standard`:
    /// the earliest end, the state's first pattern, then the search restarts after it.
    #[inline]
    pub fn find_each(&self, hay: &[u8], mut f: impl FnMut(usize, usize, usize) -> bool) {
        let mut i = 0;
        while let Some((end, t)) = self.next_match(hay, i, 0) {
            if let Some(&pid) = self.matches_at(t).first() {
                if !f(pid as usize, end - self.len(pid), end) {
                    return;
                }
            }
            i = end;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
    use proptest::prelude::*;

    /// The reference: the crate, built as `PhraseSet` used to build it.
    fn reference(patterns: &[String]) -> AhoCorasick {
        AhoCorasickBuilder::new()
            .match_kind(MatchKind::Standard)
            .ascii_case_insensitive(true)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(patterns)
            .expect("reference automaton")
    }

    fn ours_overlapping(d: &Dfa, hay: &str) -> Vec<(usize, usize, usize)> {
        let mut v = Vec::new();
        d.overlapping(hay.as_bytes(), |p, s, e| {
            v.push((p, s, e));
            true
        });
        v
    }

    fn ours_each(d: &Dfa, hay: &str) -> Vec<(usize, usize, usize)> {
        let mut v = Vec::new();
        d.find_each(hay.as_bytes(), |p, s, e| {
            v.push((p, s, e));
            true
        });
        v
    }

    fn check(patterns: &[String], hay: &str) {
        let d = Dfa::new(patterns).expect("non-empty patterns");
        let ac = reference(patterns);
        let want: Vec<_> = ac
            .find_overlapping_iter(hay)
            .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
            .collect();
        assert_eq!(ours_overlapping(&d, hay), want, "{patterns:?} {hay:?}");
        let want: Vec<_> = ac
            .find_iter(hay)
            .map(|m| (m.pattern().as_usize(), m.start(), m.end()))
            .collect();
        assert_eq!(ours_each(&d, hay), want, "{patterns:?} {hay:?}");
    }

    #[test]
    fn matches_like_the_crate_on_fixed_cases() {
        let p = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        check(&p(&["he", "she", "his", "hers"]), "ushers SHE His hErS");
        check(&p(&["a", "a", "aa", "aaa"]), "aAaAa");
        check(&p(&["read more", "more", "ead"]), "Read More\r\n more");
        check(&p(&["поделиться", "делит", "x"]), "Поделиться поделиться");
        check(&p(&["ABC", "bc"]), "abc ABC aBc");
        check(&p(&["é", "ée", "É"]), "éÉée");
        check(&p(&["z"]), "");
    }

    /// Short strings over a small alphabet (ASCII of both cases, space, CR, a multi-byte letter)
    /// so that patterns overlap, repeat and nest.
    fn small() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                Just('a'),
                Just('b'),
                Just('A'),
                Just('B'),
                Just(' '),
                Just('\r'),
                Just('é'),
                Just('д'),
                Just('Д')
            ],
            1..6,
        )
        .prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        #[test]
        fn matches_like_the_crate(
            patterns in proptest::collection::vec(small(), 1..12),
            hay in proptest::collection::vec(small(), 0..40),
        ) {
            check(&patterns, &hay.concat());
        }

        #[test]
        fn matches_like_the_crate_on_any_text(
            patterns in proptest::collection::vec("\\PC{1,4}", 1..8),
            hay in "\\PC{0,200}",
        ) {
            check(&patterns, &hay);
        }
    }
}

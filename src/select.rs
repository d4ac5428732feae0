//! Select stage: chooses which member of a cluster is kept. The rule, in order: the highest
//! `quality`, then the longest cleaned text, then the earliest in input order. The choice is
//! explained by naming the runner-up and the criterion that separated the two.

use serde::Serialize;

/// What the rule looks at for one member.
#[derive(Debug, Clone, Copy)]
pub struct Candidate {
    pub doc: u32,
    pub quality: f64,
    pub chars: u64,
}

/// The rule's decision for one cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DecidedBy {
    Quality,
    Length,
    InputOrder,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Choice {
    pub kept: u32,
    pub runner_up: u32,
    pub decided_by: DecidedBy,
}

pub const RULE: &str = "highest quality, then longest cleaned text, then earliest in input";

/// Quality compared at 4 decimals, as reported, so that invisible float noise never decides.
fn quality_key(q: f64) -> i64 {
    (q * 10_000.0).round() as i64
}

/// Picks the kept member and the runner-up. `members` must hold at least two candidates.
pub fn choose(members: &[Candidate]) -> Option<Choice> {
    let better = |a: &Candidate, b: &Candidate| {
        quality_key(b.quality)
            .cmp(&quality_key(a.quality))
            .then(b.chars.cmp(&a.chars))
            .then(a.doc.cmp(&b.doc))
    };
    let mut ranked: Vec<&Candidate> = members.iter().collect();
    ranked.sort_by(|a, b| better(a, b));
    let (first, second) = (ranked.first()?, ranked.get(1)?);
    let decided_by = if quality_key(first.quality) != quality_key(second.quality) {
        DecidedBy::Quality
    } else if first.chars != second.chars {
        DecidedBy::Length
    } else {
        DecidedBy::InputOrder
    };
    Some(Choice {
        kept: first.doc,
        runner_up: second.doc,
        decided_by,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(doc: u32, quality: f64, chars: u64) -> Candidate {
        Candidate {
            doc,
            quality,
            chars,
        }
    }

    #[test]
    fn quality_then_length_then_order() {
        let q = choose(&[c(0, 0.5, 900), c(1, 0.9, 100), c(2, 0.8, 1000)]).expect("choice");
        assert_eq!(
            (q.kept, q.runner_up, q.decided_by),
            (1, 2, DecidedBy::Quality)
        );
        let l = choose(&[c(0, 0.9, 100), c(1, 0.9, 300)]).expect("choice");
        assert_eq!((l.kept, l.decided_by), (1, DecidedBy::Length));
        let o = choose(&[c(4, 0.9, 100), c(2, 0.9, 100)]).expect("choice");
        assert_eq!(
            (o.kept, o.runner_up, o.decided_by),
            (2, 4, DecidedBy::InputOrder)
        );
    }

    #[test]
    fn float_noise_does_not_decide() {
        let q = choose(&[c(0, 0.700_000_01, 10), c(1, 0.7, 20)]).expect("choice");
        assert_eq!((q.kept, q.decided_by), (1, DecidedBy::Length));
    }
}

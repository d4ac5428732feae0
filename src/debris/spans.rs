//! Debris glued inside a line: a video widget's title and duration run into the next sentence
//! ("…leaving port 1:12However, critics…"), or a stray injected sentence sits inside a paragraph.
//! Each finder returns the byte range of the line to cut.

use super::shape::chars;

/// A duration/timestamp (`0:47`, `1:02:33`) immediately followed by an upper-case letter with
/// no space: the widget text is cut from the start of its sentence through the timestamp.
pub fn glued_timestamp(line: &str) -> Option<(usize, usize)> {
    let b = line.as_bytes();
    // Most lines hold no colon at all: jump to the first one (a vector search).
    let mut i = memchr::memchr(b':', b)?;
    while i < b.len() {
        if b[i] != b':' {
            i += 1;
            continue;
        }
        // digits before the colon (1-2), preceded by a space or the line start
        let mut s = i;
        while s > 0 && b[s - 1].is_ascii_digit() && i - s < 2 {
            s -= 1;
        }
        let before_ok = s < i && (s == 0 || b[s - 1] == b' ' || b[s - 1] == b'(');
        // one or more ":dd" groups
        let mut e = i;
        while e + 2 < b.len()
            && b[e] == b':'
            && b[e + 1].is_ascii_digit()
            && b[e + 2].is_ascii_digit()
        {
            e += 3;
        }
        if before_ok && e > i {
            let glued = line[e..].chars().next().is_some_and(char::is_uppercase);
            if glued {
                let start = sentence_start(line, s);
                let cut_words = line[start..e].split_whitespace().count();
                let rest_words = line[e..].split_whitespace().count();
                if cut_words <= 30 && rest_words >= 3 {
                    return Some((start, e));
                }
            }
        }
        i = e.max(i + 1);
    }
    None
}

/// Short lower-case words that title case leaves in lower case ("Deals in Detroit").
const TITLE_SMALL_WORDS: &[&str] = &[
    "a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "v",
    "vs", "vs.", "with",
];

/// A headline glued to its teaser text ("…Metro-Detroit FavoritesFall has officially arrived."):
/// the line opens with a title-case headline (at least three capitalised words, every word
/// capitalised but short function words) whose last word runs, without a space, into a new
/// capitalised sentence ("DetroitIn the market…", "Rise?Violence is…") that goes on in
/// lower case. Such lines are teaser cards of other stories. Brand names written in camel case
/// ("GateHouse", "OrbitBeyond") sit inside sentences, not at the end of a title-case opening.
pub fn glued_title(line: &str) -> bool {
    let mut caps = 0usize;
    let mut toks = line.split_whitespace();
    while let Some(tok) = toks.next() {
        let Some(first) = tok.chars().find(|c| chars::is_alphanumeric(*c)) else {
            continue; // "&", "|", "–"
        };
        if !(chars::is_uppercase(first) || first.is_ascii_digit()) {
            if TITLE_SMALL_WORDS.contains(&tok) {
                continue;
            }
            return false; // a lower-case word: the opening is not a title
        }
        if caps >= 3 && !tok.contains(['(', ')', '@']) && title_glue(tok) {
            // The new sentence goes on in lower case (most of its words).
            let (mut n, mut lower) = (0usize, 0usize);
            for t in toks.clone() {
                n += 1;
                lower += usize::from(t.starts_with(chars::is_lowercase));
            }
            return n >= 3 && lower * 2 >= n;
        }
        caps += 1;
    }
    false
}

/// A capitalised token in which a title runs into a sentence: a lower-case
/// letter (the title word has at least four letters before it), a digit or "?"/"!" directly
/// followed by an upper-case letter that starts a word ("DetroitIn", "250,000The",
/// "Rise?Violence", "BatidosA").
fn title_glue(tok: &str) -> bool {
    let cs: Vec<char> = tok.chars().collect();
    for k in 1..cs.len() {
        let (p, c) = (cs[k - 1], cs[k]);
        if !chars::is_uppercase(c) {
            continue;
        }
        let letter_glue = chars::is_lowercase(p)
            && k >= 4
            && cs[..k]
                .iter()
                .rev()
                .take(3)
                .all(|&x| chars::is_lowercase(x));
        let other_glue = p.is_ascii_digit() && k >= 3 || matches!(p, '?' | '!');
        if !(letter_glue || other_glue) {
            continue;
        }
        let next = cs.get(k + 1).copied();
        let next2 = cs.get(k + 2).copied();
        let word = match (next, next2) {
            // "In", "Fall", "The": a capitalised word (at least two lower-case letters, or
            // exactly one ending the token).
            (Some(a), Some(b)) if chars::is_lowercase(a) => {
                chars::is_lowercase(b) || !chars::is_alphabetic(b)
            }
            (Some(a), None) => chars::is_lowercase(a),
            // "A", "I" as a whole word.
            (None, _) => matches!(c, 'A' | 'I'),
            _ => false,
        };
        if word {
            return true;
        }
    }
    false
}

/// A link's hover card scraped into its sentence: a name glued to the card, which repeats the
/// name, lists headlines about that person and ends in an upper-case "MORE" link ("…Gov. Kristi
/// NoemKristi Lynn NoemSouth Dakota governor doubles down … MORE (R) is defending…"). Two
/// independent signals: the word before the glue recurs within the next few words (the card's
/// title is the name again), and a "MORE" token closes the card within 150 words. Returns the
/// byte ranges to cut (from the glue through "MORE"), in line order.
pub fn hover_cards(line: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    if !line.contains(" MORE") {
        return out;
    }
    let base = line.as_ptr() as usize;
    let toks: Vec<&str> = line.split_whitespace().collect();
    let mut i = 0;
    while i < toks.len() {
        let tok = toks[i];
        let Some(k) = name_glue(tok) else {
            i += 1;
            continue;
        };
        let left = tok[..k].trim_start_matches(|c: char| !chars::is_alphabetic(c));
        let repeats = left.len() >= 2
            && toks[i + 1..toks.len().min(i + 5)]
                .iter()
                .any(|t| t.starts_with(left));
        let more = toks[i + 1..toks.len().min(i + 150)]
            .iter()
            .position(|t| *t == "MORE");
        match (repeats, more) {
            (true, Some(m)) => {
                let start = tok.as_ptr() as usize - base + k;
                let end_tok = toks[i + 1 + m];
                let end = end_tok.as_ptr() as usize - base + end_tok.len();
                out.push((start, end));
                i += m + 2;
            }
            _ => i += 1,
        }
    }
    out
}

/// Byte offset in a token where a lower-case letter runs into an upper-case one after a
/// capitalised word of at least two letters ("NoemKristi" → 4).
fn name_glue(tok: &str) -> Option<usize> {
    let mut prev_lower = 0usize;
    let mut started = false;
    for (i, c) in tok.char_indices() {
        if chars::is_uppercase(c) {
            if started && prev_lower >= 1 && i >= 2 {
                return Some(i);
            }
            started = true;
            prev_lower = 0;
        } else if chars::is_lowercase(c) {
            prev_lower += 1;
        } else {
            started = false;
            prev_lower = 0;
        }
    }
    None
}

/// Start of the sentence containing byte `at`: just after the last ". ", "! " or "? " before it.
pub fn sentence_start(line: &str, at: usize) -> usize {
    let head = &line.as_bytes()[..at];
    let mut k = head.len();
    while k >= 2 {
        if head[k - 1] == b' ' && matches!(head[k - 2], b'.' | b'!' | b'?') {
            return k;
        }
        k -= 1;
    }
    0
}

/// End of the sentence containing byte `at`: after its terminator and any stray " ." debris
/// that follows it, and the spaces after that.
pub fn sentence_end(line: &str, at: usize) -> usize {
    let b = line.as_bytes();
    let mut k = at;
    while k < b.len() && !matches!(b[k], b'.' | b'!' | b'?') {
        k += 1;
    }
    while k < b.len() && matches!(b[k], b'.' | b'!' | b'?' | b' ') {
        k += 1;
    }
    k
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glued_video_timestamp_is_cut_at_the_timestamp() {
        let line = "Incredible images of Mars sent by Chinese mission 0:47However, in recent years, it grew.";
        let (s, e) = glued_timestamp(line).expect("found");
        assert_eq!(
            &line[s..e],
            "Incredible images of Mars sent by Chinese mission 0:47"
        );
        assert!(line[e..].starts_with("However"));
    }

    #[test]
    fn glued_timestamp_after_a_sentence_keeps_that_sentence() {
        let line = "It was late. Footage of the port 1:12However, critics say it costs too much.";
        let (s, e) = glued_timestamp(line).expect("found");
        assert_eq!(&line[s..e], "Footage of the port 1:12");
    }

    #[test]
    fn headline_glued_to_its_teaser_is_a_teaser_card() {
        assert!(glued_title(
            "Here's A Look At Some Metro-Detroit FavoritesFall has officially arrived."
        ));
        assert!(glued_title(
            "Is Violence In Sports On The Rise?Violence is part of the game."
        ));
        assert!(!glued_title(
            "The WeWork deal and the YouTube channel were both announced."
        ));
        assert!(!glued_title("Shares of McDonald Corp rose on Monday."));
        assert!(!glued_title(
            "Today only, Amazon offers Apple’s 12-inch MacBook 256GB refurbished."
        ));
        assert!(!glued_title(
            "The 9to5Mac BundleHunt delivers over 40 top apps."
        ));
        assert!(glued_title(
            "Attention, Deal-Hunters: Here Are The Top Deals In DetroitIn the market to save money?"
        ));
        assert!(glued_title(
            "Find Burgers & More at Downtown's New Frita BatidosA new Cuban spot has opened its doors."
        ));
        // A camel-case brand inside a sentence is not a glued title.
        assert!(!glued_title(
            "That is the view of Michael Reed, the CEO of New Media Investment Group, GateHouse's parent."
        ));
        assert!(!glued_title(
            "The five join Intuitive Machines, Lockheed Martin, Moon Express and OrbitBeyond on the list."
        ));
    }

    #[test]
    fn hover_card_glued_to_a_name_is_cut_through_more() {
        let line = "South Dakota Gov. Kristi NoemKristi Lynn NoemSouth Dakota governor doubles down on 'meth' campaign MORE (R) is defending the campaign.";
        let cuts = hover_cards(line);
        assert_eq!(cuts.len(), 1);
        let (s, e) = cuts[0];
        assert_eq!(&line[..s], "South Dakota Gov. Kristi Noem");
        assert_eq!(&line[e..], " (R) is defending the campaign.");
        assert!(
            hover_cards("The WeWork deal was called MORE than a bargain by WeWork staff.")
                .is_empty()
        );
    }

    #[test]
    fn ordinary_times_are_not_widgets() {
        assert!(glued_timestamp("The match starts at 10:30 tonight in Leeds.").is_none());
        assert!(glued_timestamp("Ratio 3:1 was reported").is_none());
    }
}

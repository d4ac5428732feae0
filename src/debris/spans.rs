//! Debris glued inside a line: a video widget's title and duration run into the next sentence
//! ("…leaving port 1:12However, critics…"), or a stray injected sentence sits inside a paragraph.
//! Each finder returns the byte range of the line to cut.

use super::shape::chars;

/// A duration/timestamp (`0:47`, `1:02:33`) immediately followed by an upper-case letter with
/// no space: the widget text is cut from the start of its sentence through the timestamp.
pub fn glued_timestamp(line: &str) -> Option<(usize, usize)> {
    let b = line.as_bytes();
    // Most lines hold no colon at all: jump to the first one (a memchr search).
    let mut i = line.find(':')?;
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

/// A headline glued to its teaser text ("…Metro-Detroit FavoritesFall has officially arrived."):
/// a run of at least three capitalised words whose last word runs, without a space, into a new
/// capitalised sentence. Such lines are teaser cards of other stories.
pub fn glued_title(line: &str) -> bool {
    let mut toks = line.split_whitespace().peekable();
    let mut caps_before = 0usize;
    while let Some(tok) = toks.next() {
        let first_upper = tok
            .chars()
            .next()
            .is_some_and(|c| chars::is_uppercase(c) || c.is_ascii_digit());
        if !first_upper {
            caps_before = 0;
            continue;
        }
        // Only a token with an upper-case letter past its third character can hold the glue.
        if caps_before >= 3 && tok.chars().skip(3).any(chars::is_uppercase) {
            let next_lower = toks
                .peek()
                .is_some_and(|t| t.starts_with(chars::is_lowercase));
            let cs: Vec<char> = tok.chars().collect();
            for k in 3..cs.len().saturating_sub(2) {
                let (p, c) = (cs[k - 1], cs[k]);
                let right_word = cs[k + 1].is_lowercase() && cs[k + 2].is_lowercase();
                let letter_glue = p.is_lowercase() && k >= 4 && next_lower;
                let punct_glue = matches!(p, '?' | '!');
                if c.is_uppercase() && right_word && (letter_glue || punct_glue) {
                    return true;
                }
            }
        }
        caps_before += 1;
    }
    false
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
    }

    #[test]
    fn ordinary_times_are_not_widgets() {
        assert!(glued_timestamp("The match starts at 10:30 tonight in Leeds.").is_none());
        assert!(glued_timestamp("Ratio 3:1 was reported").is_none());
    }
}

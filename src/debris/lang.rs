//! Stop-word lists (data files in `stopwords/`, see `stopwords/README.txt`) used to guess a
//! document's language and to measure how prose-like each line is.

use std::collections::HashMap;

/// Languages with a stop list, in bit order.
pub const LANGS: [&str; 5] = ["en", "de", "fr", "es", "ru"];

const LISTS: [&str; 5] = [
    include_str!("stopwords/en.txt"),
    include_str!("stopwords/de.txt"),
    include_str!("stopwords/fr.txt"),
    include_str!("stopwords/es.txt"),
    include_str!("stopwords/ru.txt"),
];

/// Maps a lower-cased word to the bit set of languages whose stop list holds it.
#[derive(Debug, Clone)]
pub struct StopWords {
    map: HashMap<&'static str, u8>,
}

impl StopWords {
    pub fn new() -> StopWords {
        let mut map: HashMap<&'static str, u8> = HashMap::new();
        for (bit, list) in LISTS.iter().enumerate() {
            for w in list.lines().map(str::trim).filter(|w| !w.is_empty()) {
                *map.entry(w).or_default() |= 1 << bit;
            }
        }
        StopWords { map }
    }

    /// Languages (bit set) for which `word` (lower case) is a stop word.
    #[inline]
    pub fn langs(&self, word: &str) -> u8 {
        if word.len() > 12 {
            return 0;
        }
        self.map.get(word).copied().unwrap_or(0)
    }
}

impl Default for StopWords {
    fn default() -> Self {
        StopWords::new()
    }
}

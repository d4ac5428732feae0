//! Stop-word lists (data files in `stopwords/`, see `stopwords/README.txt`) used to guess a
//! document's language and to measure how prose-like each line is.

/// Languages with a stop list, in bit order.
pub const LANGS: [&str; 5] = ["en", "de", "fr", "es", "ru"];

/// The lists, in `LANGS` order: one lower-case word per line.
pub const LISTS: [&str; 5] = [
    include_str!("stopwords/en.txt"),
    include_str!("stopwords/de.txt"),
    include_str!("stopwords/fr.txt"),
    include_str!("stopwords/es.txt"),
    include_str!("stopwords/ru.txt"),
];

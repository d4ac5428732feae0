//! Behaviour tests of the whole `strip` step.

use super::*;

fn strip(text: &str) -> Stripped {
    let d = Debris::new(&DebrisOptions::default()).expect("debris");
    d.strip(text, None, &LineStats::default())
}

const PARA: &str = "The council voted on Tuesday to close the old bridge to cars for two years while engineers replace its rusting steel deck, a job the city says is overdue.";
const PARA2: &str = "Residents who live near the bridge said they were worried about longer journeys to the hospital, but most agreed that the repairs could not wait much longer.";

#[test]
fn ui_phrases_are_removed_with_reason() {
    let s = strip(&format!(
        "{PARA}\n\n{PARA2}\n\nRead More\nBack to top button"
    ));
    assert_eq!(s.text, format!("{PARA}\n\n{PARA2}"));
    assert_eq!(s.removed.len(), 2);
    assert_eq!(s.removed[1].line, 6);
    assert_eq!(s.removed[1].reason, reasons::UI_PHRASE);
}

#[test]
fn lines_repeated_across_a_site_are_template() {
    let mut b = LineStatsBuilder::new(&DebrisOptions::default());
    for i in 0..10 {
        b.add(
            Some("a.com"),
            &format!("Gazette daily bulletin board\nStory {i} body is different every day."),
        );
    }
    let stats = b.finish();
    let d = Debris::new(&DebrisOptions::default()).expect("debris");
    let s = d.strip(
        &format!("Gazette daily bulletin board\n{PARA}"),
        Some("a.com"),
        &stats,
    );
    assert_eq!(s.text, PARA);
    assert_eq!(s.removed[0].reason, reasons::TEMPLATE_LINE);
}

#[test]
fn glued_breadcrumbs_are_navigation() {
    let s = strip(&format!("Top NewsUS News\n\n{PARA}"));
    assert_eq!(s.text, PARA);
    assert_eq!(s.removed[0].reason, reasons::NAVIGATION);
}

#[test]
fn short_line_between_paragraphs_is_a_subheading() {
    let text = format!("{PARA}\n\nWhat happens next\n\n{PARA2}");
    assert_eq!(strip(&text).text, text);
}

#[test]
fn short_line_between_debris_is_debris() {
    let s = strip(&format!(
        "{PARA}\n\nShare this article\nKestrel Weekly\nPrivacy Policy"
    ));
    assert_eq!(s.text, PARA);
}

#[test]
fn repeated_headline_is_collapsed() {
    let h = "Council to close old bridge for repairs";
    let s = strip(&format!("{h}\n{h}\n\n{PARA}\n\n{PARA2}"));
    assert_eq!(s.text, format!("{h}\n\n{PARA}\n\n{PARA2}"));
    assert_eq!(s.removed[0].reason, reasons::REPEATED_HEADLINE);
}

#[test]
fn teasers_after_a_related_marker_are_removed() {
    let teaser = "A young company says printed clay tiles give coral larvae a better foothold than bare rock, although biologists caution that the real test will come when ... Read more";
    let s = strip(&format!(
        "{PARA}\n\n{PARA2}\n\nYou May Also Like\nRead More\n\nPrinted reef tiles could bring coral back\n\n{teaser}"
    ));
    assert_eq!(s.text, format!("{PARA}\n\n{PARA2}"));
    assert!(s
        .removed
        .iter()
        .all(|r| r.reason == reasons::RELATED_TEASER));
}

#[test]
fn comment_form_is_removed() {
    let s = strip(&format!(
        "{PARA}\n\nLeave a Reply\n\nYour email address will not be published. Required fields are marked *"
    ));
    assert_eq!(s.text, PARA);
    assert_eq!(s.removed[1].reason, reasons::COMMENT_FORM);
}

#[test]
fn glued_video_widget_span_is_cut_and_the_sentence_kept() {
    let s = strip(&format!(
        "{PARA}\n\nFootage of the bridge at dawn 1:12However, critics of the plan say the money would be better spent on buses.\n\n{PARA2}"
    ));
    assert!(s.text.contains("\n\nHowever, critics of the plan"));
    let r = &s.removed[0];
    assert_eq!(r.text, "Footage of the bridge at dawn 1:12");
    assert_eq!((r.line, r.start, r.reason), (3, 0, reasons::GLUED_WIDGET));
}

#[test]
fn keep_debris_only_annotates() {
    let d = Debris::new(&DebrisOptions {
        keep_debris: true,
        ..DebrisOptions::default()
    })
    .expect("debris");
    let text = format!("{PARA}\n\nRead More");
    let s = d.strip(&text, None, &LineStats::default());
    assert_eq!(s.text, text);
    assert_eq!(s.removed.len(), 1);
}

#[test]
fn navigation_only_page_is_all_debris() {
    let s = strip("Home\nWorld\nSport\nSubscribe\nSign In");
    assert!(s.text.is_empty());
    assert!(s.debris_share() > 0.99);
}

#[test]
fn short_article_of_short_sentences_survives() {
    let text = "Rain is expected tonight.\n\nTake an umbrella.";
    assert_eq!(strip(text).text, text);
}

#[test]
fn user_phrase_file_extends_the_lists() {
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("extra.txt");
    std::fs::write(&path, "[line.footer]\nkestrel weekly club\n").expect("write");
    let d = Debris::new(&DebrisOptions {
        phrase_files: vec![path.display().to_string()],
        ..DebrisOptions::default()
    })
    .expect("debris");
    let s = d.strip(
        &format!("{PARA}\n\nKestrel Weekly Club"),
        None,
        &LineStats::default(),
    );
    assert_eq!(s.text, PARA);
    assert_eq!(s.removed[0].reason, reasons::FOOTER);
}

const PARA3: &str = "Engineers will start by removing the asphalt and inspecting the beams underneath, and they expect to publish a detailed schedule for the work before the end of the month.";

#[test]
fn truncated_teasers_in_a_row_are_a_teaser_list() {
    let s = strip(&format!(
        "{PARA}\n\n{PARA2}\n\n{PARA3}\n\nSchool board picks a new chair\nThe board met late on Monday and after a long debate it chose […]\nMarket reopens after fire\nTraders returned to the square this morning where the stalls had …\nLibrary extends its hours\nFrom next week the central library will stay open until nine and …"
    ));
    assert_eq!(s.text, format!("{PARA}\n\n{PARA2}\n\n{PARA3}"));
    assert!(s
        .removed
        .iter()
        .all(|r| r.reason == reasons::RELATED_TEASER));
}

/// Twelve distinct paragraphs, so that repeats below are out of the headline area.
fn filler() -> String {
    (1..=12)
        .map(|i| {
            format!(
                "Section {i} of the council report describes how the works on the bridge will be \
                 paid for and which roads will carry the diverted traffic in the meantime."
            )
        })
        .collect::<Vec<_>>()
        .join("\n\n")
}

#[test]
fn a_passage_printed_twice_keeps_one_copy_but_a_repeated_paragraph_stays() {
    let f = filler();
    let twice = strip(&format!(
        "{f}\n\n{PARA}\n\n{PARA2}\n\n{PARA3}\n\nShare this article\n\n{PARA}\n\n{PARA2}"
    ));
    assert_eq!(twice.text, format!("{f}\n\n{PARA}\n\n{PARA2}\n\n{PARA3}"));
    assert!(
        twice
            .removed
            .iter()
            .any(|r| r.reason == reasons::DUPLICATE_TEXT),
        "{:?}",
        twice.removed
    );
    let once = format!("{f}\n\n{PARA}\n\n{PARA2}\n\n{PARA}\n\n{PARA3}");
    assert_eq!(strip(&once).text, once);
}

#[test]
fn policy_block_away_from_the_article_is_removed() {
    let policy = "Users are obliged to speak respectfully to other users in the comments. The website may delete comments and block the account of any user who breaks these rules; to restore an account, write to the moderators by email with your user name.";
    let text = format!(
        "{PARA}\n\n{PARA2}\n\n{PARA}\n\nShare this article\nPrivacy Policy\nLog in\n\n{policy}\n"
    );
    let s = strip(&text);
    assert!(!s.text.contains("moderators"), "{}", s.text);
    assert!(s
        .removed
        .iter()
        .any(|r| r.reason == reasons::FOOTER && r.text == policy));
    // The same words inside the article's main block stay.
    let news = format!("{PARA}\n\n{policy}\n\n{PARA2}");
    assert_eq!(strip(&news).text, news);
}

#[test]
fn glued_teaser_cards_go_and_hover_cards_are_cut() {
    let text = format!(
        "{PARA}\n\n{PARA2}\n\nAttention, Deal-Hunters: Here Are The Top Deals In DetroitIn the market to save money on fitness in Detroit? Here is where to look.\nFind Burgers & More at Downtown's New Frita BatidosA new Cuban spot, offering burgers and more, has opened its doors."
    );
    let s = strip(&text);
    assert_eq!(s.text, format!("{PARA}\n\n{PARA2}"));
    let card = "The bill was signed by Gov. Kristi NoemKristi Lynn NoemSouth Dakota governor doubles down on campaign MORE on Monday, after a long debate in the state senate about roads.";
    let s = strip(&format!("{PARA}\n\n{card}"));
    assert!(s.text.ends_with(
        "signed by Gov. Kristi Noem on Monday, after a long debate in the state senate about roads."
    ), "{}", s.text);
    assert_eq!(s.removed[0].reason, reasons::GLUED_WIDGET);
}

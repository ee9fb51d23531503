//! Whatever bytes a user's file holds, the loaders answer with a value or an
//! error, never a panic.
// Test code: a failed assumption is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use proptest::prelude::*;
use stardrill::domain::Catalog;
use stardrill::domain::session::SessionLog;

const VALID_LOG: &str = r#"
schema_version = 1
id = "abc123"
started_at = "2026-01-05T09:00:00+01:00"
ended_at = "2026-01-05T09:02:05+01:00"
outcome = "completed"
framework = "star"
time_limit_secs = 120
answer_secs = 95.0
overtime_secs = 0.0
paused_secs = 0.0
rating = 4
notes = "cut churn"

[question]
id = "co-01"
text = "Tell me about a time you put the customer first."
principles = ["customer-obsession"]
kind = "behavioral"

[[steps]]
key = "situation"
name = "Situation"
target_secs = 30
checked_at_secs = 25.0

[rubric]
spoke_as_i = true
"#;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn question_bank_loader_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = Catalog::load(Some(("fuzz.toml", &text)));
    }

    #[test]
    fn session_log_loader_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let text = String::from_utf8_lossy(&bytes);
        let _ = SessionLog::from_toml(&text);
    }

    #[test]
    fn truncated_or_spliced_logs_never_panic(cut in 0usize..VALID_LOG.len(), junk in "[ -~\n]{0,40}") {
        let mut text = VALID_LOG[..cut].to_string();
        text.push_str(&junk);
        let _ = SessionLog::from_toml(&text);
        let _ = Catalog::load(Some(("fuzz.toml", &text)));
    }

    #[test]
    fn bank_shaped_input_never_panics(id in ".{0,12}", text in ".{0,60}", principle in ".{0,30}", kind in ".{0,12}") {
        let bank = format!(
            "[[question]]\nid = {id:?}\ntext = {text:?}\nprinciples = [{principle:?}]\nkind = {kind:?}\n"
        );
        let _ = Catalog::load(Some(("fuzz.toml", &bank)));
    }

    #[test]
    fn variant_links_audiences_and_follow_ups_never_panic(
        id in "\\PC{0,8}|[a\\n\\t\\x1b]{0,3}",
        link in "\\PC{0,8}|a|b|[a\\n]{0,2}",
        audience in "\\PC{0,10}|manager|everyone",
        follow_up in "(new story:|NEW STORY: )?\\PC{0,20}",
        kind in "behavioral|motivation|\\PC{0,6}",
        intro in any::<bool>(),
    ) {
        // TOML's own quoting, so every character reaches the validator.
        let q = |s: &str| toml::Value::String(s.to_string()).to_string();
        let bank = format!(
            "[[question]]\nid = {}\ntext = \"T\"\nprinciples = [\"ownership\"]\nkind = {}\nvariant_of = {}\naudience = {}\nintro = {intro}\nfollow_ups = [{}]\n\n\
             [[question]]\nid = \"b\"\ntext = \"U\"\nkind = \"motivation\"\nvariant_of = {}\nfollow_ups = [\"x\", {}]\n",
            q(&id), q(&kind), q(&link), q(&audience), q(&follow_up), q(&id), q(&follow_up),
        );
        let _ = Catalog::load(Some(("fuzz.toml", &bank)));
    }
}

#[test]
fn the_sample_log_round_trips() {
    let log = SessionLog::from_toml(VALID_LOG).expect("valid log");
    let again = SessionLog::from_toml(&log.to_toml().expect("encode")).expect("re-parse");
    assert_eq!(log, again);
}

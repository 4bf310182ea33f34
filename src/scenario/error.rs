//! What goes wrong reading a scenario: `ScenarioError`, whose `Display` is the message a user
//! sees (file, line and column, the field's path, the value and what is allowed).

/// A scenario that could not be read. `Display` is the message a user sees.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScenarioError {
    /// The file could not be read.
    #[error("{file}: {reason}")]
    Read {
        /// The file's name as given.
        file: String,
        /// Why.
        reason: String,
    },
    /// The text is not a valid scenario.
    #[error("{file}{}: {}{message}", fmt_at(*.at), fmt_path(path.as_deref()))]
    Invalid {
        /// The file's name as given.
        file: String,
        /// 1-based line and column, where known.
        at: Option<(usize, usize)>,
        /// The field's dotted path, where known.
        path: Option<String>,
        /// What is wrong and what is allowed.
        message: String,
    },
    /// A `--set PATH=VALUE` that cannot be applied.
    #[error("--set {spec}: {message}")]
    Override {
        /// The override as the user wrote it (shortened).
        spec: String,
        /// Why it cannot be applied.
        message: String,
    },
}

fn fmt_at(at: Option<(usize, usize)>) -> String {
    at.map(|(l, c)| format!(":{l}:{c}")).unwrap_or_default()
}

fn fmt_path(path: Option<&str>) -> String {
    path.filter(|p| !p.is_empty())
        .map(|p| format!("{p}: "))
        .unwrap_or_default()
}

/// A user's text as an error message quotes it: at most 100 characters.
pub fn clip(s: &str) -> String {
    if s.chars().count() > 100 {
        format!("{}...", s.chars().take(100).collect::<String>())
    } else {
        s.to_string()
    }
}

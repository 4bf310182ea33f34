//! Who runs a command: the terminal, or a program that embeds impasse (the Python package).
//!
//! At the terminal a command draws its progress bar on stderr and the process handles Ctrl-C.
//! Embedded, nothing is drawn: the host polls the current bar ([`Host::progress`]) and stops the
//! command with [`Host::stop`]. The stop is seen where every long loop already reports its
//! progress (after each batch of rounds, each sweep point), and unwinds from there to
//! [`super::execute`], which returns [`Stopped`]. Results are written under temporary names and
//! renamed into place, so a stopped command leaves no half-written file.

use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Where a command runs, and what its caller can see of it and do to it.
#[derive(Default)]
pub struct Host {
    embedded: bool,
    stop: AtomicBool,
    current: Mutex<Option<(ProgressBar, String)>>,
    printed: Mutex<String>,
    warnings: Mutex<Vec<String>>,
}

/// The error [`super::execute`] returns for a command stopped by [`Host::stop`].
#[derive(Debug, thiserror::Error)]
#[error("stopped before the end; nothing was written but complete files")]
pub struct Stopped;

/// What unwinds from a progress report to `execute` once the host asked to stop.
pub(super) struct Unwind;

impl Host {
    /// A command run from the terminal: bars on stderr unless quiet.
    pub fn terminal() -> Self {
        Self::default()
    }

    /// A command run by another program: no bars drawn, progress polled, stoppable.
    pub fn embedded() -> Self {
        Self {
            embedded: true,
            ..Self::default()
        }
    }

    /// Whether the command runs inside another program.
    pub fn is_embedded(&self) -> bool {
        self.embedded
    }

    /// Ask the running command to stop at its next progress report.
    pub fn stop(&self) {
        self.stop.store(true, Ordering::Relaxed);
    }

    /// The current progress: items done, items in all, and their unit ("rounds", "points").
    pub fn progress(&self) -> Option<(u64, u64, String)> {
        let current = self.current.lock().ok()?;
        let (bar, unit) = current.as_ref()?;
        Some((bar.position(), bar.length().unwrap_or(0), unit.clone()))
    }

    /// What the command printed for its reader (its table, where results went), when embedded.
    pub fn printed(&self) -> String {
        self.printed.lock().map(|p| p.clone()).unwrap_or_default()
    }

    /// The warnings and notes the command gave, when embedded, a line each.
    pub fn warnings(&self) -> Vec<String> {
        self.warnings.lock().map(|w| w.clone()).unwrap_or_default()
    }

    /// Print `text` for the reader: on stdout at the terminal, kept for the caller when embedded.
    pub(super) fn print(&self, text: &str) {
        if !self.embedded {
            print!("{text}");
        } else if let Ok(mut p) = self.printed.lock() {
            p.push_str(text);
        }
    }

    /// A warning or note: a line on stderr at the terminal, kept for the caller when embedded.
    pub(super) fn warn(&self, text: &str) {
        if !self.embedded {
            eprintln!("{text}");
        } else if let Ok(mut w) = self.warnings.lock() {
            w.push(text.trim().to_string());
        }
    }

    /// A progress bar over `total` items: drawn on stderr at the terminal unless `quiet`,
    /// registered for polling when embedded.
    pub(super) fn bar(&self, total: u64, quiet: bool, unit: &str) -> Bar<'_> {
        let target = if quiet || self.embedded {
            ProgressDrawTarget::hidden()
        } else {
            ProgressDrawTarget::stderr()
        };
        let bar = ProgressBar::with_draw_target(Some(total), target);
        bar.set_style(
            ProgressStyle::with_template(&format!(
                "{{bar:40}} {{human_pos}}/{{human_len}} {unit} ({{rate}} {unit}/s, {{eta}} left) {{msg}}"
            ))
            .expect("a valid template")
            .with_key(
                "rate",
                |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{:.3e}", s.per_sec());
                },
            ),
        );
        if self.embedded
            && let Ok(mut current) = self.current.lock()
        {
            *current = Some((bar.clone(), unit.to_string()));
        }
        Bar { bar, host: self }
    }
}

/// A command's progress bar, through which the host's stop arrives.
pub(super) struct Bar<'h> {
    bar: ProgressBar,
    host: &'h Host,
}

impl Bar<'_> {
    /// `n` more items done; unwinds if the host asked to stop.
    pub(super) fn inc(&self, n: u64) {
        self.check();
        self.bar.inc(n);
    }

    /// `n` more items to do.
    pub(super) fn extend(&self, n: u64) {
        self.bar.inc_length(n);
    }

    /// The text after the bar; unwinds if the host asked to stop.
    pub(super) fn set_message(&self, msg: String) {
        self.check();
        self.bar.set_message(msg);
    }

    /// Clear the bar from the terminal.
    pub(super) fn finish_and_clear(&self) {
        self.bar.finish_and_clear();
    }

    fn check(&self) {
        if self.host.stop.load(Ordering::Relaxed) {
            // `resume_unwind` skips the panic hook: nothing is printed on the way out.
            std::panic::resume_unwind(Box::new(Unwind));
        }
    }
}

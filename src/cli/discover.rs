//! `impasse discover`.

use anyhow::Result;

use crate::discover::{self, Ask, Condition, DiscoverError, Settings};
use crate::output;

use super::*;

pub(super) fn discover(a: DiscoverArgs, host: &Host) -> Result<()> {
    let cond = Condition::parse(&a.condition).map_err(|e| Usage(format!("--where: {e}")))?;
    let ask = Ask {
        boxes: a.boxes,
        step: a.step,
        settings: Settings {
            threshold: a.threshold,
            ..Settings::default()
        },
    };
    // Nobody else writes into the sweep's folder while its boxes are added.
    let _lock = if a.dir.is_dir() { lock(&a.dir)? } else { None };
    let found = discover::discover(&a.dir, &cond, ask).map_err(|e| match e {
        DiscoverError::Usage(m) => anyhow::Error::new(Usage(m)),
        DiscoverError::Io(io) => anyhow::Error::new(io),
    })?;
    output::write_files(&a.dir, &found.files())?;
    if !a.quiet {
        host.print(&found.table());
    }
    if !a.no_report {
        report(&a.dir, a.quiet, host)?;
    }
    Ok(())
}

//! `impasse._impasse`: the commands of the `impasse` binary for the Python package
//! (python/impasse/). A call runs `impasse::cli::execute` on a thread of its own, with the GIL
//! released; the calling thread wakes every tenth of a second to hand progress to Python and to
//! look for Ctrl-C, on which it stops the command (`Host::stop`) and raises KeyboardInterrupt.

use std::sync::Arc;
use std::sync::mpsc::{RecvTimeoutError, channel};
use std::time::Duration;

use impasse::cli::{self, Host};
use impasse::scenario::ScenarioError;
use pyo3::prelude::*;

/// How often the waiting thread looks at the command's progress and at Ctrl-C.
const POLL: Duration = Duration::from_millis(100);

/// What a finished command gives Python: how it ended ("ok"; "scenario" for a bad scenario and
/// "usage" for bad arguments, both exit code 2 at the terminal; "error" for anything else), the
/// error's message (empty on success), what it printed for its reader, and its warnings.
type Outcome = (&'static str, String, String, Vec<String>);

/// Run the command line `args` (without the program's name) as the `impasse` binary would.
/// `progress`, if given, is called as `progress(done, total, unit)` while the command runs.
#[pyfunction]
#[pyo3(signature = (args, progress=None))]
fn execute(py: Python<'_>, args: Vec<String>, progress: Option<Py<PyAny>>) -> PyResult<Outcome> {
    let host = Arc::new(Host::embedded());
    let worker_host = Arc::clone(&host);
    let (done, finished) = channel();
    let finished = std::sync::Mutex::new(finished);
    let worker = std::thread::spawn(move || {
        let argv = std::iter::once("impasse".to_string()).chain(args);
        let result = cli::execute(argv, &worker_host);
        let _ = done.send(());
        result
    });
    // Hand the command's progress to Python's callback, if it was given one.
    let report = |py: Python<'_>| -> PyResult<()> {
        if let (Some(callback), Some((at, total, unit))) = (&progress, host.progress()) {
            callback.call1(py, (at, total, unit))?;
        }
        Ok(())
    };
    loop {
        let waited = py.detach(|| match finished.lock() {
            Ok(f) => f.recv_timeout(POLL),
            Err(_) => Err(RecvTimeoutError::Disconnected),
        });
        if !matches!(waited, Err(RecvTimeoutError::Timeout)) {
            break;
        }
        if let Err(interrupt) = py.check_signals() {
            host.stop();
            let _ = py.detach(|| worker.join());
            return Err(interrupt);
        }
        report(py)?;
    }
    let result = py.detach(|| worker.join()).map_err(|panic| {
        let what = panic
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_default();
        pyo3::panic::PanicException::new_err(format!("impasse panicked: {what}"))
    })?;
    report(py)?;
    let (kind, message) = match result {
        Ok(()) => ("ok", String::new()),
        Err(e) if e.chain().any(|c| c.is::<ScenarioError>()) => ("scenario", cli::render_error(&e)),
        Err(e) if cli::exit_code(&e) == 2 => ("usage", cli::render_error(&e)),
        Err(e) => ("error", cli::render_error(&e)),
    };
    Ok((kind, message, host.printed(), host.warnings()))
}

/// A scenario given as JSON (from a Python dict) written as TOML, the keys in their order.
#[pyfunction]
fn toml_of_json(json: &str) -> PyResult<String> {
    let bad = |e: String| pyo3::exceptions::PyValueError::new_err(e);
    let value: toml::Table = serde_json::from_str(json)
        .map_err(|e| bad(format!("the scenario cannot be written as TOML: {e}")))?;
    toml::to_string(&value).map_err(|e| bad(format!("the scenario cannot be written as TOML: {e}")))
}

/// The extension module.
#[pymodule]
fn _impasse(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(execute, m)?)?;
    m.add_function(wrap_pyfunction!(toml_of_json, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}

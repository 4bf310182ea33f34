//! A real browser renders a run's report: headless Chromium takes a screenshot of report.html,
//! and the page must not be blank (enough colours and enough ink). Ignored by a plain `cargo test --release`;
//! `.ci/run` installs Debian's chromium and runs it with `cargo test --release browser:: -- --ignored`.

use crate::common;
use common::impasse;

use std::process::Command;

#[test]
#[ignore = "needs chromium; .ci/run installs it"]
fn chromium_renders_the_report_of_a_run() {
    let dir = tempfile::TempDir::new().unwrap();
    let out = dir.path().join("run");
    impasse()
        .args([
            "run",
            "scenarios/rising-sanctions.toml",
            "-n",
            "20000",
            "-q",
            "-o",
        ])
        .arg(&out)
        .assert()
        .success();
    let shot = dir.path().join("report.png");
    let profile = dir.path().join("chromium-profile");
    let status = Command::new("chromium")
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--window-size=800,1600",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", out.join("report.html").display()))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .expect("chromium runs");
    assert!(status.success(), "chromium failed: {status}");
    let decoder = png::Decoder::new(std::io::BufReader::new(std::fs::File::open(&shot).unwrap()));
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let step = info.color_type.samples();
    let pixels: Vec<&[u8]> = buf[..info.buffer_size()].chunks(step).collect();
    let ink = pixels
        .iter()
        .filter(|p| p[..3].iter().any(|&c| c < 200))
        .count();
    let mut colours: Vec<[u8; 3]> = pixels.iter().map(|p| [p[0], p[1], p[2]]).collect();
    colours.sort();
    colours.dedup();
    let share = ink as f64 / pixels.len() as f64;
    println!(
        "screenshot {}x{}: {} distinct colours, {:.1} % of pixels inked",
        info.width,
        info.height,
        colours.len(),
        100.0 * share
    );
    assert_eq!((info.width, info.height), (800, 1600));
    assert!(
        colours.len() >= 16,
        "a blank page: {} colours",
        colours.len()
    );
    assert!(share >= 0.02, "a blank page: {:.2} % inked", 100.0 * share);
}

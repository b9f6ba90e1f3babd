//! `report.html`: self-contained, and it loads in a real browser without script errors.
//!
//! The browser test drives headless Chromium (Debian package `chromium`). Without the
//! browser it prints loudly that it skipped — unless `FAILSIM_REQUIRE_BROWSER=1` (set by
//! `.ci/run`), which makes a missing browser a failure.

use crate::util::*;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The Chromium binary: `$CHROMIUM`, else `chromium` or `chromium-browser` on the PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .flat_map(|dir| ["chromium", "chromium-browser"].map(|n| dir.join(n)))
        .find(|p| p.is_file())
}

/// Headless Chromium with no network, sync or first-run chatter, a fresh profile, and
/// console messages on stderr.
fn browser(binary: &Path, profile: &Path) -> Command {
    let mut cmd = Command::new(binary);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--enable-logging=stderr",
        "--v=0",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    cmd
}

#[test]
fn the_run_report_is_one_self_contained_file() {
    let dir = tempfile::tempdir().unwrap();
    let s = write_scenario(dir.path(), "small.toml", SMALL);
    let out = dir.path().join("o");
    run_ok(&s, &out, &["--set", "dns.ttl=30s", "--format", "png"]);
    let html = fs::read_to_string(out.join("report.html")).unwrap();
    for forbidden in ["<link", " src=", "url(", "@import", "<img", "@font-face"] {
        assert!(!html.contains(forbidden), "report.html loads `{forbidden}`");
    }
    // Every chart inline, even when only PNG files were asked for.
    assert_eq!(html.matches("<svg ").count(), 3);
    for needle in [
        "What happened",
        "Cohorts",
        "redirect=redirectable",
        "Lints",
        "sha256:",
        "failsim run ",
        "--set dns.ttl=30s",
        // The override is marked on its line, with what the file said.
        "data-was=\"   \u{2190} --set (file: ttl = &quot;60s&quot;)\">ttl = &quot;30s&quot;",
    ] {
        assert!(html.contains(needle), "no `{needle}` in report.html");
    }
    // Same run, same bytes.
    run_ok(&s, &out, &["--set", "dns.ttl=30s", "--format", "png"]);
    assert_eq!(html, fs::read_to_string(out.join("report.html")).unwrap());
}

#[test]
fn the_report_loads_in_a_browser_without_errors_and_is_not_blank() {
    let Some(binary) = chromium() else {
        if std::env::var("FAILSIM_REQUIRE_BROWSER").as_deref() == Ok("1") {
            panic!("FAILSIM_REQUIRE_BROWSER=1 but no chromium found (apt-get install chromium)");
        }
        eprintln!();
        eprintln!(
            "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
        );
        eprintln!(
            "!!! SKIPPED the browser test of report.html: no chromium on the PATH.        !!!"
        );
        eprintln!(
            "!!! Install it (apt-get install chromium) or set FAILSIM_REQUIRE_BROWSER=1.  !!!"
        );
        eprintln!(
            "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let s = write_scenario(dir.path(), "small.toml", SMALL);
    let out = dir.path().join("o");
    run_ok(&s, &out, &["--format", "svg"]);
    let page = out.join("report.html");
    let url = format!("file://{}", page.display());

    // The DOM after load: the page's error hook writes script errors into it.
    let dom = browser(&binary, &dir.path().join("profile-dom"))
        .arg("--dump-dom")
        .arg(&url)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&dom.stdout);
    let log = String::from_utf8_lossy(&dom.stderr);
    assert!(dom.status.success(), "chromium failed: {log}");
    assert!(
        text.contains("</html>") && text.contains("Cohorts"),
        "{text}"
    );
    assert!(
        !text.contains("data-script-error=\""),
        "script error: {text}"
    );
    let console_errors: Vec<&str> = log
        .lines()
        .filter(|l| l.contains(":CONSOLE") || l.contains("Uncaught"))
        .collect();
    assert!(console_errors.is_empty(), "console: {console_errors:?}");

    // A screenshot that is not blank: many colours (charts), and dark text somewhere.
    let shot = dir.path().join("report.png");
    let run = browser(&binary, &dir.path().join("profile-shot"))
        .arg(format!("--screenshot={}", shot.display()))
        .arg("--window-size=1280,2000")
        .arg(&url)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&run.stderr)
    );
    let (w, h, colours) = decode_png(&shot);
    assert_eq!((w, h), (1280, 2000));
    assert!(
        colours > 50,
        "the screenshot looks blank: {colours} colours"
    );
}

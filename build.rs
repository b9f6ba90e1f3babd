//! Build script: `failsim --version` names the git commit when failsim is built from a git
//! checkout of itself. Without git, or outside a checkout (a crates.io or release archive),
//! the version is the package version alone; the build never fails for want of git.

use std::path::Path;
use std::process::Command;

fn git(args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let text = String::from_utf8(out.stdout).ok()?;
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let version = env!("CARGO_PKG_VERSION");
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    // Only a checkout whose top level is this package: a failsim copy vendored inside some
    // other repository must not report that repository's commit.
    let ours = git(&["rev-parse", "--show-toplevel"])
        .and_then(|top| Path::new(&top).canonicalize().ok())
        .zip(manifest_dir.canonicalize().ok())
        .is_some_and(|(top, dir)| top == dir);
    let commit = if ours {
        git(&["rev-parse", "--short=12", "HEAD"])
    } else {
        None
    };
    if ours {
        // Rebuild when HEAD moves (a commit, checkout or reset).
        for name in ["HEAD", "logs/HEAD"] {
            if let Some(path) = git(&["rev-parse", "--git-path", name]) {
                let path = manifest_dir.join(path);
                if path.exists() {
                    println!("cargo:rerun-if-changed={}", path.display());
                }
            }
        }
    }
    match commit {
        Some(c) => {
            println!("cargo:rustc-env=FAILSIM_GIT_COMMIT={c}");
            println!("cargo:rustc-env=FAILSIM_VERSION_LONG={version} (commit {c})");
        }
        None => println!("cargo:rustc-env=FAILSIM_VERSION_LONG={version}"),
    }
}

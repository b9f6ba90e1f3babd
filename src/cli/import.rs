//! `failsim import`: reads the files, runs the library's importer, prints warnings on stderr
//! and writes the scenario (or prints it). Nothing is written on error.

use super::args::ImportArgs;
use super::Failure;
use failsim::import::{import as import_files, Input};

/// Runs `failsim import`.
pub fn import(args: ImportArgs) -> Result<(), Failure> {
    let mut inputs = Vec::new();
    for arg in &args.files {
        let (region, path) = Input::split_arg(arg);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Failure::Usage(format!("error: cannot read {path}: {e}")))?;
        inputs.push(Input { region, path, text });
    }
    let imported = import_files(&inputs).map_err(|e| Failure::Usage(format!("error: {e}")))?;
    for w in &imported.warnings {
        eprintln!("warning: {w}");
    }
    match &args.out {
        Some(path) => std::fs::write(path, &imported.toml)
            .map_err(|e| Failure::Usage(format!("error: cannot write {}: {e}", path.display())))?,
        None => print!("{}", imported.toml),
    }
    Ok(())
}

//! `failsim import`: reads the files, runs the library's importer, prints warnings on stderr
//! and writes the scenario (or prints it). Nothing is written on error.

use super::args::ImportArgs;
use super::Failure;
use failsim::import::{import_with, inventory::ClientInventory, Input};

/// Runs `failsim import`.
pub fn import(args: ImportArgs) -> Result<(), Failure> {
    let mut inputs = Vec::new();
    for arg in &args.files {
        let (region, path) = Input::split_arg(arg);
        let text = std::fs::read_to_string(&path)
            .map_err(|e| Failure::Usage(format!("error: cannot read {path}: {e}")))?;
        inputs.push(Input { region, path, text });
    }
    let inventory = match &args.client_versions {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|e| {
                Failure::Usage(format!("error: cannot read {}: {e}", path.display()))
            })?;
            Some(
                ClientInventory::parse(&path.display().to_string(), &text)
                    .map_err(|e| Failure::Usage(format!("error: {e}")))?,
            )
        }
        None => None,
    };
    let imported =
        import_with(&inputs, inventory).map_err(|e| Failure::Usage(format!("error: {e}")))?;
    for w in &imported.warnings {
        eprintln!("warning: {w}");
    }
    match &args.out {
        // Atomic: a reader (or a later `run`) never sees half a scenario.
        Some(path) => failsim::output::write_file_atomically(path, |w| {
            std::io::Write::write_all(w, imported.toml.as_bytes())
        })
        .map_err(Failure::error)?,
        None => print!("{}", imported.toml),
    }
    Ok(())
}

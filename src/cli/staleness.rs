//! `failsim staleness`: the curve as CSV on stdout or in `--out`; the seed on stderr
//! (stdout may be the CSV itself).

use super::args::StalenessArgs;
use super::progress::SimProgress;
use super::{is_broken_pipe, show_progress, Failure};
use failsim::staleness::{staleness_curve_with_progress, write_csv, StalenessParams};

/// `failsim staleness`.
pub fn staleness(args: StalenessArgs) -> Result<(), Failure> {
    let params = StalenessParams {
        population: args.population,
        ttl_ms: args.ttl,
        instances: args.instances,
        rate_per_second: args.rate,
        seed: args.seed,
        client_cache: args.client_cache,
        clients_per_instance: args.clients,
    };
    if let Some(path) = &args.out {
        failsim::output::check_file_destination(path).map_err(Failure::error)?;
    }
    if !args.quiet {
        eprintln!("seed: {}", params.seed);
    }
    let mut progress = SimProgress::new(show_progress(args.quiet), "staleness", 0);
    let rows = staleness_curve_with_progress(&params, &mut |done, total| {
        progress.at(done, total);
    });
    progress.finish();
    let rows = rows.map_err(Failure::error)?;
    let Some(path) = &args.out else {
        return match write_csv(&rows, std::io::stdout().lock()) {
            Err(e) if !is_broken_pipe(&e) => {
                Err(Failure::error(format!("cannot write standard output: {e}")))
            }
            _ => Ok(()),
        };
    };
    failsim::output::write_file_atomically(path, |w| write_csv(&rows, w))
        .map_err(Failure::error)?;
    if args.quiet {
        return Ok(());
    }
    let share = |ms: u64| {
        rows.iter()
            .find(|r| r.since_change_ms == ms)
            .and_then(|r| r.stale_share)
            .map_or_else(|| "n/a".to_string(), |s| format!("{:.1} %", 100.0 * s))
    };
    println!(
        "stale lookups after the change: {} at 60 s, {} at 15 min, {} at 1 h",
        share(60_000),
        share(900_000),
        share(3_600_000)
    );
    println!("output: {}", path.display());
    Ok(())
}

//! `failsim sensitivity`.
use super::args::SensitivityArgs;
use super::Failure;

/// `failsim sensitivity`.
pub fn sensitivity(_args: SensitivityArgs) -> Result<(), Failure> {
    Err(Failure::error("not yet"))
}

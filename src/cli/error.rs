//! How a command ends, and the one place that turns that into an exit
//! code: 0 ok, 1 problems found or the command failed, 2 a usage error.
//! Commands return a [`CliError`]; they never choose a number.

use std::path::Path;
use std::process::ExitCode;

use crate::i18n::{Lang, Tr};
use crate::store::StoreError;

/// Why a command did not end well. `Display` is the English message, for
/// logs; a person is shown the message in the language they chose.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// What the command was given cannot be used (a questionnaire folder
    /// that cannot be read): exit code 2.
    #[error("{}", .0.en)]
    Usage(Tr),
    /// The command failed; the message says why: exit code 1.
    #[error("{}", .0.en)]
    Failed(Tr),
    /// The command ran and found problems, which it has already printed
    /// (errors in a questionnaire, a damaged database, a merge that was
    /// refused): exit code 1, nothing more is said.
    #[error("problems found")]
    Found,
}

impl From<Tr> for CliError {
    fn from(message: Tr) -> Self {
        CliError::Failed(message)
    }
}

impl CliError {
    /// A store error on the database at `db`, which names it when the
    /// store could not.
    pub fn store(db: &Path) -> impl Fn(StoreError) -> CliError + '_ {
        move |e| CliError::Failed(e.at(db).message())
    }

    /// The exit code of this ending.
    fn code(&self) -> u8 {
        match self {
            CliError::Usage(_) => 2,
            CliError::Failed(_) | CliError::Found => 1,
        }
    }
}

/// The exit code of a command, printing its error for a person first.
pub fn exit(result: Result<(), CliError>, lang: Lang) -> ExitCode {
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            if let CliError::Usage(message) | CliError::Failed(message) = &e {
                super::print_error(message, lang);
            }
            ExitCode::from(e.code())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::CliError;
    use crate::i18n::Tr;

    #[test]
    fn a_usage_error_exits_with_2_and_every_other_ending_with_1() {
        assert_eq!(CliError::Usage(Tr::same("x")).code(), 2);
        assert_eq!(CliError::Failed(Tr::same("x")).code(), 1);
        assert_eq!(CliError::Found.code(), 1);
    }
}

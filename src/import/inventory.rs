//! The client inventory: what no AWS API can tell, the WorkSpaces client versions in use,
//! read from a CSV a client-management tool exports (`failsim import --client-versions FILE`).
//!
//! Format: a header `version,users`, then one row per client version with the number of
//! users (or devices) running it, e.g.
//!
//! ```text
//! version,users
//! 5.22.0,1840
//! 3.0.8,160
//! ```
//!
//! Versions are dotted numbers (`5.22.0`); a version listed twice is refused. The shares
//! (users / total) become every imported group's `client_versions`, so clients older than
//! 3.0.9, which ignore cross-Region redirection, are simulated in their real proportion.

use super::ImportError;

/// Client versions and how many users run each, in file order.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientInventory {
    /// The file as named on the command line.
    pub path: String,
    /// `(version, users)` per row.
    pub versions: Vec<(String, u64)>,
}

impl ClientInventory {
    /// Parses the CSV text of `path`; errors name the file, line and column.
    pub fn parse(path: &str, text: &str) -> Result<ClientInventory, ImportError> {
        let fail = |line: usize, column: usize, message: String| ImportError {
            file: path.to_string(),
            line,
            column,
            message,
        };
        let mut reader = csv::ReaderBuilder::new()
            .trim(csv::Trim::All)
            .from_reader(text.as_bytes());
        let header = reader
            .headers()
            .map_err(|e| fail(1, 1, format!("not a CSV file ({e})")))?
            .clone();
        if header.iter().collect::<Vec<_>>() != ["version", "users"] {
            return Err(fail(
                1,
                1,
                format!(
                    "the header is `{}`; allowed: `version,users`",
                    header.iter().collect::<Vec<_>>().join(",")
                ),
            ));
        }
        let mut versions: Vec<(String, u64)> = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| {
                let line = e.position().map_or(0, |p| p.line() as usize);
                fail(line, 1, format!("unreadable row ({e})"))
            })?;
            let line = record.position().map_or(0, |p| p.line() as usize);
            let version = record.get(0).unwrap_or_default().to_string();
            if !is_version(&version) {
                return Err(fail(
                    line,
                    1,
                    format!("`version`: `{version}` is not a client version; allowed: dotted numbers such as 5.22.0"),
                ));
            }
            if versions.iter().any(|(v, _)| *v == version) {
                return Err(fail(
                    line,
                    1,
                    format!("`version`: {version} is listed twice; allowed: one row per version"),
                ));
            }
            let users_text = record.get(1).unwrap_or_default();
            let users: u64 = users_text.parse().map_err(|_| {
                let column = version.len() + 2;
                fail(
                    line,
                    column,
                    format!(
                        "`users`: `{users_text}` is not a count; allowed: a whole number of users"
                    ),
                )
            })?;
            versions.push((version, users));
        }
        let total: u64 = versions.iter().map(|(_, n)| n).sum();
        if total == 0 {
            return Err(fail(
                1,
                1,
                "no users in the inventory; allowed: at least one row with users > 0".into(),
            ));
        }
        Ok(ClientInventory {
            path: path.to_string(),
            versions,
        })
    }

    /// The `client_versions` inline table: each version's share of all users, rounded to 4
    /// decimals, versions with no users left out.
    pub fn toml_table(&self) -> String {
        let total: u64 = self.versions.iter().map(|(_, n)| n).sum();
        let entries: Vec<String> = self
            .versions
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(v, n)| {
                let share = (*n as f64 / total as f64 * 10_000.0).round() / 10_000.0;
                format!("\"{v}\" = {share}")
            })
            .collect();
        format!("{{ {} }}", entries.join(", "))
    }

    /// Users in the inventory.
    pub fn users(&self) -> u64 {
        self.versions.iter().map(|(_, n)| n).sum()
    }
}

fn is_version(text: &str) -> bool {
    !text.is_empty()
        && text
            .split('.')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_follow_the_counts() {
        let inv =
            ClientInventory::parse("c.csv", "version,users\n5.22.0,1800\n3.0.8,200\n").unwrap();
        assert_eq!(inv.users(), 2000);
        assert_eq!(inv.toml_table(), "{ \"5.22.0\" = 0.9, \"3.0.8\" = 0.1 }");
    }

    #[test]
    fn bad_rows_are_located() {
        let e = ClientInventory::parse("c.csv", "version,users\n5.22.0,many\n").unwrap_err();
        assert_eq!((e.line, e.file.as_str()), (2, "c.csv"));
        assert!(e.message.contains("`users`: `many` is not a count"), "{e}");
        let e = ClientInventory::parse("c.csv", "version,users\nlatest,3\n").unwrap_err();
        assert!(e.message.contains("not a client version"), "{e}");
        let e = ClientInventory::parse("c.csv", "ver,n\n5.0,1\n").unwrap_err();
        assert!(e.message.contains("allowed: `version,users`"), "{e}");
        let e = ClientInventory::parse("c.csv", "version,users\n5.0,1\n5.0,2\n").unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.contains("listed twice"), "{e}");
        let e = ClientInventory::parse("c.csv", "version,users\n5.0,0\n").unwrap_err();
        assert!(e.message.contains("no users"), "{e}");
    }
}

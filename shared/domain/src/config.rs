//! Configuration from environment variables, read and validated once at init.
//!
//! A function calls these in `main` before `run`, so a missing or malformed variable stops the
//! cold start with a message naming it instead of failing the first request.

use std::collections::BTreeMap;
use std::fmt;

use crate::ports::Table;

/// A configuration problem, naming the variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub variable: String,
    pub problem: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "configuration: {} {}", self.variable, self.problem)
    }
}

impl std::error::Error for ConfigError {}

/// Reads variables from a source: the process environment, or a map in tests.
pub trait VarSource {
    fn var(&self, name: &str) -> Option<String>;
}

/// The process environment.
pub struct ProcessEnv;

impl VarSource for ProcessEnv {
    fn var(&self, name: &str) -> Option<String> {
        std::env::var(name).ok()
    }
}

impl VarSource for BTreeMap<String, String> {
    fn var(&self, name: &str) -> Option<String> {
        self.get(name).cloned()
    }
}

/// A required, non-empty variable.
pub fn required(env: &dyn VarSource, name: &str) -> Result<String, ConfigError> {
    match env.var(name) {
        Some(v) if !v.trim().is_empty() => Ok(v.trim().to_string()),
        Some(_) => Err(ConfigError {
            variable: name.into(),
            problem: "is empty".into(),
        }),
        None => Err(ConfigError {
            variable: name.into(),
            problem: "is not set".into(),
        }),
    }
}

/// A required variable holding one email address, e.g. `MAIL_FROM` (a verified SES identity).
pub fn email_address(env: &dyn VarSource, name: &str) -> Result<String, ConfigError> {
    let address = required(env, name)?;
    if crate::contact::email_domain(&address).is_none() {
        return Err(ConfigError {
            variable: name.into(),
            problem: format!("`{address}` is not an email address"),
        });
    }
    Ok(address)
}

/// An optional variable parsed with `parse`, or `default` when unset.
pub fn parsed_or<T: std::str::FromStr>(
    env: &dyn VarSource,
    name: &str,
    default: T,
) -> Result<T, ConfigError> {
    match env.var(name) {
        None => Ok(default),
        Some(v) => v.trim().parse().map_err(|_| ConfigError {
            variable: name.into(),
            problem: format!("has an invalid value `{v}`"),
        }),
    }
}

/// Physical table names of the tables a function uses, from `TABLE_<NAME>` variables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TableNames(BTreeMap<Table, String>);

impl TableNames {
    /// Reads the names of `tables`; every one must be set.
    pub fn from_env(env: &dyn VarSource, tables: &[Table]) -> Result<Self, ConfigError> {
        let mut names = BTreeMap::new();
        for &table in tables {
            names.insert(table, required(env, &table.env_var())?);
        }
        Ok(TableNames(names))
    }

    /// Names every table as `<prefix><Name>`; for tests and the emulator set-up.
    pub fn prefixed(prefix: &str) -> Self {
        TableNames(
            Table::ALL
                .iter()
                .map(|t| (*t, format!("{prefix}{}", t.name())))
                .collect(),
        )
    }

    /// The physical name of `table`, if configured.
    pub fn get(&self, table: Table) -> Option<&str> {
        self.0.get(&table).map(String::as_str)
    }

    /// The configured tables, in `Table` order.
    pub fn tables(&self) -> impl Iterator<Item = Table> + '_ {
        self.0.keys().copied()
    }

    /// Reverse lookup: the logical table of a physical name.
    pub fn table_of(&self, physical: &str) -> Option<Table> {
        self.0
            .iter()
            .find(|(_, n)| n.as_str() == physical)
            .map(|(t, _)| *t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_table_variable_is_named() {
        let env = BTreeMap::from([("TABLE_COMPANIES".to_string(), "c".to_string())]);
        let err = TableNames::from_env(&env, &[Table::Companies, Table::Employees]).unwrap_err();
        assert_eq!(err.variable, "TABLE_EMPLOYEES");
        assert!(err.to_string().contains("is not set"));
    }

    #[test]
    fn unparsable_number_is_refused() {
        let env = BTreeMap::from([("N".to_string(), "ten".to_string())]);
        assert!(parsed_or::<u32>(&env, "N", 3).is_err());
        assert_eq!(parsed_or::<u32>(&BTreeMap::new(), "N", 3).unwrap(), 3);
    }
}

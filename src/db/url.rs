use std::fmt;
use std::path::PathBuf;

/// Where the data lives, parsed once from `DATABASE_URL`.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite(PathBuf),
    Postgres(String),
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum DatabaseUrlError {
    #[error("the database URL is empty")]
    Empty,
    #[error("unsupported database URL scheme `{0}:` (use `sqlite://PATH`, a file path, or `postgres://…`)")]
    UnknownScheme(String),
    #[error("the SQLite URL names no file")]
    NoPath,
}

impl DatabaseUrl {
    pub fn parse(raw: &str) -> Result<Self, DatabaseUrlError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(DatabaseUrlError::Empty);
        }
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            return Ok(Self::Postgres(raw.to_owned()));
        }
        if let Some(rest) = raw.strip_prefix("sqlite:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            let path = path.split('?').next().unwrap_or_default();
            if path.is_empty() {
                return Err(DatabaseUrlError::NoPath);
            }
            if path == ":memory:" {
                // Each pooled connection would get its own empty database.
                return Err(DatabaseUrlError::UnknownScheme(":memory".into()));
            }
            return Ok(Self::Sqlite(PathBuf::from(path)));
        }
        // A scheme is letters followed by "://"; anything else is a file path.
        if let Some((scheme, _)) = raw.split_once("://") {
            return Err(DatabaseUrlError::UnknownScheme(scheme.to_owned()));
        }
        Ok(Self::Sqlite(PathBuf::from(raw)))
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Self::Sqlite(_) => "sqlite",
            Self::Postgres(_) => "postgres",
        }
    }
}

/// Shown in messages and logs: never the password.
impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Sqlite(path) => write!(f, "sqlite://{}", path.display()),
            Self::Postgres(raw) => match ::url::Url::parse(raw) {
                Ok(mut u) => {
                    if u.password().is_some() {
                        let _ = u.set_password(Some("***"));
                    }
                    write!(f, "{u}")
                }
                Err(_) => f.write_str("postgres://(unparseable)"),
            },
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_and_sqlite_urls_choose_sqlite() {
        for (raw, path) in [
            ("data/ipdesk.db", "data/ipdesk.db"),
            ("sqlite://data/x.db", "data/x.db"),
            ("sqlite:///var/lib/ipdesk.db", "/var/lib/ipdesk.db"),
            ("sqlite:x.db", "x.db"),
        ] {
            assert_eq!(
                DatabaseUrl::parse(raw),
                Ok(DatabaseUrl::Sqlite(path.into())),
                "{raw}"
            );
        }
    }

    #[test]
    fn postgres_urls_choose_postgres() {
        for raw in ["postgres://u@h/db", "postgresql://u:p@h:5432/db?sslmode=disable"] {
            assert!(matches!(DatabaseUrl::parse(raw), Ok(DatabaseUrl::Postgres(_))));
        }
    }

    #[test]
    fn unknown_schemes_are_refused_not_guessed() {
        assert_eq!(
            DatabaseUrl::parse("mysql://root@localhost/x"),
            Err(DatabaseUrlError::UnknownScheme("mysql".into()))
        );
        assert_eq!(DatabaseUrl::parse("  "), Err(DatabaseUrlError::Empty));
        assert_eq!(DatabaseUrl::parse("sqlite://"), Err(DatabaseUrlError::NoPath));
        assert!(DatabaseUrl::parse("sqlite::memory:").is_err());
    }

    #[test]
    fn the_password_never_shows() {
        let url = DatabaseUrl::parse("postgres://alice:s3cret@db.local/ipdesk").unwrap();
        let shown = url.to_string();
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(shown.contains("alice"));
    }
}

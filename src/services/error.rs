//! Why a use case failed, as opposed to refusing (a refusal is an outcome the caller shows).

use crate::db::MaybeConflict;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("not found")]
    NotFound,
    #[error("database error")]
    Database(#[source] diesel::result::Error),
    #[error("internal error")]
    Internal(#[source] anyhow::Error),
}

impl From<diesel::result::Error> for Error {
    fn from(e: diesel::result::Error) -> Self {
        match e {
            diesel::result::Error::NotFound => Error::NotFound,
            e => Error::Database(e),
        }
    }
}

impl From<anyhow::Error> for Error {
    fn from(e: anyhow::Error) -> Self {
        Error::Internal(e)
    }
}

impl From<crate::mail::QueueError> for Error {
    fn from(e: crate::mail::QueueError) -> Self {
        match e {
            crate::mail::QueueError::Database(e) => e.into(),
            crate::mail::QueueError::Render(e) => Error::Internal(e.into()),
        }
    }
}

impl MaybeConflict for Error {
    fn is_unique_violation(&self) -> bool {
        matches!(self, Error::Database(e) if e.is_unique_violation())
    }
}

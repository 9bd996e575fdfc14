//! Statistics (issue 18): the office's yearly anonymised count tables.

pub mod suppress;

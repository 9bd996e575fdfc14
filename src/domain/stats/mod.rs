//! Statistics (issue 18): what each case adds to the office's monthly figures, the figures for
//! a filter, the technology fields and industries they are grouped by, and the suppression
//! that makes the public ones anonymous.

pub mod cell;
pub mod fields;
pub mod figures;
pub mod suppress;

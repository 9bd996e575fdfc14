//! The registry of cited rights, case citations and bulk import, through HTTP.

//! Where bytes come from. Sources know nothing of rules.

pub mod fs;

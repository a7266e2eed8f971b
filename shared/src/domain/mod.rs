//! Domain records and the store operations on them.

pub mod catalog;
pub mod catalog_changes;
pub mod datasets;
pub mod environments;
pub mod feeds;
pub mod glossaries;
pub mod organizations;
pub mod stacks;

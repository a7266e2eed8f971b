//! Domain records and the store operations on them.

pub mod catalog;
pub mod datasets;
pub mod environments;
pub mod organizations;
pub mod stacks;

//! Domain, authorization, store and AWS adapters shared by every Lambda function, the worker
//! functions and the local host.
//!
//! Handlers stay thin: they parse the request, call into this crate and return its result.

pub mod api;
pub mod authz;
pub mod aws;
pub mod config;
pub mod context;
pub mod domain;
pub mod error;
pub mod functions;
pub mod identity;
pub mod logging;
pub mod names;
pub mod notifications;
pub mod permissions;
pub mod routes;
pub mod schedules;
pub mod shares;
pub mod store;
pub mod table_sync;
pub mod tenant;
pub mod time;
pub mod uri;
pub mod validate;
pub mod worker;
pub mod workflows;

pub use context::AppContext;
pub use error::ApiError;

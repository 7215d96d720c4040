//! Knowledge as data: the provider catalog, the API formats and the symptom catalog.

pub mod apis;
pub mod providers;
pub mod symptoms;

//! Knowledge as data: the provider catalog, the API formats (and, later, the symptom catalog).

pub mod apis;
pub mod providers;

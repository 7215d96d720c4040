//! Knowledge as data: the provider catalog, the API formats, the connector facts and the
//! symptom catalog.

pub mod apis;
pub mod connectors;
pub mod providers;
pub mod symptoms;

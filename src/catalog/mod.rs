//! Knowledge as data: the provider catalog (and, later, the symptom catalog).

pub mod providers;

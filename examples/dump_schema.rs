fn main() { let s = aperture_orchestrator::config::model::config_schema(); std::fs::write("/tmp/schema.json", serde_json::to_string_pretty(s).unwrap()).unwrap(); }

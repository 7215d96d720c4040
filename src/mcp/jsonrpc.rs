//! One client message read from raw bytes (a stdio line or an HTTP body), or the reply JSON-RPC
//! 2.0 prescribes when it cannot be read, so that no message goes unanswered:
//!
//! * not UTF-8 or not JSON: -32700 Parse error, `id` null;
//! * a batch (a JSON array): MCP dropped batching in 2025-06-18, so each request in it gets a
//!   -32600 Invalid Request for its id, in one array as JSON-RPC answers a batch (an empty
//!   array is one -32600; notifications in it get nothing, as JSON-RPC says);
//! * a request whose params do not fit its method (`arguments` given as a string): -32602
//!   Invalid params for its id, not rmcp's -32601 Method not found;
//! * anything else that is not a message: -32600 for its id when one can be read, else `null`.

use rmcp::model::{CallToolRequestParams, ClientJsonRpcMessage, ClientRequest};
use serde_json::{Value, json};

/// JSON-RPC 2.0 error codes.
pub const PARSE_ERROR: i64 = -32700;
pub const INVALID_REQUEST: i64 = -32600;
pub const INVALID_PARAMS: i64 = -32602;

/// The client methods rmcp reads into typed requests: one of these arriving as a custom
/// request means its params did not fit. (`server/discover` is left to rmcp: outside the
/// 2026 era it is an unknown method.)
const TYPED_METHODS: &[&str] = &[
    "initialize",
    "ping",
    "tools/call",
    "tools/list",
    "prompts/get",
    "prompts/list",
    "resources/list",
    "resources/read",
    "resources/templates/list",
    "resources/subscribe",
    "resources/unsubscribe",
    "completion/complete",
    "logging/setLevel",
];

/// What a piece of input is.
#[derive(Debug)]
pub enum Incoming {
    /// A message for rmcp.
    Message(Box<ClientJsonRpcMessage>),
    /// Not a readable message: send this reply (an error object, or an array for a batch).
    Reply(Value),
    /// Nothing to do: a blank line, or a batch of notifications only.
    Nothing,
}

/// A JSON-RPC error response.
pub fn error(id: Value, code: i64, message: &str) -> Value {
    json!({ "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message } })
}

/// Read one message from `bytes`.
pub fn read_message(bytes: &[u8]) -> Incoming {
    let bytes = bytes.trim_ascii();
    if bytes.is_empty() {
        return Incoming::Nothing;
    }
    // The common case in one pass; the slow path below only explains a failure.
    if let Ok(message) = serde_json::from_slice::<ClientJsonRpcMessage>(bytes) {
        return match params_misfit(&message) {
            Some(reply) => Incoming::Reply(reply),
            None => Incoming::Message(Box::new(message)),
        };
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            return Incoming::Reply(error(
                Value::Null,
                PARSE_ERROR,
                &format!(
                    "parse error: the message is not UTF-8 (bad byte at offset {}); send UTF-8 JSON",
                    e.valid_up_to()
                ),
            ));
        }
    };
    match serde_json::from_str::<Value>(text) {
        Err(e) => Incoming::Reply(error(
            Value::Null,
            PARSE_ERROR,
            &format!("parse error: {e}; send one JSON-RPC message per line"),
        )),
        Ok(Value::Array(items)) => batch(&items),
        Ok(value) => Incoming::Reply(not_a_message(&value)),
    }
}

/// The `id` of a would-be request, when it is a valid one (a string or a number).
fn id_of(value: &Value) -> Value {
    match value.get("id") {
        Some(id @ (Value::String(_) | Value::Number(_))) => id.clone(),
        _ => Value::Null,
    }
}

fn batch(items: &[Value]) -> Incoming {
    if items.is_empty() {
        return Incoming::Reply(error(
            Value::Null,
            INVALID_REQUEST,
            "invalid request: an empty batch; send one JSON-RPC message per line",
        ));
    }
    let replies: Vec<Value> = items
        .iter()
        // A well-formed notification gets no reply, in a batch as anywhere.
        .filter(|item| item.get("id").is_some() || item.get("method").is_none())
        .map(|item| {
            error(
                id_of(item),
                INVALID_REQUEST,
                "invalid request: batches are not supported (MCP removed them in 2025-06-18); send each message on its own line",
            )
        })
        .collect();
    if replies.is_empty() {
        Incoming::Nothing
    } else {
        Incoming::Reply(Value::Array(replies))
    }
}

/// The reply to a JSON value that is not a client message.
fn not_a_message(value: &Value) -> Value {
    let id = id_of(value);
    let method = value.get("method").and_then(Value::as_str);
    let is_request = value.get("jsonrpc") == Some(&json!("2.0")) && !id.is_null();
    match method {
        Some(method) if is_request => error(
            id,
            INVALID_PARAMS,
            &format!(
                "invalid params: `params` do not fit `{method}` ({}); see the method's schema",
                param_error(method, value.get("params"))
            ),
        ),
        _ => error(
            id,
            INVALID_REQUEST,
            "invalid request: not a JSON-RPC 2.0 message (needs \"jsonrpc\": \"2.0\", a string \"method\", and an \"id\" for a request)",
        ),
    }
}

/// Why `params` do not fit `method`, as precisely as can be said.
fn param_error(method: &str, params: Option<&Value>) -> String {
    match params {
        Some(params) if !params.is_object() => "`params` must be an object".to_owned(),
        Some(params) if method == "tools/call" => {
            match serde_json::from_value::<CallToolRequestParams>(params.clone()) {
                Err(e) => e.to_string(),
                Ok(_) => "unreadable".to_owned(),
            }
        }
        _ => "a field is missing or has the wrong type".to_owned(),
    }
}

/// rmcp reads a typed method whose params do not fit as a custom request and answers "method
/// not found"; it is an invalid-params error for that id.
fn params_misfit(message: &ClientJsonRpcMessage) -> Option<Value> {
    let ClientJsonRpcMessage::Request(request) = message else {
        return None;
    };
    let ClientRequest::CustomRequest(custom) = &request.request else {
        return None;
    };
    if !TYPED_METHODS.contains(&custom.method.as_str()) {
        return None;
    }
    let id = serde_json::to_value(&request.id).unwrap_or(Value::Null);
    let params = custom.params.clone();
    Some(error(
        id,
        INVALID_PARAMS,
        &format!(
            "invalid params: `params` do not fit `{}` ({}); see the method's schema",
            custom.method,
            param_error(&custom.method, params.as_ref())
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(bytes: &[u8]) -> Value {
        match read_message(bytes) {
            Incoming::Reply(reply) => reply,
            other => panic!("expected a reply, got {other:?}"),
        }
    }

    #[test]
    fn every_unreadable_input_gets_the_reply_json_rpc_prescribes() {
        let r = reply(b"this is not json");
        assert_eq!(
            (r["id"].clone(), r["error"]["code"].clone()),
            (Value::Null, json!(-32700))
        );
        let r = reply(b"\xff\xfe{}");
        assert_eq!(r["error"]["code"], -32700);
        assert!(r["error"]["message"].as_str().unwrap().contains("UTF-8"));
        let r = reply(br#"{"jsonrpc": "2.0", "id": 5, "method": "#);
        assert_eq!(
            (r["id"].clone(), r["error"]["code"].clone()),
            (Value::Null, json!(-32700))
        );

        let r = reply(br#"[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","method":"notifications/initialized"},3]"#);
        let codes: Vec<(Value, Value)> = r
            .as_array()
            .unwrap()
            .iter()
            .map(|e| (e["id"].clone(), e["error"]["code"].clone()))
            .collect();
        assert_eq!(
            codes,
            [(json!(1), json!(-32600)), (Value::Null, json!(-32600))]
        );
        assert_eq!(reply(b"[]")["error"]["code"], -32600);
        assert!(matches!(
            read_message(br#"[{"jsonrpc":"2.0","method":"notifications/initialized"}]"#),
            Incoming::Nothing
        ));

        let r = reply(br#"{"jsonrpc":"2.0","id":"a","method":"tools/call","params":{"name":"validate_config","arguments":"{}"}}"#);
        assert_eq!(
            (r["id"].clone(), r["error"]["code"].clone()),
            (json!("a"), json!(-32602))
        );
        assert!(
            r["error"]["message"]
                .as_str()
                .unwrap()
                .contains("tools/call"),
            "{r}"
        );
        let r = reply(br#"{"jsonrpc":"2.0","id":7,"method":"tools/call","params":{"name":12}}"#);
        assert_eq!(
            (r["id"].clone(), r["error"]["code"].clone()),
            (json!(7), json!(-32602))
        );
        let r = reply(br#"{"id":7,"hello":1}"#);
        assert_eq!(
            (r["id"].clone(), r["error"]["code"].clone()),
            (json!(7), json!(-32600))
        );

        assert!(matches!(read_message(b"  \r"), Incoming::Nothing));
        assert!(matches!(
            read_message(br#"{"jsonrpc":"2.0","id":1,"method":"ping"}"#),
            Incoming::Message(_)
        ));
        // An unknown method is a message: rmcp answers it with -32601.
        assert!(matches!(
            read_message(br#"{"jsonrpc":"2.0","id":1,"method":"no/such"}"#),
            Incoming::Message(_)
        ));
    }
}

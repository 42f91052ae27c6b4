//! The client against a real HTTP server: `hexaboard_testkit::ChatServer` on a free loopback
//! port, scripted per test.

use std::time::Duration;

use hexaboard_advisor::{AdvisorError, Client, Endpoint, Format};
use hexaboard_mqtt::settings::Secret;
use hexaboard_testkit::{free_port, ChatRequest, ChatServer, Reply};
use serde_json::{json, Value};

const KEY: &str = "sk-test-0123456789abcdef";
const MODEL: &str = "gpt-test";
const ANSWER: &str = r#"{"advice":"open a window"}"#;

fn schema() -> Value {
    json!({
        "type": "object",
        "properties": {"advice": {"type": "string"}},
        "required": ["advice"],
        "additionalProperties": false
    })
}

fn endpoint(base_url: &str, key: Option<&str>) -> Endpoint {
    Endpoint {
        base_url: base_url.to_owned(),
        model: MODEL.to_owned(),
        key: key.map(Secret::from),
        timeout: Duration::from_secs(5),
    }
}

fn client(server: &ChatServer) -> Client {
    Client::new(endpoint(&server.base_url(), Some(KEY)))
}

fn ask(client: &mut Client) -> Result<hexaboard_advisor::Answer, AdvisorError> {
    client.ask("You advise.", "It is 31 °C.", "advice", &schema())
}

/// The error, checked to keep the key out of its `Display` and `Debug`.
fn error_of(result: Result<hexaboard_advisor::Answer, AdvisorError>) -> AdvisorError {
    let error = result.expect_err("an error");
    let shown = format!("{error} | {error:?}");
    assert!(!shown.contains(KEY), "the key leaked: {shown}");
    assert!(!shown.contains('\n'), "not one line: {shown}");
    error
}

fn system_message(request: &ChatRequest) -> &str {
    request.body["messages"][0]["content"].as_str().unwrap()
}

#[test]
fn a_good_answer_comes_from_a_strict_json_schema_request() {
    let server = ChatServer::start([Reply::content(ANSWER)]).unwrap();
    let answer = ask(&mut client(&server)).unwrap();

    assert_eq!(answer.content, ANSWER);
    assert_eq!(answer.format, Format::JsonSchema);
    assert_eq!(answer.model, MODEL);
    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(
        (request.method.as_str(), request.path.as_str()),
        ("POST", "/v1/chat/completions")
    );
    assert_eq!(
        request.header("authorization"),
        Some(format!("Bearer {KEY}").as_str())
    );
    assert_eq!(
        request.body,
        json!({
            "model": MODEL,
            "messages": [
                {"role": "system", "content": "You advise."},
                {"role": "user", "content": "It is 31 °C."}
            ],
            "temperature": 0,
            "response_format": {
                "type": "json_schema",
                "json_schema": {"name": "advice", "strict": true, "schema": schema()}
            },
            // A server that is not the official API is told how long an answer may be.
            "max_tokens": 512
        })
    );
}

#[test]
fn no_authorization_header_is_sent_without_a_key() {
    let server = ChatServer::start([Reply::content(ANSWER)]).unwrap();
    let mut client = Client::new(endpoint(&server.base_url(), None));
    ask(&mut client).unwrap();
    assert_eq!(server.requests()[0].header("authorization"), None);
}

#[test]
fn a_trailing_slash_on_the_base_url_is_tolerated() {
    let server = ChatServer::start([Reply::content(ANSWER)]).unwrap();
    let mut client = Client::new(endpoint(&format!("{}/", server.base_url()), None));
    ask(&mut client).unwrap();
    assert_eq!(server.requests()[0].path, "/v1/chat/completions");
}

/// The 400 of a server that takes `json_object` but no schema beside it.
fn rejects_schema_beside_json_object() -> Reply {
    Reply::status(
        400,
        &json!({"error": {
            "message": "Unrecognized request argument supplied: response_format.schema",
            "type": "invalid_request_error", "param": null, "code": null
        }}),
    )
}

#[test]
fn a_server_without_json_schema_is_asked_for_a_json_object_held_to_the_schema() {
    let server = ChatServer::start([Reply::rejects_json_schema(), Reply::content(ANSWER)]).unwrap();
    let mut client = client(&server);
    let answer = ask(&mut client).unwrap();

    assert_eq!(answer.format, Format::JsonObjectSchema);
    assert_eq!(answer.content, ANSWER);
    let requests = server.requests();
    assert_eq!(requests.len(), 2);
    let second = &requests[1];
    assert_eq!(
        second.body["response_format"],
        json!({"type": "json_object", "schema": schema()})
    );
    let system = system_message(second);
    assert!(
        system.starts_with(
            "You advise.\n\nAnswer with one JSON object that follows this JSON schema: "
        ),
        "{system}"
    );
    assert!(
        system.contains(r#""additionalProperties":false"#),
        "{system}"
    );
}

#[test]
fn a_server_without_a_schema_beside_json_object_is_asked_for_a_json_object_alone() {
    let server = ChatServer::start([
        Reply::rejects_json_schema(),
        rejects_schema_beside_json_object(),
        Reply::content(ANSWER),
    ])
    .unwrap();
    let answer = ask(&mut client(&server)).unwrap();

    assert_eq!(answer.format, Format::JsonObject);
    let requests = server.requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(
        requests[2].body["response_format"],
        json!({"type": "json_object"})
    );
    assert!(system_message(&requests[2]).contains(r#""additionalProperties":false"#));
}

#[test]
fn a_server_without_json_object_either_is_asked_plainly_and_fenced_json_is_extracted() {
    let fenced = format!("Here is my advice:\n```json\n{ANSWER}\n```\nStay cool.");
    let server = ChatServer::start([
        Reply::rejects_json_schema(),
        Reply::rejects_json_object(),
        Reply::rejects_json_object(),
        Reply::content(fenced),
    ])
    .unwrap();
    let answer = ask(&mut client(&server)).unwrap();

    assert_eq!(answer.format, Format::Plain);
    assert_eq!(answer.content, ANSWER);
    let requests = server.requests();
    assert_eq!(requests.len(), 4);
    assert!(requests[3].body.get("response_format").is_none());
    assert!(system_message(&requests[3]).contains("follows this JSON schema"));
}

#[test]
fn the_rung_that_worked_is_used_for_the_next_question() {
    let server = ChatServer::start([
        Reply::rejects_json_schema(),
        Reply::content(ANSWER),
        Reply::content(ANSWER),
    ])
    .unwrap();
    let mut client = client(&server);
    ask(&mut client).unwrap();
    assert_eq!(client.format(), Format::JsonObjectSchema);

    let answer = ask(&mut client).unwrap();
    assert_eq!(answer.format, Format::JsonObjectSchema);
    let requests = server.requests();
    assert_eq!(requests.len(), 3, "the second question took one request");
    assert_eq!(requests[2].body["response_format"]["type"], "json_object");
    assert_eq!(requests[2].body["response_format"]["schema"], schema());
}

#[test]
fn a_refused_key_names_openai_api_key_and_never_shows_the_key() {
    let body = json!({"error": {
        "message": format!("Incorrect API key provided: {KEY}. You can find your API key at ..."),
        "type": "invalid_request_error", "param": null, "code": "invalid_api_key"
    }});
    let server = ChatServer::start([Reply::status(401, &body)]).unwrap();
    let error = error_of(ask(&mut client(&server)));

    assert!(
        matches!(error, AdvisorError::KeyRefused { status: 401, .. }),
        "{error:?}"
    );
    assert_eq!(error.setting(), Some("OPENAI_API_KEY"));
    let line = error.to_string();
    assert!(
        line.contains("OPENAI_API_KEY") && line.contains("Incorrect API key provided: ***"),
        "{line}"
    );
}

#[test]
fn an_unknown_model_names_openai_model_and_the_model() {
    let body = json!({"error": {
        "message": format!("The model `{MODEL}` does not exist or you do not have access to it."),
        "type": "invalid_request_error", "param": null, "code": "model_not_found"
    }});
    let server = ChatServer::start([Reply::status(404, &body)]).unwrap();
    let error = error_of(ask(&mut client(&server)));

    assert!(
        matches!(error, AdvisorError::ModelNotFound { .. }),
        "{error:?}"
    );
    let line = error.to_string();
    assert!(
        line.contains("OPENAI_MODEL") && line.contains(MODEL),
        "{line}"
    );
}

#[test]
fn a_wrong_path_names_openai_base_url() {
    let server = ChatServer::start([]).unwrap();
    let base_url = server.base_url().replace("/v1", "/v2");
    let mut client = Client::new(endpoint(&base_url, Some(KEY)));
    let error = error_of(ask(&mut client));

    assert!(
        matches!(error, AdvisorError::NoEndpoint { .. }),
        "{error:?}"
    );
    assert_eq!(
        error.to_string(),
        format!("no chat-completions endpoint at {base_url}/chat/completions: check OPENAI_BASE_URL (it usually ends in /v1)")
    );
    assert_eq!(server.requests()[0].path, "/v2/chat/completions");
}

#[test]
fn a_rate_limit_is_waited_out_as_the_server_says() {
    let limited = json!({"error": {"message": "Rate limit reached for requests", "type": "requests", "code": "rate_limit_exceeded"}});
    let server = ChatServer::start([
        Reply::status(429, &limited).with_header("Retry-After", "1"),
        Reply::content(ANSWER),
    ])
    .unwrap();
    let answer = ask(&mut client(&server)).unwrap();

    assert_eq!(answer.content, ANSWER);
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn a_rate_limit_on_three_tries_is_an_error_saying_what_the_server_said() {
    let limited = || {
        Reply::status(
            429,
            &json!({"error": {"message": "Rate limit reached for requests"}}),
        )
        .with_header("Retry-After", "0")
    };
    let server =
        ChatServer::start([limited(), limited(), limited(), Reply::content(ANSWER)]).unwrap();
    let error = error_of(ask(&mut client(&server)));

    assert!(
        matches!(error, AdvisorError::RateLimited { tries: 3, .. }),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("Rate limit reached for requests"),
        "{error}"
    );
    assert_eq!(server.requests().len(), 3);
}

#[test]
fn a_used_up_quota_is_not_retried() {
    let body = json!({"error": {"message": "You exceeded your current quota, please check your plan and billing details.",
                                "type": "insufficient_quota", "param": null, "code": "insufficient_quota"}});
    let server = ChatServer::start([Reply::status(429, &body), Reply::content(ANSWER)]).unwrap();
    let error = error_of(ask(&mut client(&server)));

    assert!(
        matches!(error, AdvisorError::RateLimited { tries: 1, .. }),
        "{error:?}"
    );
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn a_silent_server_times_out_naming_openai_timeout() {
    let server = ChatServer::start([Reply::silent()]).unwrap();
    let mut endpoint = endpoint(&server.base_url(), Some(KEY));
    endpoint.timeout = Duration::from_secs(1);
    let error = error_of(Client::new(endpoint).ask("s", "u", "advice", &schema()));

    assert!(matches!(error, AdvisorError::Timeout { .. }), "{error:?}");
    assert_eq!(
        error.to_string(),
        format!(
            "no answer from {} within 1 s: raise OPENAI_TIMEOUT or check the server",
            server.base_url()
        )
    );
    assert!(std::error::Error::source(&error).is_some());
}

#[test]
fn a_refused_connection_names_the_url_and_openai_base_url() {
    let base_url = format!("http://127.0.0.1:{}/v1", free_port().unwrap());
    let error =
        error_of(Client::new(endpoint(&base_url, Some(KEY))).ask("s", "u", "advice", &schema()));

    assert!(
        matches!(error, AdvisorError::Unreachable { .. }),
        "{error:?}"
    );
    let line = error.to_string();
    assert!(
        line.contains(&base_url) && line.contains("OPENAI_BASE_URL"),
        "{line}"
    );
    assert!(
        std::error::Error::source(&error).is_some(),
        "the cause is kept"
    );
}

#[test]
fn an_html_page_is_not_a_chat_completions_server() {
    let server = ChatServer::start([Reply::raw(
        200,
        "text/html",
        "<!doctype html><html><body>Welcome</body></html>",
    )])
    .unwrap();
    let error = error_of(ask(&mut client(&server)));

    assert!(
        matches!(error, AdvisorError::NotCompatible { .. }),
        "{error:?}"
    );
    let line = error.to_string();
    assert!(
        line.contains("did not answer like an OpenAI-compatible chat-completions server"),
        "{line}"
    );
    assert!(
        line.contains("text/html") && line.ends_with("check OPENAI_BASE_URL"),
        "{line}"
    );
}

#[test]
fn a_refusal_by_the_model_is_reported_as_such() {
    let server = ChatServer::start([Reply::refusal("I'm sorry, I can't help with that.")]).unwrap();
    let error = error_of(ask(&mut client(&server)));

    assert!(matches!(error, AdvisorError::Refused { .. }), "{error:?}");
    assert!(
        error
            .to_string()
            .contains("refused to answer: I'm sorry, I can't help with that."),
        "{error}"
    );
}

#[test]
fn a_server_failure_gives_status_and_message_with_the_key_masked() {
    let body =
        json!({"error": {"message": format!("upstream rejected {KEY}"), "type": "server_error"}});
    let server = ChatServer::start([Reply::status(503, &body)]).unwrap();
    let error = error_of(ask(&mut client(&server)));

    assert!(
        matches!(error, AdvisorError::Server { status: 503, .. }),
        "{error:?}"
    );
    assert!(
        error
            .to_string()
            .contains("HTTP 503: upstream rejected ***"),
        "{error}"
    );
}

#[test]
fn no_key_for_the_official_api_fails_before_any_request() {
    // The key check comes first, so nothing is sent: no traffic leaves loopback.
    let mut client = Client::new(endpoint("https://api.openai.com/v1", None));
    let error = error_of(ask(&mut client));

    assert!(
        matches!(error, AdvisorError::MissingKey { .. }),
        "{error:?}"
    );
    assert!(
        error.to_string().starts_with("OPENAI_API_KEY is not set: "),
        "{error}"
    );
    assert_eq!(error.setting(), Some("OPENAI_API_KEY"));
}

#[test]
fn the_key_is_not_in_the_debug_of_the_endpoint_or_the_client() {
    let client = Client::new(endpoint("http://127.0.0.1:1/v1", Some(KEY)));
    let shown = format!("{client:?} {:?}", client.endpoint());
    assert!(!shown.contains(KEY), "{shown}");
}

//! What a broker's refusal in a CONNACK means: the return code of MQTT 3.1.1 or the reason
//! code of MQTT 5, matched by variant and turned into a [`ConnectError`] with its fix.

use paho_mqtt as paho;

use crate::connect_error::ConnectError;
#[cfg(test)]
use crate::connect_error::ConnectErrorKind;

/// The error for a refusal in a CONNACK, `None` when `err` is not one.
///
/// Matches variants, never `Display`: paho prints every v3.1.1 code as `(0)`.
pub(crate) fn from_connack(
    err: &paho::Error,
    client_id: &str,
    version: &str,
) -> Option<ConnectError> {
    use paho::ConnectReturnCode as C;
    use paho::ReasonCode as R;
    let e = match err {
        paho::Error::ConnectReturn(rc) => {
            let code = format!("CONNACK {}", *rc as u8);
            match rc {
                C::Accepted => return None,
                C::UnacceptableProtocolVersion => ConnectError::UnacceptableProtocol {
                    version: version.to_owned(),
                    code,
                },
                C::IdentifierRejected => ConnectError::ClientIdRejected {
                    client_id: client_id.to_owned(),
                    code,
                },
                C::ServerUnavailable => ConnectError::Unavailable {
                    reason: "server unavailable",
                    code,
                },
                C::BadUserNameOrPassword | C::NotAuthorized => {
                    ConnectError::BadCredentials { code }
                }
            }
        }
        paho::Error::ReasonCode(rc, _) => {
            let code = format!("reason 0x{:02X}", *rc as u8);
            match rc {
                R::UnsupportedProtocolVersion => ConnectError::UnacceptableProtocol {
                    version: version.to_owned(),
                    code,
                },
                R::ClientIdentifierNotValid => ConnectError::ClientIdRejected {
                    client_id: client_id.to_owned(),
                    code,
                },
                R::BadUserNameOrPassword | R::NotAuthorized => {
                    ConnectError::BadCredentials { code }
                }
                R::ServerUnavailable => ConnectError::Unavailable {
                    reason: "server unavailable",
                    code,
                },
                R::ServerBusy => ConnectError::Unavailable {
                    reason: "server busy",
                    code,
                },
                R::QuotaExceeded => ConnectError::Unavailable {
                    reason: "quota exceeded",
                    code,
                },
                R::ConnectionRateExceeded => ConnectError::Unavailable {
                    reason: "connection rate exceeded",
                    code,
                },
                R::Banned => ConnectError::Banned { code },
                R::BadAuthenticationMethod => ConnectError::BadAuthMethod { code },
                other => ConnectError::Refused {
                    reason: other.to_string(),
                    code,
                },
            }
        }
        _ => return None,
    };
    Some(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_v311_refusal_gets_words_instead_of_paho_s_zero() {
        for (rc, words) in [
            (
                paho::ConnectReturnCode::UnacceptableProtocolVersion,
                "MQTT_VERSION",
            ),
            (
                paho::ConnectReturnCode::IdentifierRejected,
                "MQTT_CLIENT_ID",
            ),
            (
                paho::ConnectReturnCode::ServerUnavailable,
                "not taking connections",
            ),
            (
                paho::ConnectReturnCode::BadUserNameOrPassword,
                "MQTT_USER / MQTT_PASSWORD",
            ),
            (
                paho::ConnectReturnCode::NotAuthorized,
                "MQTT_USER / MQTT_PASSWORD",
            ),
        ] {
            let e = from_connack(&paho::Error::ConnectReturn(rc), "id", "3.1.1").unwrap();
            let text = e.to_string();
            assert!(text.contains(words), "{text}");
            assert!(text.contains(&format!("CONNACK {}", rc as u8)), "{text}");
            assert!(!text.contains("(0)"), "{text}");
        }
    }

    #[test]
    fn v5_reason_codes_are_named_and_unknown_ones_show_the_code_in_hex() {
        let err = |rc| paho::Error::ReasonCode(rc, paho::Properties::new());
        let bad = from_connack(&err(paho::ReasonCode::NotAuthorized), "id", "5").unwrap();
        assert!(bad.to_string().contains("reason 0x87"));
        assert!(bad.is_fatal());
        let busy = from_connack(&err(paho::ReasonCode::ServerBusy), "id", "5").unwrap();
        assert_eq!(busy.kind(), ConnectErrorKind::Retryable);
        let moved = from_connack(&err(paho::ReasonCode::UseAnotherServer), "id", "5").unwrap();
        assert!(moved.to_string().contains("0x9C"), "{moved}");
        assert!(from_connack(&paho::Error::TcpTlsConnectFailure, "id", "5").is_none());
    }
}

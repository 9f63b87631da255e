//! The Edm scalars that are not JSON's own, as typed values: what the
//! generated fields hold instead of `String`.
//!
//! | Edm | Rust | on the wire |
//! | --- | --- | --- |
//! | `DateTimeOffset` | [`Timestamp`] (jiff) | RFC 3339, `2021-07-01T08:30:00Z`; any offset is read, UTC is sent |
//! | `Date` | [`Date`] (jiff) | `2021-07-01` |
//! | `TimeOfDay` | [`Time`] (jiff) | `08:30:00`, fractions of a second kept |
//! | `Duration` | [`Duration`] (over jiff's `SignedDuration`) | ISO 8601, `PT1H30M`, `P1D` |
//! | `Guid` | [`Uuid`] (uuid) | `8f4a0c1e-...`, any case read, lower case sent |
//! | `Binary` | [`Binary`] (base64) | standard base64, padded |
//!
//! A value the service sends that does not read as its type is an error that
//! names the member's JSON path (`Error::Decode`), never a silent default.

use base64::Engine as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

pub use jiff::civil::{Date, Time};
pub use jiff::{SignedDuration, Timestamp};
pub use uuid::Uuid;

const SECONDS_PER_DAY: i64 = 24 * 60 * 60;

/// An `Edm.Duration`: an exact length of time (OData's durations are
/// day-time durations, a day is 24 hours), written in ISO 8601.
///
/// Reads `PT1H30M`, `P1D`, `P1DT12H`, `PT0.5S`, `-PT5M`; a duration in years,
/// months or weeks has no fixed length and is refused. Sent with days as the
/// largest unit: `P1DT12H`, `PT1H30M`, `PT0S`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Duration(pub SignedDuration);

impl Duration {
    pub fn from_secs(seconds: i64) -> Duration {
        Duration(SignedDuration::from_secs(seconds))
    }

    pub fn as_signed_duration(self) -> SignedDuration {
        self.0
    }
}

impl From<SignedDuration> for Duration {
    fn from(duration: SignedDuration) -> Self {
        Duration(duration)
    }
}

impl From<Duration> for SignedDuration {
    fn from(duration: Duration) -> Self {
        duration.0
    }
}

/// Why a text is not an `Edm.Duration`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DurationError(String);

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DurationError {}

impl FromStr for Duration {
    type Err = DurationError;

    fn from_str(text: &str) -> Result<Duration, DurationError> {
        let invalid = |why: String| DurationError(format!("`{text}` is not an ISO 8601 duration: {why}"));
        // A span keeps the units as written, so days (fixed at 24 hours here) can be read.
        let span: jiff::Span = text.trim().parse().map_err(|e: jiff::Error| invalid(e.to_string()))?;
        if span.get_years() != 0 || span.get_months() != 0 || span.get_weeks() != 0 {
            return Err(invalid("years, months and weeks have no fixed length".into()));
        }
        let days = SignedDuration::from_secs(i64::from(span.get_days()) * SECONDS_PER_DAY);
        let rest = span.days(0).to_duration(jiff::SpanRelativeTo::days_are_24_hours()).map_err(|e| invalid(e.to_string()))?;
        days.checked_add(rest).map(Duration).ok_or_else(|| invalid("too long".into()))
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0.is_negative() { "-" } else { "" };
        let total = self.0.unsigned_abs();
        let days = total.as_secs() / SECONDS_PER_DAY as u64;
        let rest =
            SignedDuration::try_from(total - std::time::Duration::from_secs(days * SECONDS_PER_DAY as u64)).map_err(|_| fmt::Error)?;
        match (days, rest.is_zero()) {
            (0, _) => write!(f, "{sign}{rest}"),
            (days, true) => write!(f, "{sign}P{days}D"),
            // `rest` prints as `PT...`: the days go between `P` and `T`.
            (days, false) => write!(f, "{sign}P{days}D{}", &rest.to_string()[1..]),
        }
    }
}

impl Serialize for Duration {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Duration {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// An `Edm.Binary`: bytes, sent as standard (padded) base64. Reads padded and
/// unpadded base64, and the URL-safe alphabet.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Binary(pub Vec<u8>);

impl Binary {
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn into_vec(self) -> Vec<u8> {
        self.0
    }

    /// The bytes of a base64 text, in any of the forms the service sends.
    pub fn from_base64(text: &str) -> Result<Binary, base64::DecodeError> {
        use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
        use base64::engine::DecodePaddingMode;
        let lenient = GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
        let text = text.trim();
        let alphabet = if text.contains(['-', '_']) { &base64::alphabet::URL_SAFE } else { &base64::alphabet::STANDARD };
        GeneralPurpose::new(alphabet, lenient).decode(text).map(Binary)
    }

    pub fn to_base64(&self) -> String {
        base64::engine::general_purpose::STANDARD.encode(&self.0)
    }
}

impl From<Vec<u8>> for Binary {
    fn from(bytes: Vec<u8>) -> Self {
        Binary(bytes)
    }
}

impl From<&[u8]> for Binary {
    fn from(bytes: &[u8]) -> Self {
        Binary(bytes.to_vec())
    }
}

impl std::ops::Deref for Binary {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl Serialize for Binary {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_base64())
    }
}

impl<'de> Deserialize<'de> for Binary {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Binary::from_base64(&text).map_err(|e| serde::de::Error::custom(format!("not base64: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T: Serialize + for<'de> Deserialize<'de>>(text: &str) -> String {
        let value: T = serde_json::from_value(serde_json::Value::String(text.into())).unwrap_or_else(|e| panic!("{text}: {e}"));
        serde_json::to_value(&value).unwrap().as_str().unwrap().to_owned()
    }

    /// The forms the v1.0 reference's examples use, and what is sent back.
    #[test]
    fn scalars_read_the_forms_of_the_examples() {
        assert_eq!(round_trip::<Timestamp>("2017-09-04T15:30:00Z"), "2017-09-04T15:30:00Z");
        assert_eq!(round_trip::<Timestamp>("2016-10-19T10:37:00.1234567Z"), "2016-10-19T10:37:00.1234567Z");
        assert_eq!(round_trip::<Timestamp>("2019-01-29T20:00:00.0000000Z"), "2019-01-29T20:00:00Z");
        assert_eq!(round_trip::<Timestamp>("2017-09-04T15:30:00-07:00"), "2017-09-04T22:30:00Z");
        assert_eq!(round_trip::<Timestamp>("0001-01-01T00:00:00Z"), "0001-01-01T00:00:00Z");
        assert_eq!(round_trip::<Date>("2017-09-04"), "2017-09-04");
        assert_eq!(round_trip::<Time>("08:30:00"), "08:30:00");
        assert_eq!(round_trip::<Time>("18:00:00.0000000"), "18:00:00");
        assert_eq!(round_trip::<Time>("09:15:30.5"), "09:15:30.5");
        assert_eq!(round_trip::<Duration>("PT1H30M"), "PT1H30M");
        assert_eq!(round_trip::<Duration>("P1D"), "P1D");
        assert_eq!(round_trip::<Duration>("P1DT12H"), "P1DT12H");
        assert_eq!(round_trip::<Duration>("PT36H"), "P1DT12H");
        assert_eq!(round_trip::<Duration>("PT0S"), "PT0S");
        assert_eq!(round_trip::<Duration>("-PT5M"), "-PT5M");
        assert_eq!(round_trip::<Duration>("PT0.5S"), "PT0.5S");
        assert_eq!(round_trip::<Uuid>("C2F8F4A2-1F36-4E0B-9D3E-1E6D0E6A7B11"), "c2f8f4a2-1f36-4e0b-9d3e-1e6d0e6a7b11");
        assert_eq!(round_trip::<Binary>("aGVsbG8="), "aGVsbG8=");
        assert_eq!(round_trip::<Binary>("aGVsbG8"), "aGVsbG8=");
        assert_eq!(round_trip::<Binary>("-_8"), "+/8=");
    }

    #[test]
    fn what_does_not_fit_is_refused() {
        let refused = |text: &str| serde_json::from_value::<Duration>(serde_json::Value::String(text.into())).is_err();
        assert!(refused("P1M") && refused("P1Y") && refused("P2W") && refused("one hour"));
        assert!(serde_json::from_str::<Timestamp>(r#""2017-09-04T15:30:00""#).is_err(), "an offset is required");
        assert!(serde_json::from_str::<Uuid>(r#""not-a-guid""#).is_err());
        assert!(serde_json::from_str::<Binary>(r#""base64!""#).is_err());
        assert!(serde_json::from_str::<Date>(r#""2017-02-30""#).is_err());
    }

    #[test]
    fn durations_convert_to_and_from_jiff() {
        let duration: Duration = "PT1H".parse().unwrap();
        assert_eq!(SignedDuration::from(duration), SignedDuration::from_hours(1));
        assert_eq!(Duration::from(SignedDuration::from_mins(90)).to_string(), "PT1H30M");
        assert_eq!(Duration::from_secs(2 * SECONDS_PER_DAY).to_string(), "P2D");
    }
}

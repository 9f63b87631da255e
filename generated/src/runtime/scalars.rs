//! The Edm scalars that are not JSON's own, as types of their own: what the
//! generated fields hold instead of `String`.
//!
//! | Edm | Rust | on the wire | with `scalars`, over |
//! | --- | --- | --- | --- |
//! | `DateTimeOffset` | [`Timestamp`] | RFC 3339, `2021-07-01T08:30:00Z`; any offset is read, UTC is sent | `jiff::Timestamp` |
//! | `Date` | [`Date`] | `2021-07-01` | `jiff::civil::Date` |
//! | `TimeOfDay` | [`Time`] | `08:30:00`, fractions of a second kept | `jiff::civil::Time` |
//! | `Duration` | [`Duration`] | ISO 8601, `PT1H30M`, `P1D` | `jiff::SignedDuration` |
//! | `Guid` | [`Uuid`] | `8f4a0c1e-...`, any case read, lower case sent | `uuid::Uuid` |
//! | `Binary` | [`Binary`] | standard base64, padded | bytes (`Vec<u8>`) |
//!
//! The type names, and what every configuration offers (`Clone`, `Debug`,
//! `PartialEq`, `Eq`, `Hash`, `Display` and `FromStr` in the wire form,
//! serde as the wire string, [`Binary::from_base64`] and
//! [`Binary::to_base64`]), are the same with and without the `scalars`
//! feature, so the generated code and code written without the feature
//! compile either way.
//!
//! **With `scalars`** (a default feature; jiff, uuid and base64): a value is
//! read when it is decoded, and a value the service sends that does not read
//! as its type is an error that names the member's JSON path
//! (`Error::Decode`), never a silent default. The types then compare by
//! value (the same instant in two offsets is equal), are `Copy` (but
//! `Binary`) and `Ord`, convert to and from the crate's type (`From`, `get`)
//! and dereference to it (`Binary` to its bytes).
//!
//! **Without `scalars`** the crate needs only serde and serde_json, and each
//! value is the service's text as received, unchecked: `Display` and
//! serialization give it back unchanged, `parse` and `from_base64` accept any
//! text, and values compare as texts (`2021-07-01T08:30:00Z` and
//! `2021-07-01T10:30:00+02:00` differ).

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

#[cfg(feature = "scalars")]
pub use jiff::SignedDuration;

/// Why a text is not the Edm scalar it should be (only ever made with the
/// `scalars` feature: without it every text is accepted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScalarError(String);

impl ScalarError {
    #[cfg(feature = "scalars")]
    fn new(edm: &str, text: &str, why: impl fmt::Display) -> ScalarError {
        ScalarError(format!("`{text}` is not an Edm.{edm}: {why}"))
    }
}

impl fmt::Display for ScalarError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ScalarError {}

/// The wire form, read and written: `FromStr`, `Display` and serde as the
/// string, the same impls in both configurations; with `scalars`, the
/// conversions to and from the crate's type.
macro_rules! wire_form {
    ($name:ident($typed:ty), $edm:literal) => {
        impl FromStr for $name {
            type Err = ScalarError;

            #[cfg(feature = "scalars")]
            fn from_str(text: &str) -> Result<Self, ScalarError> {
                <$typed as typed::Wire>::read(text).map($name).map_err(|why| ScalarError::new($edm, text, why))
            }

            #[cfg(not(feature = "scalars"))]
            fn from_str(text: &str) -> Result<Self, ScalarError> {
                Ok($name(text.to_owned()))
            }
        }

        impl fmt::Display for $name {
            #[cfg(feature = "scalars")]
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                typed::Wire::write(&self.0, f)
            }

            #[cfg(not(feature = "scalars"))]
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }

        #[cfg(feature = "scalars")]
        impl From<$typed> for $name {
            fn from(value: $typed) -> Self {
                $name(value)
            }
        }

        #[cfg(feature = "scalars")]
        impl From<$name> for $typed {
            fn from(value: $name) -> Self {
                value.0
            }
        }
    };
}

/// A scalar that is a small value of the crate's type with `scalars`:
/// `Copy`, `Ord`, `get` and `Deref` to it.
macro_rules! value_scalar {
    ($(#[$doc:meta])* $name:ident($typed:ty), $edm:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "scalars", derive(Copy, PartialOrd, Ord))]
        pub struct $name(#[cfg(feature = "scalars")] $typed, #[cfg(not(feature = "scalars"))] String);

        wire_form!($name($typed), $edm);

        #[cfg(feature = "scalars")]
        impl $name {
            /// The value as the crate's type.
            pub fn get(&self) -> $typed {
                self.0
            }
        }

        #[cfg(feature = "scalars")]
        impl std::ops::Deref for $name {
            type Target = $typed;

            fn deref(&self) -> &$typed {
                &self.0
            }
        }
    };
}

value_scalar!(
    /// An `Edm.DateTimeOffset`: an instant, read in any offset and sent in UTC
    /// (`2021-07-01T08:30:00Z`), up to nine fractional digits.
    Timestamp(jiff::Timestamp),
    "DateTimeOffset"
);

value_scalar!(
    /// An `Edm.Date`: a calendar date, `2021-07-01`.
    Date(jiff::civil::Date),
    "Date"
);

value_scalar!(
    /// An `Edm.TimeOfDay`: a time on the clock, `08:30:00`, fractions of a second kept.
    Time(jiff::civil::Time),
    "TimeOfDay"
);

value_scalar!(
    /// An `Edm.Duration`: an exact length of time (OData's durations are
    /// day-time durations, a day is 24 hours), written in ISO 8601.
    ///
    /// With `scalars`, reads `PT1H30M`, `P1D`, `P1DT12H`, `PT0.5S`, `-PT5M`; a
    /// duration in years, months or weeks has no fixed length and is refused.
    /// Sent with days as the largest unit: `P1DT12H`, `PT1H30M`, `PT0S`.
    Duration(jiff::SignedDuration),
    "Duration"
);

value_scalar!(
    /// An `Edm.Guid`: read in any case (and, with `scalars`, the braced
    /// forms), sent in lower case with hyphens.
    Uuid(uuid::Uuid),
    "Guid"
);

#[cfg(feature = "scalars")]
impl Duration {
    pub fn from_secs(seconds: i64) -> Duration {
        Duration(SignedDuration::from_secs(seconds))
    }

    pub fn as_signed_duration(self) -> SignedDuration {
        self.0
    }
}

/// An `Edm.Binary`: bytes, sent as standard (padded) base64. With `scalars`
/// reads padded and unpadded base64 and the URL-safe alphabet, and holds the
/// bytes; without it, holds the base64 text as received.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "scalars", derive(Default))]
pub struct Binary(#[cfg(feature = "scalars")] Vec<u8>, #[cfg(not(feature = "scalars"))] String);

wire_form!(Binary(Vec<u8>), "Binary");

impl Binary {
    /// The value of a base64 text, in any of the forms the service sends
    /// (with `scalars`; without it, any text, kept as it is).
    pub fn from_base64(text: &str) -> Result<Binary, ScalarError> {
        text.parse()
    }

    /// The value as base64: standard and padded with `scalars`, the text as
    /// received without.
    pub fn to_base64(&self) -> String {
        self.to_string()
    }
}

#[cfg(feature = "scalars")]
impl Binary {
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    pub fn into_vec(self) -> Vec<u8> {
        self.0
    }
}

#[cfg(feature = "scalars")]
impl From<&[u8]> for Binary {
    fn from(bytes: &[u8]) -> Self {
        Binary(bytes.to_vec())
    }
}

#[cfg(feature = "scalars")]
impl std::ops::Deref for Binary {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.0
    }
}

/// How the crates' types read and write the wire forms (with `scalars`).
#[cfg(feature = "scalars")]
mod typed {
    use super::SignedDuration;
    use base64::Engine as _;
    use std::fmt;

    const SECONDS_PER_DAY: i64 = 24 * 60 * 60;

    pub(super) trait Wire: Sized {
        /// The value of a wire text, or why it is not one.
        fn read(text: &str) -> Result<Self, String>;
        fn write(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result;
    }

    /// The crate's own `FromStr` and `Display` are the wire form.
    macro_rules! wire_by_display {
        ($($typed:ty),*) => {$(
            impl Wire for $typed {
                fn read(text: &str) -> Result<Self, String> {
                    text.parse().map_err(|e: <$typed as std::str::FromStr>::Err| e.to_string())
                }

                fn write(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    fmt::Display::fmt(self, f)
                }
            }
        )*};
    }

    wire_by_display!(jiff::Timestamp, jiff::civil::Date, jiff::civil::Time, uuid::Uuid);

    impl Wire for SignedDuration {
        fn read(text: &str) -> Result<Self, String> {
            // A span keeps the units as written, so days (fixed at 24 hours here) can be read.
            let span: jiff::Span = text.trim().parse().map_err(|e: jiff::Error| e.to_string())?;
            if span.get_years() != 0 || span.get_months() != 0 || span.get_weeks() != 0 {
                return Err("years, months and weeks have no fixed length".into());
            }
            let days = SignedDuration::from_secs(i64::from(span.get_days()) * SECONDS_PER_DAY);
            let rest = span.days(0).to_duration(jiff::SpanRelativeTo::days_are_24_hours()).map_err(|e| e.to_string())?;
            days.checked_add(rest).ok_or_else(|| "too long".into())
        }

        fn write(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            let sign = if self.is_negative() { "-" } else { "" };
            let total = self.unsigned_abs();
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

    impl Wire for Vec<u8> {
        fn read(text: &str) -> Result<Self, String> {
            use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
            use base64::engine::DecodePaddingMode;
            let lenient = GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent);
            let text = text.trim();
            let alphabet = if text.contains(['-', '_']) { &base64::alphabet::URL_SAFE } else { &base64::alphabet::STANDARD };
            GeneralPurpose::new(alphabet, lenient).decode(text).map_err(|e| format!("not base64: {e}"))
        }

        fn write(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(&base64::engine::general_purpose::STANDARD.encode(self))
        }
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
    #[cfg(feature = "scalars")]
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

    #[cfg(feature = "scalars")]
    #[test]
    fn what_does_not_fit_is_refused() {
        let refused = |text: &str| serde_json::from_value::<Duration>(serde_json::Value::String(text.into())).is_err();
        assert!(refused("P1M") && refused("P1Y") && refused("P2W") && refused("one hour"));
        assert!(serde_json::from_str::<Timestamp>(r#""2017-09-04T15:30:00""#).is_err(), "an offset is required");
        assert!(serde_json::from_str::<Uuid>(r#""not-a-guid""#).is_err());
        assert!(serde_json::from_str::<Binary>(r#""base64!""#).is_err());
        assert!(serde_json::from_str::<Date>(r#""2017-02-30""#).is_err());
        let error = "2017-02-30".parse::<Date>().unwrap_err().to_string();
        assert!(error.starts_with("`2017-02-30` is not an Edm.Date: "), "{error}");
    }

    #[cfg(feature = "scalars")]
    #[test]
    fn scalars_convert_to_and_from_the_crates_types() {
        let duration: Duration = "PT1H".parse().unwrap();
        assert_eq!(SignedDuration::from(duration), SignedDuration::from_hours(1));
        assert_eq!(Duration::from(SignedDuration::from_mins(90)).to_string(), "PT1H30M");
        assert_eq!(Duration::from_secs(2 * 24 * 60 * 60).to_string(), "P2D");
        let at = jiff::Timestamp::from_second(1_500_000_000).unwrap();
        assert_eq!(Timestamp::from(at).get(), at);
        assert_eq!(Timestamp::from(at).as_second(), 1_500_000_000, "Deref to jiff's type");
        let earlier: Timestamp = "2017-09-04T15:30:00-07:00".parse().unwrap();
        assert!(earlier < "2017-09-04T22:30:01Z".parse().unwrap() && earlier == "2017-09-04T22:30:00Z".parse().unwrap());
        let id = uuid::Uuid::nil();
        assert_eq!(uuid::Uuid::from(Uuid::from(id)), id);
        assert_eq!(Binary::from(b"hello".as_slice()).to_base64(), "aGVsbG8=");
        assert_eq!(&*Binary::from_base64("aGVsbG8").unwrap(), b"hello");
    }

    /// Without the feature nothing is read: the text goes back as it came,
    /// whatever it is, and values compare as texts.
    #[cfg(not(feature = "scalars"))]
    #[test]
    fn without_the_feature_the_text_is_kept_as_received() {
        for text in ["2019-01-29T20:00:00.0000000Z", "2017-09-04T15:30:00", "datetime-value"] {
            assert_eq!(round_trip::<Timestamp>(text), text);
            assert_eq!(text.parse::<Timestamp>().unwrap().to_string(), text);
        }
        assert_eq!(round_trip::<Uuid>("C2F8F4A2-1F36-4E0B-9D3E-1E6D0E6A7B11"), "C2F8F4A2-1F36-4E0B-9D3E-1E6D0E6A7B11");
        assert_eq!(round_trip::<Duration>("P1M"), "P1M");
        assert_eq!(round_trip::<Date>("2017-02-30"), "2017-02-30");
        assert_eq!(round_trip::<Time>("18:00:00.0000000"), "18:00:00.0000000");
        assert_eq!(round_trip::<Binary>("-_8"), "-_8");
        assert_eq!(Binary::from_base64("aGVsbG8").unwrap().to_base64(), "aGVsbG8");
        assert_ne!("2017-09-04T15:30:00-07:00".parse::<Timestamp>(), "2017-09-04T22:30:00Z".parse::<Timestamp>());
    }

    /// What every configuration offers, so code written without the feature
    /// compiles with it.
    #[test]
    fn the_common_api_is_there_in_both_configurations() {
        fn common<T>(text: &str)
        where
            T: Clone + fmt::Debug + Eq + std::hash::Hash + fmt::Display + FromStr<Err = ScalarError>,
            T: Serialize + for<'de> Deserialize<'de>,
        {
            let value: T = text.parse().unwrap();
            assert_eq!(value.clone(), value);
            assert_eq!(round_trip::<T>(text), value.to_string());
        }
        common::<Timestamp>("2017-09-04T15:30:00Z");
        common::<Date>("2017-09-04");
        common::<Time>("08:30:00");
        common::<Duration>("PT1H30M");
        common::<Uuid>("c2f8f4a2-1f36-4e0b-9d3e-1e6d0e6a7b11");
        common::<Binary>("aGVsbG8=");
        let binary: Result<Binary, ScalarError> = Binary::from_base64("aGVsbG8=");
        assert_eq!(binary.unwrap().to_base64(), "aGVsbG8=");
    }
}

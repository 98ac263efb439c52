//! A firm's match profile as a short byte string: its name, then its capabilities, certificates
//! and markets, with codes as numbers and every number as a variable-length integer (one byte
//! for most). About 65 bytes for a firm with two capabilities, where the same records as Rust
//! values take several hundred.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};

use crate::domain::matching::candidate::{Candidate, Certificate, OfferedService, Presence};
use crate::domain::vocab::{DeliveryMode, MarketKind};

/// Dates are stored as days from 2000-01-01 (the day number of which this is, counted from the
/// common era), so that this century's take two bytes.
const DAY_2000: i32 = 730_120;

/// Codes (services, languages, schemes, countries) as numbers. They come from the reference
/// data, a few hundred in all.
#[derive(Debug, Default)]
pub struct Codes {
    numbers: HashMap<Box<str>, u32>,
    codes: Vec<Box<str>>,
}

impl Codes {
    fn number(&mut self, code: &str) -> u32 {
        if let Some(&number) = self.numbers.get(code) {
            return number;
        }
        let number = self.codes.len() as u32;
        self.codes.push(code.into());
        self.numbers.insert(code.into(), number);
        number
    }

    fn code(&self, number: u32) -> String {
        self.codes
            .get(number as usize)
            .map(ToString::to_string)
            .unwrap_or_default()
    }
}

/// Appends the profile of `candidate` (all but its id, slug and verification) to `out`.
pub fn encode(candidate: &Candidate, codes: &mut Codes, out: &mut Vec<u8>) {
    let mut out = Writer(out);
    out.text(&candidate.name);
    out.number(candidate.services.len() as u64);
    for service in &candidate.services {
        out.number(u64::from(codes.number(&service.service_code)));
        out.byte(bits(DeliveryMode::ALL, &service.delivery_modes));
        out.optional(service.seats);
        out.optional(service.fte);
        out.optional(service.as_of.map(day_number));
        out.number(service.languages.len() as u64);
        for language in &service.languages {
            out.number(u64::from(codes.number(language)));
        }
    }
    out.number(candidate.certificates.len() as u64);
    for certificate in &candidate.certificates {
        out.number(u64::from(codes.number(&certificate.scheme)));
        out.optional(certificate.valid_from.map(day_number));
        out.optional(certificate.valid_until.map(day_number));
    }
    out.number(candidate.markets.len() as u64);
    for market in &candidate.markets {
        out.number(u64::from(codes.number(&market.country)));
        out.byte(bits(MarketKind::ALL, &[market.kind]));
    }
}

/// Appends a profile's length, as profiles are stored one after another.
pub fn encode_length(length: usize, out: &mut Vec<u8>) {
    Writer(out).number(length as u64);
}

/// The length stored at the start of `bytes`, and how many bytes it took.
pub fn decode_length(bytes: &[u8]) -> (usize, usize) {
    let mut r = Reader::new(bytes);
    (r.number() as usize, r.at)
}

/// The name at the start of an encoded profile.
pub fn name(bytes: &[u8]) -> &str {
    Reader::new(bytes).text()
}

/// The firm whose profile `bytes` holds; its slug left empty.
pub fn decode(
    bytes: &[u8],
    codes: &Codes,
    organization_id: String,
    verified_until: Option<NaiveDate>,
) -> Candidate {
    let mut r = Reader::new(bytes);
    let name = r.text().to_owned();
    let services = (0..r.number())
        .map(|_| OfferedService {
            service_code: codes.code(r.number() as u32),
            delivery_modes: members(DeliveryMode::ALL, r.byte()),
            seats: r.optional(),
            fte: r.optional(),
            as_of: r.optional().and_then(day),
            languages: (0..r.number()).map(|_| codes.code(r.number() as u32)).collect(),
        })
        .collect();
    let certificates = (0..r.number())
        .map(|_| Certificate {
            scheme: codes.code(r.number() as u32),
            valid_from: r.optional().and_then(day),
            valid_until: r.optional().and_then(day),
        })
        .collect();
    let markets = (0..r.number())
        .map(|_| Presence {
            country: codes.code(r.number() as u32),
            kind: members(MarketKind::ALL, r.byte())
                .into_iter()
                .next()
                .unwrap_or(MarketKind::Served),
        })
        .collect();
    Candidate {
        organization_id,
        slug: String::new(),
        name,
        verified_until,
        services,
        certificates,
        markets,
    }
}

/// A day as a number (days from 2000-01-01), and back.
pub fn day_number(day: NaiveDate) -> i32 {
    day.num_days_from_ce() - DAY_2000
}

pub fn day(number: i32) -> Option<NaiveDate> {
    NaiveDate::from_num_days_from_ce_opt(number.checked_add(DAY_2000)?)
}

/// One bit per word of a vocabulary (they have fewer than eight).
fn bits<T: PartialEq>(all: &[T], chosen: &[T]) -> u8 {
    all.iter()
        .enumerate()
        .filter(|(_, word)| chosen.contains(word))
        .fold(0, |bits, (bit, _)| bits | 1 << bit)
}

fn members<T: Copy>(all: &[T], bits: u8) -> Vec<T> {
    all.iter()
        .enumerate()
        .filter(|&(bit, _)| bits & (1 << bit) != 0)
        .map(|(_, &word)| word)
        .collect()
}

struct Writer<'a>(&'a mut Vec<u8>);

impl Writer<'_> {
    fn byte(&mut self, byte: u8) {
        self.0.push(byte);
    }

    /// Seven bits per byte, the high bit set on all but the last.
    fn number(&mut self, mut n: u64) {
        while n >= 0x80 {
            self.0.push(n as u8 | 0x80);
            n >>= 7;
        }
        self.0.push(n as u8);
    }

    /// Zero for none, else the value zigzagged (small negatives stay short) plus one.
    fn optional(&mut self, value: Option<i32>) {
        let zigzag = |v: i32| u64::from(((v << 1) ^ (v >> 31)) as u32);
        self.number(value.map_or(0, |v| zigzag(v) + 1));
    }

    fn text(&mut self, text: &str) {
        self.number(text.len() as u64);
        self.0.extend_from_slice(text.as_bytes());
    }
}

/// Reads what [`Writer`] wrote, in the same order. The bytes never come from outside; were one
/// short, it reads as zero rather than panic.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, at: 0 }
    }

    fn byte(&mut self) -> u8 {
        let byte = self.bytes.get(self.at).copied().unwrap_or_default();
        self.at += 1;
        byte
    }

    fn number(&mut self) -> u64 {
        let mut n = 0;
        for shift in (0..64).step_by(7) {
            let byte = self.byte();
            n |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                break;
            }
        }
        n
    }

    fn optional(&mut self) -> Option<i32> {
        let stored = self.number().checked_sub(1)? as u32;
        Some((stored >> 1) as i32 ^ -((stored & 1) as i32))
    }

    fn text(&mut self) -> &'a str {
        let length = self.number() as usize;
        let end = (self.at + length).min(self.bytes.len());
        let bytes = &self.bytes[self.at.min(end)..end];
        self.at = end;
        std::str::from_utf8(bytes).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn firm(name: &str) -> Candidate {
        let day = |d: &str| Some(d.parse().unwrap());
        Candidate {
            organization_id: "id".into(),
            slug: String::new(),
            name: name.into(),
            verified_until: day("2026-03-01"),
            services: vec![
                OfferedService {
                    service_code: "bpo.contact_center_inbound".into(),
                    delivery_modes: vec![DeliveryMode::Offshore, DeliveryMode::Remote],
                    languages: vec!["fr".into(), "en".into()],
                    seats: Some(120),
                    fte: None,
                    as_of: day("2025-05-01"),
                },
                OfferedService {
                    service_code: "ito.software_development".into(),
                    delivery_modes: Vec::new(),
                    languages: Vec::new(),
                    seats: Some(-3),
                    fte: Some(i32::MAX),
                    as_of: None,
                },
            ],
            certificates: vec![Certificate {
                scheme: "iso_iec_27001".into(),
                valid_from: day("1987-06-30"),
                valid_until: day("2027-02-28"),
            }],
            markets: vec![Presence {
                country: "FR".into(),
                kind: MarketKind::Target,
            }],
        }
    }

    #[test]
    fn a_profile_reads_back_as_written() {
        let mut codes = Codes::default();
        let mut bytes = Vec::new();
        encode(&firm("Téranga Contact"), &mut codes, &mut bytes);
        assert!(bytes.len() < 64, "{} bytes", bytes.len());
        assert_eq!(name(&bytes), "Téranga Contact");
        let back = decode(&bytes, &codes, "id".into(), firm("").verified_until);
        assert_eq!(back, firm("Téranga Contact"));
    }

    #[test]
    fn days_are_counted_from_2000() {
        assert_eq!(day_number(NaiveDate::from_ymd_opt(2000, 1, 1).unwrap()), 0);
        assert_eq!(day(-1), NaiveDate::from_ymd_opt(1999, 12, 31));
    }
}

//! The match profiles of published firms, held in memory so that a buyer's need is ranked
//! without a query per window of firms. Each firm is one byte string (its name, then its
//! capabilities, certificates and markets, codes as small numbers): about 80 bytes, where the
//! same records as Rust values would take three times more. Firms are also kept in name order,
//! the order a ranking walks them in.

use std::cmp::Ordering;
use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};

use super::bitset::Bitset;
use crate::domain::matching::candidate::{Candidate, Certificate, OfferedService, Presence};
use crate::domain::vocab::{DeliveryMode, MarketKind};
use crate::error::ApiError;

/// Stored for a missing number or date.
const NONE: i32 = i32::MIN;

/// Codes (services, languages, schemes, countries) as numbers. They come from the reference
/// data, a few hundred in all.
#[derive(Debug, Default)]
struct Codes {
    numbers: HashMap<Box<str>, u16>,
    codes: Vec<Box<str>>,
}

impl Codes {
    fn number(&mut self, code: &str) -> Result<u16, ApiError> {
        if let Some(&number) = self.numbers.get(code) {
            return Ok(number);
        }
        let number = u16::try_from(self.codes.len()).map_err(ApiError::internal)?;
        self.codes.push(code.into());
        self.numbers.insert(code.into(), number);
        Ok(number)
    }

    fn code(&self, number: u16) -> String {
        self.codes[number as usize].to_string()
    }
}

/// Every published firm's profile, by ordinal, and the ordinals in name order.
#[derive(Debug, Default)]
pub struct Profiles {
    codes: Codes,
    encoded: Vec<Option<Box<[u8]>>>,
    /// Day number (from the common era) each firm was last verified on, or [`NONE`].
    verified: Vec<i32>,
    /// The firms ever verified: few, and the only ones in the recent verification bands.
    ever_verified: Bitset,
    by_name: Vec<u32>,
    /// Whether `by_name` is kept in order as profiles change; off while many change at once.
    ordered: bool,
}

impl Profiles {
    /// Whether the firm holding `ordinal` has a profile.
    pub fn contains(&self, ordinal: u32) -> bool {
        self.encoded.get(ordinal as usize).is_some_and(Option::is_some)
    }

    /// The day the firm was last verified on.
    pub fn verified_on(&self, ordinal: u32) -> Option<NaiveDate> {
        let day = *self.verified.get(ordinal as usize)?;
        date(day)
    }

    /// The firms that were ever verified.
    pub fn ever_verified(&self) -> &Bitset {
        &self.ever_verified
    }

    /// The firm's name; empty when it has no profile.
    pub fn name(&self, ordinal: u32) -> &str {
        match self.bytes(ordinal) {
            Some(bytes) => Reader::new(bytes).name(),
            None => "",
        }
    }

    /// Ordinals of the firms with a profile, by name (ties by id).
    pub fn by_name(&self) -> &[u32] {
        &self.by_name
    }

    /// The firm as a candidate (its slug left empty: the caller fills in those it shows).
    pub fn candidate(&self, ordinal: u32, organization_id: String) -> Option<Candidate> {
        let mut reader = Reader::new(self.bytes(ordinal)?);
        let name = reader.name().to_owned();
        let code = |reader: &mut Reader<'_>| self.codes.code(reader.u16());
        let services = (0..reader.u16())
            .map(|_| {
                let service_code = code(&mut reader);
                let modes = reader.u8();
                let delivery_modes = DeliveryMode::ALL
                    .iter()
                    .enumerate()
                    .filter(|&(bit, _)| modes & (1 << bit) != 0)
                    .map(|(_, &mode)| mode)
                    .collect();
                let (seats, fte) = (reader.number(), reader.number());
                let languages = (0..reader.u16()).map(|_| code(&mut reader)).collect();
                OfferedService {
                    service_code,
                    delivery_modes,
                    languages,
                    seats,
                    fte,
                }
            })
            .collect();
        let certificates = (0..reader.u16())
            .map(|_| Certificate {
                scheme: code(&mut reader),
                valid_from: date(reader.i32()),
                valid_until: date(reader.i32()),
            })
            .collect();
        let markets = (0..reader.u16())
            .map(|_| Presence {
                country: code(&mut reader),
                kind: MarketKind::ALL[reader.u8() as usize],
            })
            .collect();
        Some(Candidate {
            organization_id,
            slug: String::new(),
            name,
            verified_on: self.verified_on(ordinal),
            services,
            certificates,
            markets,
        })
    }

    /// Stops keeping the name order, while many profiles change; [`order`](Self::order) sorts
    /// them all again.
    pub fn unorder(&mut self) {
        self.ordered = false;
    }

    /// Sorts the firms by name, ties by `id`, and keeps them so.
    pub fn order(&mut self, id: impl Fn(u32) -> u128) {
        let mut by_name: Vec<u32> = (0..self.encoded.len() as u32)
            .filter(|&o| self.contains(o))
            .collect();
        by_name.sort_unstable_by(|&a, &b| self.compare(a, b, &id));
        self.by_name = by_name;
        self.ordered = true;
    }

    /// Records the profile of a published firm at `ordinal`; `id` gives an ordinal's id, for
    /// ties in name order.
    pub fn put(
        &mut self,
        ordinal: u32,
        candidate: &Candidate,
        id: impl Fn(u32) -> u128,
    ) -> Result<(), ApiError> {
        let encoded = self.encode(candidate)?;
        let verified = candidate.verified_on.map_or(NONE, |day| day.num_days_from_ce());
        self.replace(ordinal, Some((encoded, verified)), id);
        Ok(())
    }

    /// Forgets the profile at `ordinal`, if any.
    pub fn remove(&mut self, ordinal: u32, id: impl Fn(u32) -> u128) {
        self.replace(ordinal, None, id);
    }

    fn replace(&mut self, ordinal: u32, new: Option<(Box<[u8]>, i32)>, id: impl Fn(u32) -> u128) {
        let index = ordinal as usize;
        if index >= self.encoded.len() {
            self.encoded.resize(index + 1, None);
            self.verified.resize(index + 1, NONE);
        }
        let moves = match (&self.encoded[index], &new) {
            (Some(old), Some((new, _))) => Reader::new(old).name() != Reader::new(new).name(),
            (None, None) => false,
            _ => true,
        } && self.ordered;
        if moves && self.contains(ordinal) {
            let at = self.position(ordinal, &id);
            self.by_name.remove(at);
        }
        let (encoded, verified) = new.map_or((None, NONE), |(e, v)| (Some(e), v));
        self.encoded[index] = encoded;
        self.verified[index] = verified;
        match verified {
            NONE => self.ever_verified.remove(ordinal),
            _ => self.ever_verified.insert(ordinal),
        }
        if moves && self.contains(ordinal) {
            let at = self.position(ordinal, &id);
            self.by_name.insert(at, ordinal);
        }
    }

    /// Where `ordinal` is, or would be, in name order.
    fn position(&self, ordinal: u32, id: &impl Fn(u32) -> u128) -> usize {
        self.by_name
            .binary_search_by(|&other| self.compare(other, ordinal, id))
            .unwrap_or_else(|at| at)
    }

    fn compare(&self, a: u32, b: u32, id: &impl Fn(u32) -> u128) -> Ordering {
        self.name(a).cmp(self.name(b)).then_with(|| id(a).cmp(&id(b)))
    }

    fn bytes(&self, ordinal: u32) -> Option<&[u8]> {
        self.encoded.get(ordinal as usize)?.as_deref()
    }

    fn encode(&mut self, candidate: &Candidate) -> Result<Box<[u8]>, ApiError> {
        let mut out = Writer::default();
        out.length(candidate.name.len())?;
        out.0.extend_from_slice(candidate.name.as_bytes());
        out.length(candidate.services.len())?;
        for service in &candidate.services {
            out.u16(self.codes.number(&service.service_code)?);
            let modes = DeliveryMode::ALL
                .iter()
                .enumerate()
                .filter(|(_, mode)| service.delivery_modes.contains(mode))
                .fold(0u8, |modes, (bit, _)| modes | 1 << bit);
            out.0.push(modes);
            out.i32(service.seats.unwrap_or(NONE));
            out.i32(service.fte.unwrap_or(NONE));
            out.length(service.languages.len())?;
            for language in &service.languages {
                out.u16(self.codes.number(language)?);
            }
        }
        out.length(candidate.certificates.len())?;
        for certificate in &candidate.certificates {
            out.u16(self.codes.number(&certificate.scheme)?);
            for day in [certificate.valid_from, certificate.valid_until] {
                out.i32(day.map_or(NONE, |d| d.num_days_from_ce()));
            }
        }
        out.length(candidate.markets.len())?;
        for market in &candidate.markets {
            out.u16(self.codes.number(&market.country)?);
            let kind = MarketKind::ALL.iter().position(|&k| k == market.kind);
            out.0.push(kind.unwrap_or_default() as u8);
        }
        Ok(out.0.into_boxed_slice())
    }
}

fn date(day: i32) -> Option<NaiveDate> {
    (day != NONE)
        .then(|| NaiveDate::from_num_days_from_ce_opt(day))
        .flatten()
}

#[derive(Default)]
struct Writer(Vec<u8>);

impl Writer {
    fn u16(&mut self, value: u16) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }

    fn i32(&mut self, value: i32) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }

    fn length(&mut self, length: usize) -> Result<(), ApiError> {
        self.u16(u16::try_from(length).map_err(ApiError::internal)?);
        Ok(())
    }
}

/// Reads what [`Writer`] wrote, in the same order; the bytes never come from outside.
struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        Reader { bytes, at: 0 }
    }

    fn take<const N: usize>(&mut self) -> [u8; N] {
        let mut out = [0; N];
        out.copy_from_slice(&self.bytes[self.at..self.at + N]);
        self.at += N;
        out
    }

    fn u8(&mut self) -> u8 {
        self.take::<1>()[0]
    }

    fn u16(&mut self) -> u16 {
        u16::from_le_bytes(self.take())
    }

    fn i32(&mut self) -> i32 {
        i32::from_le_bytes(self.take())
    }

    fn number(&mut self) -> Option<i32> {
        Some(self.i32()).filter(|&n| n != NONE)
    }

    fn name(&mut self) -> &'a str {
        let length = self.u16() as usize;
        let bytes = &self.bytes[self.at..self.at + length];
        self.at += length;
        // Written from a `&str`.
        std::str::from_utf8(bytes).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn firm(name: &str) -> Candidate {
        let day = |d: &str| Some(d.parse().unwrap());
        Candidate {
            organization_id: String::new(),
            slug: String::new(),
            name: name.into(),
            verified_on: day("2026-03-01"),
            services: vec![
                OfferedService {
                    service_code: "bpo.contact_center_inbound".into(),
                    delivery_modes: vec![DeliveryMode::Offshore, DeliveryMode::Remote],
                    languages: vec!["fr".into(), "en".into()],
                    seats: Some(120),
                    fte: None,
                },
                OfferedService {
                    service_code: "ito.software_development".into(),
                    delivery_modes: Vec::new(),
                    languages: Vec::new(),
                    seats: None,
                    fte: Some(8),
                },
            ],
            certificates: vec![Certificate {
                scheme: "iso_iec_27001".into(),
                valid_from: None,
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
        let mut profiles = Profiles::default();
        profiles.put(3, &firm("Téranga Contact"), u128::from).unwrap();
        let back = profiles.candidate(3, "id".into()).unwrap();
        assert_eq!(
            back,
            Candidate {
                organization_id: "id".into(),
                ..firm("Téranga Contact")
            }
        );
        assert!(profiles.candidate(2, "id".into()).is_none());
        assert!(!profiles.contains(7));
    }

    #[test]
    fn firms_stay_in_name_order_as_they_change() {
        // Ids run against ordinals, so that ties are seen to go by id.
        let id = |ordinal: u32| 10 - u128::from(ordinal);
        let mut profiles = Profiles::default();
        for (ordinal, name) in [(0, "Delta"), (1, "Alpha"), (2, "Charlie")] {
            profiles.put(ordinal, &firm(name), id).unwrap();
        }
        profiles.order(id);
        assert_eq!(profiles.by_name(), [1, 2, 0]);
        profiles.put(3, &firm("Bravo"), id).unwrap();
        profiles.put(1, &firm("Echo"), id).unwrap();
        profiles.remove(2, id);
        profiles.put(4, &firm("Bravo"), id).unwrap();
        assert_eq!(profiles.by_name(), [4, 3, 0, 1]);
    }
}

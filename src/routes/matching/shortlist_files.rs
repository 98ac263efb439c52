//! A shortlist as a spreadsheet: one row per firm, headed in the shortlist's language; the
//! workbook also opens with the request's summary.

use rust_xlsxwriter::{Format, Workbook, XlsxError};

use crate::domain::language::Language;
use crate::domain::shortlist::{Shortlist, ShortlistFirm};

/// Column headings, French and English.
const HEADINGS: [(&str, &str); 15] = [
    ("Rang", "Rank"),
    ("Entreprise", "Firm"),
    ("Pays", "Country"),
    ("Ville", "City"),
    ("Score", "Score"),
    ("Statut", "Status"),
    ("Services demandés offerts", "Wanted services offered"),
    ("Certifications valides", "Valid certifications"),
    ("Marchés servis", "Markets served"),
    ("Site web", "Website"),
    ("Courriel", "Email"),
    ("Téléphone", "Phone"),
    ("Raisons", "Reasons"),
    ("Identifiant", "Id"),
    ("Contacts", "Contacts"),
];

fn words(language: Language, fr: &'static str, en: &'static str) -> &'static str {
    match language {
        Language::French => fr,
        Language::English => en,
    }
}

/// Separates the values of one cell.
const JOIN: &str = " | ";

fn services(firm: &ShortlistFirm, language: Language) -> String {
    firm.services
        .iter()
        .map(|s| {
            let mut details = Vec::new();
            if let Some(seats) = s.seats {
                details.push(format!("{seats} {}", words(language, "places", "seats")));
            }
            if let Some(fte) = s.fte {
                details.push(format!("{fte} {}", words(language, "ETP", "FTE")));
            }
            if !s.languages.is_empty() {
                details.push(s.languages.join(", "));
            }
            if details.is_empty() {
                s.label.clone()
            } else {
                format!("{} ({})", s.label, details.join("; "))
            }
        })
        .collect::<Vec<_>>()
        .join(JOIN)
}

fn certifications(firm: &ShortlistFirm, language: Language) -> String {
    firm.certifications
        .iter()
        .map(|c| match c.valid_until {
            Some(until) => format!(
                "{} ({} {until})",
                c.title,
                words(language, "valide jusqu'au", "valid until")
            ),
            None => c.title.clone(),
        })
        .collect::<Vec<_>>()
        .join(JOIN)
}

fn contacts(firm: &ShortlistFirm) -> String {
    firm.contacts
        .iter()
        .flatten()
        .map(|c| {
            [
                Some(&c.name),
                c.role_title.as_ref(),
                c.email.as_ref(),
                c.phone.as_ref(),
            ]
            .into_iter()
            .flatten()
            .cloned()
            .collect::<Vec<_>>()
            .join(", ")
        })
        .collect::<Vec<_>>()
        .join(JOIN)
}

/// The cells of one firm, in the order of [`HEADINGS`] (contacts last, when asked for).
fn cells(firm: &ShortlistFirm, language: Language, with_contacts: bool) -> Vec<String> {
    let optional = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut row = vec![
        firm.rank.to_string(),
        firm.name.clone(),
        firm.country.label.clone(),
        optional(&firm.city),
        format!("{:.1}", firm.score),
        firm.status.as_str().to_owned(),
        services(firm, language),
        certifications(firm, language),
        firm.markets.join(", "),
        optional(&firm.website),
        optional(&firm.email),
        optional(&firm.phone),
        firm.reasons.join(JOIN),
        firm.organization_id.clone(),
    ];
    if with_contacts {
        row.push(contacts(firm));
    }
    row
}

fn headings(language: Language, with_contacts: bool) -> Vec<&'static str> {
    let count = HEADINGS.len() - usize::from(!with_contacts);
    HEADINGS[..count]
        .iter()
        .map(|(fr, en)| words(language, fr, en))
        .collect()
}

/// A cell a spreadsheet would run as a formula starts with a quote instead.
pub(crate) fn defused(value: String) -> String {
    if value.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{value}")
    } else {
        value
    }
}

fn language_of(list: &Shortlist) -> Language {
    if list.language == "fr" {
        Language::French
    } else {
        Language::English
    }
}

/// The shortlist as CSV: UTF-8 with a byte order mark, so that spreadsheet programs read its
/// accents right, and a header line.
pub fn csv(list: &Shortlist, with_contacts: bool) -> Result<Vec<u8>, csv::Error> {
    let language = language_of(list);
    let mut out = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    out.write_record(headings(language, with_contacts))?;
    for firm in &list.firms {
        out.write_record(cells(firm, language, with_contacts).into_iter().map(defused))?;
    }
    out.into_inner().map_err(|e| e.into_error().into())
}

/// The shortlist as an XLSX workbook: the request's summary, then one row per firm.
pub fn xlsx(list: &Shortlist, with_contacts: bool) -> Result<Vec<u8>, XlsxError> {
    let language = language_of(list);
    let w = |fr, en| words(language, fr, en);
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = workbook.add_worksheet();
    sheet.set_name(w("Liste restreinte", "Shortlist"))?;
    let r = &list.request;
    let services: Vec<&str> = r.services.iter().map(|s| s.label.as_str()).collect();
    let summary = [
        (w("Acheteur", "Buyer"), r.buyer_name.clone()),
        (
            w("Pays de l'acheteur", "Buyer's country"),
            r.buyer_country.clone(),
        ),
        (w("Services demandés", "Services wanted"), services.join(JOIN)),
        (w("Date de début", "Start date"), r.start_date.to_string()),
        (
            w("Échéance", "Deadline"),
            r.deadline.map(|d| d.to_string()).unwrap_or_default(),
        ),
        (
            w("Établie le", "Made on"),
            list.generated_at.format("%Y-%m-%d %H:%M UTC").to_string(),
        ),
        (w("Demande", "Request"), r.id.clone()),
    ];
    for (row, (label, value)) in summary.iter().enumerate() {
        sheet.write_string_with_format(row as u32, 0, *label, &bold)?;
        sheet.write_string(row as u32, 1, value)?;
    }
    let top = summary.len() as u32 + 1;
    for (col, heading) in headings(language, with_contacts).into_iter().enumerate() {
        sheet.write_string_with_format(top, col as u16, heading, &bold)?;
        sheet.set_column_width(col as u16, 22)?;
    }
    for (i, firm) in list.firms.iter().enumerate() {
        let row = top + 1 + i as u32;
        for (col, value) in cells(firm, language, with_contacts).into_iter().enumerate() {
            match col {
                0 => sheet.write_number(row, 0, firm.rank as f64)?,
                4 => sheet.write_number(row, 4, firm.score)?,
                _ => sheet.write_string(row, col as u16, value)?,
            };
        }
    }
    sheet.set_freeze_panes(top + 1, 0)?;
    workbook.save_to_buffer()
}

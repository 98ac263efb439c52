//! Turns a row of cells into the JSON fields the API's own types read, column by column, so
//! that an import is checked by the same deserialisation and the same rules as a request.

use chrono::NaiveDate;
use serde_json::{Map, Value};

use super::columns::{Column, Format, Hint, Sheet};
use super::read::{Cell, Table, reference};
use super::report::Problem;

/// One data row, converted.
#[derive(Debug)]
pub struct RowIn {
    /// Its kind.
    pub sheet: Sheet,
    /// Its number in the file.
    pub line: usize,
    /// The filled cells, by column key, as JSON.
    pub values: Map<String, Value>,
    /// The position of each of the file's columns, by key, for placing problems.
    places: Vec<(&'static str, usize)>,
    /// Cells that could not be converted.
    pub problems: Vec<Problem>,
    /// Columns taken out of the values (names of organizations, resolved apart).
    taken: Vec<String>,
}

impl RowIn {
    /// A problem of this row's cell in column `key` (of the row, when the file has no such column).
    pub fn problem(&self, key: &str, message: impl Into<String>) -> Problem {
        let cell = self
            .places
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, col)| reference(self.line - 1, *col));
        Problem {
            column: Some(key.to_owned()),
            ..Problem::at(self.sheet, self.line, cell, message)
        }
    }

    /// The text of column `key`, if filled.
    pub fn text(&self, key: &str) -> Option<&str> {
        self.values.get(key).and_then(Value::as_str)
    }

    /// Removes column `key` from the values, returning its text.
    pub fn take_text(&mut self, key: &str) -> Option<String> {
        self.taken.push(key.to_owned());
        match self.values.remove(key) {
            Some(Value::String(text)) => Some(text),
            Some(other) => Some(other.to_string()),
            None => None,
        }
    }

    /// Moves `{key}_fr` and `{key}_en` into one bilingual object under `key`.
    pub fn gather_bilingual(&mut self, key: &str) {
        let mut text = Map::new();
        for language in ["fr", "en"] {
            if let Some(value) = self.values.remove(&format!("{key}_{language}")) {
                text.insert(language.to_owned(), value);
            }
        }
        if !text.is_empty() {
            self.values.insert(key.to_owned(), Value::Object(text));
        }
    }

    /// The problems of required columns left empty.
    pub fn missing_required(&self) -> Vec<Problem> {
        self.sheet
            .columns()
            .iter()
            .filter(|c| {
                c.required && !self.values.contains_key(c.key) && !self.taken.iter().any(|t| t == c.key)
            })
            .map(|c| self.problem(c.key, "is required"))
            .collect()
    }
}

/// Converts every row of `table`.
pub fn rows(table: &Table) -> impl Iterator<Item = RowIn> + '_ {
    table.rows.iter().map(|(line, cells)| {
        let mut row = RowIn {
            sheet: table.sheet,
            line: *line,
            values: Map::new(),
            places: Vec::new(),
            problems: Vec::new(),
            taken: Vec::new(),
        };
        for (i, slot) in table.columns.iter().enumerate() {
            let Some((column, _)) = slot else { continue };
            row.places.push((column.key, i));
            let cell = cells.get(i).unwrap_or(&Cell::Empty);
            match convert(column, cell) {
                Ok(Some(value)) => {
                    row.values.insert(column.key.to_owned(), value);
                }
                Ok(None) => {}
                Err(message) => row.problems.push(Problem {
                    column: Some(column.key.to_owned()),
                    ..Problem::at(table.sheet, *line, Some(reference(line - 1, i)), message)
                }),
            }
        }
        row
    })
}

/// A value of the right type for a required column left empty or unreadable, so that the
/// rest of the row can still be checked; the row is refused all the same.
pub fn placeholder(column: &Column) -> Value {
    let word = match column.hint {
        Hint::Words(words) => words().first().copied().unwrap_or("x"),
        Hint::Text(_) => "x",
    };
    match column.format {
        Format::List | Format::Languages => Value::Array(vec![Value::String(word.to_owned())]),
        Format::Integer => Value::from(0),
        Format::Text | Format::Date => Value::String(word.to_owned()),
    }
}

/// A cell as the JSON its column takes, its words checked against the column's vocabulary;
/// `None` when empty.
fn convert(column: &Column, cell: &Cell) -> Result<Option<Value>, String> {
    let value = read_cell(column, cell)?;
    if let (Hint::Words(words), Some(value)) = (column.hint, &value) {
        let words = words();
        let given: Vec<&str> = match value {
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            other => other.as_str().into_iter().collect(),
        };
        if let Some(wrong) = given.iter().find(|w| !words.contains(w)) {
            return Err(format!("\"{wrong}\" must be one of {}", words.join(", ")));
        }
    }
    Ok(value)
}

fn read_cell(column: &Column, cell: &Cell) -> Result<Option<Value>, String> {
    let value = match (column.format, cell) {
        (_, Cell::Empty) => return Ok(None),
        (_, Cell::Refused(why)) => return Err(why.clone()),
        (Format::Text, Cell::Text(text)) => Value::String(text.clone()),
        (Format::Text, Cell::Number(n)) => Value::String(number_text(*n)),
        (Format::Text, Cell::Date(d)) => Value::String(d.to_string()),
        (Format::Integer, Cell::Number(n)) if n.fract() == 0.0 && n.abs() < 1e15 => Value::from(*n as i64),
        (Format::Integer, Cell::Text(text)) => {
            let digits: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            Value::from(
                digits
                    .parse::<i64>()
                    .map_err(|_| "must be a whole number".to_owned())?,
            )
        }
        (Format::Integer, _) => return Err("must be a whole number".into()),
        (Format::Date, Cell::Date(d)) => Value::String(d.to_string()),
        (Format::Date, Cell::Text(text)) => Value::String(date(text)?.to_string()),
        (Format::Date, Cell::Number(n)) => return Err(serial_date(&number_text(*n))),
        (Format::List, Cell::Text(text)) => {
            Value::Array(items(text).map(|w| Value::String(w.to_owned())).collect())
        }
        (Format::Languages, Cell::Text(text)) => {
            Value::Array(items(text).map(language).collect::<Result<_, _>>()?)
        }
        (Format::List | Format::Languages, _) => return Err("must be words separated by |".into()),
    };
    Ok(Some(value))
}

fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

fn items(text: &str) -> impl Iterator<Item = &str> {
    text.split(['|', ',', ';'])
        .map(str::trim)
        .filter(|w| !w.is_empty())
}

/// `fr`, `fr:120` or `fr (120)`: a language code with the seats working in it.
fn language(item: &str) -> Result<Value, String> {
    let (code, seats) = match item.split_once([':', '(']) {
        Some((code, seats)) => (code.trim(), Some(seats.trim().trim_end_matches(')').trim())),
        None => (item, None),
    };
    let mut language = Map::new();
    language.insert("code".into(), Value::String(code.to_owned()));
    if let Some(seats) = seats {
        let seats: i64 = seats
            .parse()
            .map_err(|_| format!("\"{item}\": seats must be a whole number, as in fr:120"))?;
        language.insert("seats".into(), Value::from(seats));
    }
    Ok(Value::Object(language))
}

/// A date written `YYYY-MM-DD`; the forms spreadsheets produce otherwise are named.
fn date(text: &str) -> Result<NaiveDate, String> {
    if let Ok(date) = NaiveDate::parse_from_str(text, "%Y-%m-%d")
        && text.len() == 10
    {
        return Ok(date);
    }
    if text.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return Err(serial_date(text));
    }
    let parts: Vec<&str> = text.split(['/', '.', '-']).collect();
    if parts.len() == 3 && parts[2].len() == 4 && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(format!(
            "\"{text}\" is written dd/mm/yyyy: write dates as YYYY-MM-DD (2024-03-31)"
        ));
    }
    Err(format!("\"{text}\" is not a date: write YYYY-MM-DD (2024-03-31)"))
}

fn serial_date(text: &str) -> String {
    format!(
        "{text} is a spreadsheet serial number, not a date: format the cell as a date or write YYYY-MM-DD"
    )
}

/// The column a validation error's field path (`description.fr`, `languages[1].code`) is in.
pub fn column_of(field: &str, registry_columns: &[&'static str]) -> String {
    let first = field.split(['.', '[']).next().unwrap_or(field);
    match first {
        "description" => match field.strip_prefix("description.") {
            Some(language) => format!("description_{language}"),
            None => "description_fr".into(),
        },
        "registry_ids" => field
            .strip_prefix("registry_ids[")
            .and_then(|rest| rest.split(']').next())
            .and_then(|i| i.parse::<usize>().ok())
            .and_then(|i| registry_columns.get(i))
            .map_or_else(|| "ninea".into(), |c| (*c).to_owned()),
        "target_id" => "target".into(),
        other => other.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_other_forms_are_refused_with_the_form_named() {
        assert_eq!(date("2024-03-31").unwrap().to_string(), "2024-03-31");
        assert!(date("31/03/2024").unwrap_err().contains("dd/mm/yyyy"));
        assert!(date("45382").unwrap_err().contains("serial number"));
        assert!(date("March 31").unwrap_err().contains("not a date"));
        assert!(date("2024-3-1").is_err());
    }

    #[test]
    fn languages_carry_their_seats() {
        let parsed: Vec<Value> = items("fr:120 | wo (20)| en")
            .map(|i| language(i).unwrap())
            .collect();
        assert_eq!(
            Value::Array(parsed),
            serde_json::json!([{"code": "fr", "seats": 120}, {"code": "wo", "seats": 20}, {"code": "en"}])
        );
        assert!(language("fr:many").is_err());
    }

    #[test]
    fn field_paths_map_back_to_their_columns() {
        assert_eq!(column_of("description.en", &[]), "description_en");
        assert_eq!(column_of("registry_ids[1].value", &["ninea", "lei"]), "lei");
        assert_eq!(column_of("languages[0].code", &[]), "languages");
        assert_eq!(column_of("target_id", &[]), "target");
    }
}

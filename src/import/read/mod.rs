//! Reads a CSV file or an XLSX workbook into tables of cells, one per kind of row, with each
//! header matched to its column. What cannot be read is refused with its place; nothing here
//! knows the directory.

mod xlsx;

use chrono::NaiveDate;

use super::columns::{Column, Sheet};
use super::report::Problem;

pub use xlsx::Workbook;

/// Largest file accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 50 * 1024 * 1024;
/// Most data rows one sheet (or one CSV file) may have.
pub const MAX_ROWS: usize = 250_000;

/// The formats a file may come in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// Comma- or semicolon-separated values, UTF-8.
    Csv,
    /// An Office Open XML workbook.
    Xlsx,
}

impl FileFormat {
    /// The stored word.
    pub fn as_str(self) -> &'static str {
        match self {
            FileFormat::Csv => "csv",
            FileFormat::Xlsx => "xlsx",
        }
    }

    /// The format of these bytes, by their signature rather than by what the client claimed:
    /// a workbook is a ZIP; an encrypted workbook (and a legacy `.xls`) is an OLE compound file.
    pub fn sniff(bytes: &[u8]) -> Result<FileFormat, Problem> {
        if bytes.starts_with(b"PK\x03\x04") {
            return Ok(FileFormat::Xlsx);
        }
        if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
            return Err(Problem::file(
                "The file is an encrypted workbook or a legacy .xls file: save it without a password, as .xlsx or CSV UTF-8.",
            ));
        }
        let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        if text.is_empty() {
            return Err(Problem::file("The file is empty."));
        }
        if text.iter().take(8192).any(|&b| b == 0) || bytes.starts_with(b"%PDF") {
            return Err(Problem::file("The file is neither CSV nor XLSX."));
        }
        Ok(FileFormat::Csv)
    }
}

/// One cell as read.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing in it.
    Empty,
    /// Text.
    Text(String),
    /// A number (a workbook's numeric cell).
    Number(f64),
    /// A date (a workbook cell formatted as a date).
    Date(NaiveDate),
    /// A value this importer refuses, with why.
    Refused(String),
}

/// The rows of one kind, with the columns its headers named.
#[derive(Debug)]
pub struct Table {
    /// Which kind of row.
    pub sheet: Sheet,
    /// The header as written and its column, for each position; `None` past the named ones.
    pub columns: Vec<Option<(&'static Column, String)>>,
    /// Data rows: their number in the file (1-based, as a spreadsheet shows it) and cells.
    pub rows: Vec<(usize, Vec<Cell>)>,
}

/// The tables of a file, one at a time.
pub enum Source<'a> {
    /// A CSV file: its one table, until taken.
    Csv(Option<Result<Table, Vec<Problem>>>),
    /// A workbook, read sheet by sheet.
    Xlsx(Box<Workbook<'a>>),
}

impl<'a> Source<'a> {
    /// Opens a file: a workbook, or a CSV file of kind `kind`. A file that cannot be opened
    /// at all is refused whole.
    pub fn open(bytes: &'a [u8], kind: Option<Sheet>) -> Result<(FileFormat, Self), Vec<Problem>> {
        if bytes.len() > MAX_FILE_BYTES {
            return Err(vec![Problem::file("The file is larger than 50 MB: split it.")]);
        }
        match FileFormat::sniff(bytes).map_err(|p| vec![p])? {
            FileFormat::Xlsx => Ok((FileFormat::Xlsx, Source::Xlsx(Box::new(Workbook::open(bytes)?)))),
            FileFormat::Csv => {
                let kind = kind.ok_or_else(|| vec![Problem::file(
                    "A CSV file holds one kind of row: name it with the kind parameter (organizations, capabilities, markets, certifications, contacts or relationships).",
                )])?;
                Ok((FileFormat::Csv, Source::Csv(Some(csv(bytes, kind)))))
            }
        }
    }

    /// The next table; `None` after the last.
    pub fn next_table(&mut self) -> Option<Result<Table, Vec<Problem>>> {
        match self {
            Source::Csv(table) => table.take(),
            Source::Xlsx(workbook) => workbook.next_table(),
        }
    }
}

/// Reads a CSV file of one kind. The delimiter is the one of `,` and `;` the header line uses.
pub fn csv(bytes: &[u8], sheet: Sheet) -> Result<Table, Vec<Problem>> {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Err(err) = std::str::from_utf8(text) {
        let line = text[..err.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
        return Err(vec![Problem::at(
            sheet,
            line,
            None,
            "is not UTF-8 text: save the file as CSV UTF-8",
        )]);
    }
    if let Some(line) = unclosed_quote(text) {
        return Err(vec![Problem::at(
            sheet,
            line,
            None,
            "is not well-formed CSV: a quote opened here is never closed",
        )]);
    }
    let first_line = text.split(|&b| b == b'\n').next().unwrap_or_default();
    let delimiter = if count_outside_quotes(first_line, b';') > count_outside_quotes(first_line, b',') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text);
    let mut records = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| {
            let line = e.position().map_or(i + 1, |p| p.line() as usize);
            vec![Problem::at(
                sheet,
                line,
                None,
                "is not well-formed CSV (an unclosed quote?)",
            )]
        })?;
        if records.len() > MAX_ROWS + 2 {
            return Err(vec![too_many_rows(sheet)]);
        }
        let line = record.position().map_or(i + 1, |p| p.line() as usize);
        records.push((line, record.iter().map(cell_of_text).collect::<Vec<_>>()));
    }
    table(sheet, records)
}

/// Splits the records into the header, the optional line of allowed values (as the template
/// has it), and the data rows; matches each header to its column.
pub(super) fn table(sheet: Sheet, records: Vec<(usize, Vec<Cell>)>) -> Result<Table, Vec<Problem>> {
    let mut records = records.into_iter().filter(|(_, cells)| !blank(cells));
    let Some((header_line, headers)) = records.next() else {
        return Err(vec![Problem::at(sheet, 1, None, "has no header row")]);
    };
    let mut columns = Vec::with_capacity(headers.len());
    let mut problems = Vec::new();
    for (i, header) in headers.iter().enumerate() {
        let text = match header {
            Cell::Text(text) => text.trim().to_owned(),
            Cell::Empty => {
                columns.push(None);
                continue;
            }
            _ => String::new(),
        };
        match sheet.columns().iter().find(|c| c.is_named(&text)) {
            Some(column)
                if columns
                    .iter()
                    .flatten()
                    .any(|(c, _): &(&Column, String)| c.key == column.key) =>
            {
                problems.push(Problem::at(
                    sheet,
                    header_line,
                    Some(reference(header_line - 1, i)),
                    format!("names the column {} a second time", column.key),
                ));
                columns.push(None);
            }
            Some(column) => columns.push(Some((column, text))),
            None => {
                problems.push(Problem::at(
                    sheet,
                    header_line,
                    Some(reference(header_line - 1, i)),
                    format!(
                        "\"{text}\" is not a column of {}; the template lists them",
                        sheet.as_str()
                    ),
                ));
                columns.push(None);
            }
        }
    }
    // An organizations sheet may only update, and so lack what creating needs; rows that
    // create are told what they miss.
    let needed = sheet
        .columns()
        .iter()
        .filter(|c| c.required && sheet != Sheet::Organizations);
    for column in needed {
        if !columns.iter().flatten().any(|(c, _)| c.key == column.key) {
            problems.push(Problem::at(
                sheet,
                header_line,
                None,
                format!("lacks the column {} ({})", column.header(), column.key),
            ));
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut rows: Vec<(usize, Vec<Cell>)> = records.collect();
    if rows
        .first()
        .is_some_and(|(_, cells)| is_hint_row(&columns, cells))
    {
        rows.remove(0);
    }
    if rows.len() > MAX_ROWS {
        return Err(vec![too_many_rows(sheet)]);
    }
    Ok(Table { sheet, columns, rows })
}

/// Whether a row repeats the template's allowed values, which is not data.
fn is_hint_row(columns: &[Option<(&'static Column, String)>], cells: &[Cell]) -> bool {
    let mut any = false;
    for (cell, column) in cells.iter().zip(columns) {
        match (cell, column) {
            (Cell::Empty, _) => {}
            (Cell::Text(text), Some((column, _))) if text.trim() == column.hint_text() => any = true,
            _ => return false,
        }
    }
    any
}

fn blank(cells: &[Cell]) -> bool {
    cells.iter().all(|c| *c == Cell::Empty)
}

pub(super) fn too_many_rows(sheet: Sheet) -> Problem {
    Problem::file(format!(
        "The {} rows are more than {MAX_ROWS}: split the file.",
        sheet.as_str()
    ))
}

pub(super) fn cell_of_text(text: &str) -> Cell {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        Cell::Empty
    } else {
        Cell::Text(trimmed.to_owned())
    }
}

/// The A1 reference of a cell at 0-based `row` and `col`.
pub fn reference(row: usize, col: usize) -> String {
    let mut letters = Vec::new();
    let mut n = col + 1;
    while n > 0 {
        letters.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    format!("{}{}", String::from_utf8_lossy(&letters), row + 1)
}

/// The line of a quote that opens a field and is never closed, if any (the CSV reader would
/// take the rest of the file as one field).
fn unclosed_quote(text: &[u8]) -> Option<usize> {
    let (mut quoted, mut line, mut opened) = (false, 1, 0);
    for &b in text {
        match b {
            b'"' => {
                quoted = !quoted;
                if quoted {
                    opened = line;
                }
            }
            b'\n' => line += 1,
            _ => {}
        }
    }
    quoted.then_some(opened)
}

fn count_outside_quotes(line: &[u8], byte: u8) -> usize {
    let mut quoted = false;
    line.iter()
        .filter(|&&b| {
            if b == b'"' {
                quoted = !quoted;
            }
            !quoted && b == byte
        })
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_spreadsheet_letters() {
        assert_eq!(reference(0, 0), "A1");
        assert_eq!(reference(4, 25), "Z5");
        assert_eq!(reference(9, 26), "AA10");
    }

    #[test]
    fn semicolons_and_a_byte_order_mark_are_read_as_french_spreadsheets_write_them() {
        let file = "\u{feff}Nom;Pays;Type\n\"Télé; Services\";SN;firm\n".as_bytes();
        let table = csv(file, Sheet::Organizations).unwrap();
        assert_eq!(table.rows.len(), 1);
        assert_eq!(table.rows[0].0, 2);
        assert_eq!(table.rows[0].1[0], Cell::Text("Télé; Services".into()));
    }

    #[test]
    fn unknown_headers_and_missing_columns_are_named() {
        let problems = csv(b"Nom,Colour\nA,b\n", Sheet::Organizations).unwrap_err();
        let messages: Vec<String> = problems.iter().map(|p| p.message.clone()).collect();
        assert!(
            messages.iter().any(|m| m.contains("\"Colour\" is not a column")),
            "{messages:?}"
        );
        let problems = csv(b"organization,Colour\nA,b\n", Sheet::Markets).unwrap_err();
        let messages: Vec<String> = problems.iter().map(|p| p.message.clone()).collect();
        assert!(
            messages
                .iter()
                .any(|m| m.contains("lacks the column Pays / Country")),
            "{messages:?}"
        );
    }

    #[test]
    fn the_signature_decides_the_format() {
        assert_eq!(FileFormat::sniff(b"PK\x03\x04rest").unwrap(), FileFormat::Xlsx);
        assert!(FileFormat::sniff(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0]).is_err());
        assert!(FileFormat::sniff(b"%PDF-1.7").is_err());
        assert_eq!(FileFormat::sniff(b"name,country").unwrap(), FileFormat::Csv);
    }
}

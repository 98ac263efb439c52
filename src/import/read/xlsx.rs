//! Workbooks, read one sheet at a time: a sheet's cells are held only while it is planned.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

use super::{Cell, MAX_ROWS, Problem, Sheet, Table, cell_of_text, reference, table, too_many_rows};

/// Largest sum of a workbook's uncompressed parts: a ZIP can inflate a thousandfold.
const MAX_INFLATED_BYTES: u64 = 1024 * 1024 * 1024;

/// An open workbook whose sheets are all named after kinds of rows.
pub struct Workbook<'a> {
    inner: Xlsx<Cursor<&'a [u8]>>,
    /// Sheet names by kind, in the order they are read: organizations first.
    sheets: Vec<(Sheet, String)>,
}

impl<'a> Workbook<'a> {
    /// Opens a workbook, refusing it whole when it cannot be read or a sheet has another name.
    pub fn open(bytes: &'a [u8]) -> Result<Self, Vec<Problem>> {
        check_inflated_size(bytes).map_err(|p| vec![p])?;
        let inner: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| {
            vec![Problem::file(match e {
                calamine::XlsxError::Password => {
                    "The workbook is password-protected: save it without a password.".to_owned()
                }
                _ => "The workbook cannot be read: it is corrupt or not an .xlsx file.".to_owned(),
            })]
        })?;
        let mut problems = Vec::new();
        let mut sheets: Vec<(Sheet, String)> = Vec::new();
        for name in inner.sheet_names() {
            match Sheet::named(&name) {
                None => {
                    let known: Vec<&str> = Sheet::ALL.iter().map(|s| s.as_str()).collect();
                    problems.push(Problem::file(format!(
                        "The workbook has a sheet named \"{name}\"; sheets must be named {} (or in French).",
                        known.join(", ")
                    )));
                }
                Some(sheet) if sheets.iter().any(|(s, _)| *s == sheet) => {
                    problems.push(Problem::file(format!(
                        "The workbook has two {} sheets.",
                        sheet.as_str()
                    )));
                }
                Some(sheet) => sheets.push((sheet, name)),
            }
        }
        if sheets.is_empty() && problems.is_empty() {
            problems.push(Problem::file("The workbook has no sheets."));
        }
        if !problems.is_empty() {
            return Err(problems);
        }
        sheets.sort_by_key(|(sheet, _)| *sheet);
        sheets.reverse();
        Ok(Workbook { inner, sheets })
    }

    /// The next sheet, in reading order; `None` after the last.
    pub fn next_table(&mut self) -> Option<Result<Table, Vec<Problem>>> {
        let (sheet, name) = self.sheets.pop()?;
        Some(read_sheet(&mut self.inner, &name, sheet))
    }
}

fn read_sheet<R: std::io::Read + std::io::Seek>(
    workbook: &mut Xlsx<R>,
    name: &str,
    sheet: Sheet,
) -> Result<Table, Vec<Problem>> {
    let corrupt = |_| {
        vec![Problem::file(format!(
            "The sheet \"{name}\" cannot be read: the workbook is corrupt."
        ))]
    };
    let mut problems = Vec::new();
    for region in workbook.merge_cells_by_sheet_name(name).map_err(corrupt)? {
        let (row, col) = region.start;
        problems.push(Problem::at(
            sheet,
            row as usize + 1,
            Some(reference(row as usize, col as usize)),
            "is merged with its neighbours: unmerge the cells",
        ));
    }
    let formulas = workbook.worksheet_formula(name).map_err(corrupt)?;
    if let Some((top, left)) = formulas.start() {
        for (r, row) in formulas.rows().enumerate() {
            for (c, formula) in row.iter().enumerate() {
                if !formula.is_empty() {
                    let (row, col) = (top as usize + r, left as usize + c);
                    problems.push(Problem::at(
                        sheet,
                        row + 1,
                        Some(reference(row, col)),
                        "holds a formula: paste its value instead",
                    ));
                }
            }
        }
    }
    drop(formulas);
    if !problems.is_empty() {
        return Err(problems);
    }
    let range = workbook.worksheet_range(name).map_err(corrupt)?;
    let Some((top, left)) = range.start() else {
        return table(sheet, Vec::new());
    };
    if range.height() > MAX_ROWS + 2 {
        return Err(vec![too_many_rows(sheet)]);
    }
    let mut records = Vec::with_capacity(range.height());
    for (r, row) in range.rows().enumerate() {
        // Columns left of the used range are empty; keep positions as the sheet shows them.
        let mut cells = vec![Cell::Empty; left as usize];
        cells.extend(row.iter().map(cell_of_data));
        records.push((top as usize + r + 1, cells));
    }
    drop(range);
    table(sheet, records)
}

fn cell_of_data(data: &Data) -> Cell {
    match data {
        Data::Empty => Cell::Empty,
        Data::String(text) | Data::DateTimeIso(text) => cell_of_text(text),
        Data::Int(n) => Cell::Number(*n as f64),
        Data::Float(n) => Cell::Number(*n),
        Data::Bool(b) => Cell::Text(b.to_string()),
        Data::DateTime(at) if at.is_datetime() => match at.as_datetime() {
            Some(at) => Cell::Date(at.date()),
            None => Cell::Refused("is a date out of range".into()),
        },
        Data::DateTime(_) | Data::DurationIso(_) => {
            Cell::Refused("is a duration, not a value this column takes".into())
        }
        Data::Error(e) => Cell::Refused(format!("holds the spreadsheet error {e}")),
    }
}

/// Refuses a workbook whose parts would inflate past the bound, before inflating any.
fn check_inflated_size(bytes: &[u8]) -> Result<(), Problem> {
    let corrupt = || Problem::file("The workbook cannot be read: it is corrupt or not an .xlsx file.");
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| corrupt())?;
    let mut total = 0u64;
    for i in 0..archive.len() {
        let entry = archive.by_index_raw(i).map_err(|_| corrupt())?;
        total = total.saturating_add(entry.size());
    }
    if total > MAX_INFLATED_BYTES {
        return Err(Problem::file(
            "The workbook inflates to more than 1 GiB: split it.",
        ));
    }
    Ok(())
}

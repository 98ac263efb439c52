//! The templates curators fill in: every column of a kind with its French and English header,
//! a second header row of allowed values or formats, and one example row that imports as is.

use rust_xlsxwriter::{Format as CellFormat, Workbook, XlsxError};

use super::columns::{Column, Format, Sheet};

/// The workbook template: one sheet per kind of row.
pub fn xlsx() -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = CellFormat::new().set_bold();
    let hint = CellFormat::new()
        .set_italic()
        .set_font_color("#555555")
        .set_text_wrap();
    for sheet in Sheet::ALL {
        let worksheet = workbook.add_worksheet();
        worksheet.set_name(sheet.as_str())?;
        for (i, column) in sheet.columns().iter().enumerate() {
            let col = i as u16;
            worksheet.write_string_with_format(0, col, column.header(), &bold)?;
            worksheet.write_string_with_format(1, col, column.hint_text(), &hint)?;
            match (column.format, column.example.parse::<f64>()) {
                (_, _) if column.example.is_empty() => {}
                (Format::Integer, Ok(number)) => {
                    worksheet.write_number(2, col, number)?;
                }
                _ => {
                    worksheet.write_string(2, col, column.example)?;
                }
            }
            worksheet.set_column_width(col, 24)?;
        }
        worksheet.set_freeze_panes(2, 0)?;
    }
    workbook.save_to_buffer()
}

/// The CSV template of one kind, comma-separated, UTF-8 with a byte order mark (which makes
/// spreadsheet programs read it as UTF-8).
pub fn csv(sheet: Sheet) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let columns = sheet.columns();
    writer.write_record(columns.iter().map(Column::header))?;
    writer.write_record(columns.iter().map(Column::hint_text))?;
    writer.write_record(columns.iter().map(|c| c.example))?;
    writer.into_inner().map_err(|e| e.into_error().into())
}

/// The columns of every kind as Markdown, as the README lists them.
pub fn markdown() -> String {
    let mut out = String::new();
    for sheet in Sheet::ALL {
        out.push_str(&format!("\n**{}** (`{}`)\n\n", sheet.as_str(), sheet.french()));
        out.push_str("| column | en-tête / header | allowed values or format |\n|---|---|---|\n");
        for column in sheet.columns() {
            out.push_str(&format!(
                "| `{}` | {} | {} |\n",
                column.key,
                column.header(),
                column.hint_text().replace('|', "\\|")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_readme_lists_the_columns_as_the_code_has_them() {
        let readme = include_str!("../../README.md");
        assert!(
            readme.contains(&markdown()),
            "README.md's import columns differ from the code; paste `annuaire import --columns`:\n{}",
            markdown()
        );
    }

    #[test]
    fn the_csv_template_reads_back_with_its_example_row() {
        for sheet in Sheet::ALL {
            let file = csv(sheet).unwrap();
            let table = super::super::read::csv(&file, sheet).unwrap();
            assert_eq!(
                table.rows.len(),
                1,
                "{sheet:?}: the hint row is skipped, the example kept"
            );
        }
    }
}

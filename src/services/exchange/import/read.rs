//! Reading camera lists as people send them into one shape: a header and rows of text cells, each row with
//! the number a person finds it by (the spreadsheet row, the feature or element number) and, for map formats,
//! its point.
//!
//! - CSV: `,` `;` tab or `|` (whichever gives the steadiest column count), quoted fields with commas and line
//!   breaks, CRLF, UTF-8 with or without a byte-order mark, and UTF-16 as Excel's "Unicode text" writes it.
//! - XLSX, XLSM and ODS: the first sheet with data (or a named one), its first non-empty row as the header.
//!   XLS and XLSB (binary Excel) are named and refused: see [`ReadError::BinaryExcel`].
//! - GeoJSON: a FeatureCollection; properties become columns, a Point geometry the row's point.
//! - OpenStreetMap Overpass JSON (`{"elements": [...]}` or a bare array): nodes with lat/lon, tags as columns.
//!
//! Nothing here decides what a cell means; see [`crate::model::import`].

use std::collections::HashMap;
use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader as _};
use serde_json::Value;

/// The formats the importer reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceFormat {
    Csv,
    /// XLSX, XLSM or ODS (XLS and XLSB are recognised, and refused).
    Spreadsheet,
    #[serde(rename = "geojson")]
    GeoJson,
    Overpass,
}

impl SourceFormat {
    pub fn name(self) -> &'static str {
        match self {
            Self::Csv => "CSV",
            Self::Spreadsheet => "spreadsheet",
            Self::GeoJson => "GeoJSON",
            Self::Overpass => "Overpass JSON",
        }
    }

    /// The format of a file from its content first (a `.csv` that is really XLSX happens), then its name.
    pub fn sniff(path: &Path, bytes: &[u8]) -> Self {
        // XLSX and ODS are ZIP files; XLS is an OLE compound file.
        if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
            return Self::Spreadsheet;
        }
        let head: String = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)])
            .trim_start_matches('\u{feff}')
            .trim_start()
            .chars()
            .take(4000)
            .collect();
        if head.starts_with('{') || head.starts_with('[') {
            let overpass = head.contains("\"elements\"")
                || (head.starts_with('[')
                    && head.contains("\"type\"")
                    && head.contains("\"node\""))
                || head.contains("\"osm3s\"");
            return if overpass {
                Self::Overpass
            } else {
                Self::GeoJson
            };
        }
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("xlsx" | "xlsm" | "xlsb" | "xls" | "ods") => Self::Spreadsheet,
            Some("geojson") => Self::GeoJson,
            _ => Self::Csv,
        }
    }
}

/// One row of the source.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceRow {
    /// The number a person finds the row by: the spreadsheet row (the header is row 1), or the feature or
    /// element number (from 1).
    pub number: usize,
    /// One cell per header (missing cells are empty).
    pub cells: Cells,
    /// (longitude, latitude) from a map format's geometry.
    pub point: Option<(f64, f64)>,
    /// Why a map format's geometry gave no point (a LineString, no geometry), if it did not.
    pub geometry_problem: Option<String>,
}

/// The cells of one row as one text and where each cell ends: a row of 24 short cells is two allocations
/// instead of 25, which halves an import's memory (200,000 rows of 24 cells held 280 MB as separate strings).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Cells {
    text: Box<str>,
    /// The end of each cell in `text`, bytes (a file is under 4 GB: [`super::MAX_FILE_BYTES`]).
    ends: Box<[u32]>,
}

impl Cells {
    /// How many cells.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Cell `i`, or `None` past the last.
    pub fn get(&self, i: usize) -> Option<&str> {
        let end = *self.ends.get(i)? as usize;
        let start = match i.checked_sub(1) {
            Some(before) => *self.ends.get(before)? as usize,
            None => 0,
        };
        self.text.get(start..end)
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> + '_ {
        (0..self.len()).map(|i| self.get(i).unwrap_or(""))
    }

    /// Pads with empty cells to `width` (a short row), or cuts to it.
    pub fn resize(&mut self, width: usize) {
        let mut cells: Vec<&str> = self.iter().collect();
        cells.resize(width, "");
        *self = cells.into_iter().collect();
    }
}

impl std::ops::Index<usize> for Cells {
    type Output = str;
    fn index(&self, i: usize) -> &str {
        self.get(i).unwrap_or_else(|| {
            panic!("cell {i} of a row of {} cells", self.len());
        })
    }
}

impl<S: AsRef<str>> FromIterator<S> for Cells {
    fn from_iter<I: IntoIterator<Item = S>>(cells: I) -> Self {
        let mut text = String::new();
        let mut ends = Vec::new();
        for cell in cells {
            text.push_str(cell.as_ref());
            ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
        }
        Self {
            text: text.into_boxed_str(),
            ends: ends.into_boxed_slice(),
        }
    }
}

impl From<Vec<String>> for Cells {
    fn from(cells: Vec<String>) -> Self {
        cells.into_iter().collect()
    }
}

impl<const N: usize> PartialEq<[&str; N]> for Cells {
    fn eq(&self, other: &[&str; N]) -> bool {
        self.len() == N && self.iter().zip(other).all(|(a, b)| a == *b)
    }
}

/// A source file read into a header and rows.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceTable {
    pub format: SourceFormat,
    pub headers: Vec<String>,
    pub rows: Vec<SourceRow>,
    /// What the reader noticed about the file as a whole ("UTF-16", "delimiter ;", "sheet Cameras", "12 ways
    /// skipped").
    pub notes: Vec<String>,
}

/// Why a file cannot be read at all (a bad row is never this: it is refused in the report).
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum ReadError {
    #[error("the file is empty")]
    Empty,
    #[error(
        "the file is not text in UTF-8 or UTF-16 (byte {offset} is not UTF-8); save it as \"CSV UTF-8\""
    )]
    Encoding { offset: usize },
    #[error("CSV row {row}: {detail}")]
    Csv { row: usize, detail: String },
    #[error("the spreadsheet cannot be read: {0}")]
    Spreadsheet(String),
    #[error("the spreadsheet has no sheet named {0:?}")]
    NoSuchSheet(String),
    #[error("no sheet of the spreadsheet holds any data")]
    EmptySheets,
    #[error("not valid JSON: {0}")]
    Json(String),
    #[error("not a GeoJSON FeatureCollection: {0}")]
    NotFeatureCollection(String),
    #[error("not Overpass JSON: {0}")]
    NotOverpass(String),
    #[error("the file has a header but no rows")]
    NoRows,
    /// A CSV row with more columns than a spreadsheet holds.
    #[error(
        "CSV row {row} has more than {limit} columns; the importer reads at most that (refused to protect memory)"
    )]
    TooManyColumns { row: usize, limit: u64 },
    /// A JSON file that would take more memory to parse than the importer gives it.
    #[error(
        "the file holds {values} JSON values (objects, lists, texts, numbers); the importer reads at most {limit} (refused to protect memory)"
    )]
    TooManyJsonValues { values: u64, limit: u64 },
    /// More cells than the importer holds (a sheet that spans millions of empty cells, a GeoJSON whose
    /// features each bring new property names).
    #[error(
        "the file spans {cells} cells; the importer reads at most {limit} (refused to protect memory)"
    )]
    TooManyCells { cells: u64, limit: u64 },
    /// XLS or XLSB: binary Excel, whose reader trusts the sizes and cell positions the file declares.
    #[error(
        "{kind} (binary Excel) files are not read: the reader trusts the sizes the file declares, so a damaged or hostile one can exhaust memory; open it in Excel or LibreOffice and save it as XLSX (or CSV)"
    )]
    BinaryExcel { kind: &'static str },
    /// A spreadsheet (a ZIP file inside) that unpacks to more than the importer reads: a "zip bomb" or a
    /// file far larger than a camera list.
    #[error("the spreadsheet unpacks to more than {} MB ({detail}); the importer reads at most that (refused to protect memory)", MAX_UNPACKED_BYTES / 1024 / 1024)]
    TooLargeUnpacked { detail: String },
}

/// Most cells (rows × columns, as the table will hold them) the importer reads: 10 million is 200,000
/// cameras of 50 columns.
pub const MAX_CELLS: u64 = 10_000_000;

/// Most cells a CSV may hold: 25 million is 500,000 cameras of 50 columns (a state's registry exported). A CSV
/// cell costs 4 bytes beside its text ([`Cells`]), where a spreadsheet's costs calamine 32 in a dense block.
pub const MAX_CSV_CELLS: u64 = 25_000_000;

/// Most columns a CSV row may have: as many as a spreadsheet holds (XFD). Checked before the CSV parser holds
/// the row, which costs it 8 bytes a field (a 512 MB line of commas would be 4 GB).
pub const MAX_COLUMNS: u64 = 16_384;

/// Most JSON values (objects, lists, texts, numbers) a GeoJSON or Overpass file may hold, counted before it is
/// parsed: each costs the parser 32 bytes or more. 10 million is 200,000 cameras of 40 properties.
pub const MAX_JSON_VALUES: u64 = 10_000_000;

/// Most bytes a spreadsheet may unpack to (all its ZIP entries together).
pub const MAX_UNPACKED_BYTES: u64 = 256 * 1024 * 1024;

/// Refuses a table of `rows` × `columns` cells over [`MAX_CELLS`].
fn check_cells(rows: usize, columns: usize) -> Result<(), ReadError> {
    check_cells_under(rows, columns, MAX_CELLS)
}

fn check_cells_under(rows: usize, columns: usize, limit: u64) -> Result<(), ReadError> {
    let cells = (rows as u64).saturating_mul(columns as u64);
    if cells > limit {
        return Err(ReadError::TooManyCells { cells, limit });
    }
    Ok(())
}

/// Reads `bytes` as `format`; `sheet` picks a spreadsheet's sheet by name.
pub fn read(
    bytes: &[u8],
    format: SourceFormat,
    sheet: Option<&str>,
) -> Result<SourceTable, ReadError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ReadError::Empty);
    }
    let table = match format {
        SourceFormat::Csv => read_csv(bytes)?,
        SourceFormat::Spreadsheet => read_spreadsheet(bytes, sheet)?,
        SourceFormat::GeoJson => read_geojson(bytes)?,
        SourceFormat::Overpass => read_overpass(bytes)?,
    };
    if table.rows.is_empty() {
        return Err(ReadError::NoRows);
    }
    Ok(table)
}

/// The text of a CSV file: UTF-8 (a byte-order mark dropped) or UTF-16 with a byte-order mark, or without one
/// when every other byte is zero (how Excel's "Unicode text" starts with ASCII headers).
/// UTF-8 text is borrowed, not copied (a 200 MB list would otherwise be held twice while it is read).
fn decode_text<'a>(
    bytes: &'a [u8],
    notes: &mut Vec<String>,
) -> Result<std::borrow::Cow<'a, str>, ReadError> {
    let utf16 = |body: &[u8], little: bool| -> String {
        let units = body.chunks_exact(2).map(|p| {
            if little {
                u16::from_le_bytes([p[0], p[1]])
            } else {
                u16::from_be_bytes([p[0], p[1]])
            }
        });
        char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect()
    };
    if let Some(body) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        notes.push("UTF-16 (little-endian)".into());
        return Ok(utf16(body, true).into());
    }
    if let Some(body) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        notes.push("UTF-16 (big-endian)".into());
        return Ok(utf16(body, false).into());
    }
    // UTF-8 text never holds a zero byte; UTF-16 of ASCII headers has one in every other position.
    let sample = &bytes[..bytes.len().min(400) & !1];
    if sample.len() >= 4 {
        let zeros = |skip: usize| {
            sample
                .iter()
                .skip(skip)
                .step_by(2)
                .filter(|b| **b == 0)
                .count()
        };
        let (even, odd) = (zeros(0), zeros(1));
        let half = sample.len() / 2;
        if (odd * 3 > half && even == 0) || (even * 3 > half && odd == 0) {
            notes.push("UTF-16 without a byte-order mark".into());
            return Ok(utf16(bytes, odd > 0).into());
        }
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(text) => Ok(text.into()),
        Err(e) => Err(ReadError::Encoding {
            offset: e.valid_up_to() + (bytes.len() - body.len()),
        }),
    }
}

/// The delimiter that splits the first lines into the same number (> 1) of fields most often.
fn sniff_delimiter(text: &str) -> u8 {
    let sample: String = text.chars().take(64 * 1024).collect();
    let mut best = (b',', 0usize);
    for delimiter in [b',', b';', b'\t', b'|'] {
        let mut reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(sample.as_bytes());
        let mut counts: HashMap<usize, usize> = HashMap::new();
        for record in reader.records().take(30).flatten() {
            if record.len() > 1 {
                *counts.entry(record.len()).or_default() += 1;
            }
        }
        let steady = counts.values().copied().max().unwrap_or(0);
        if steady > best.1 {
            best = (delimiter, steady);
        }
    }
    best.0
}

/// Refuses the first CSV record with more than [`MAX_COLUMNS`] fields, before the parser holds it. Follows the
/// parser's rules (csv-core's): a quote opens quoting only at a field's start, `""` inside quotes is a quote,
/// CR or LF ends a record outside quotes, and blank lines are not records.
fn check_csv_widths(text: &[u8], delimiter: u8) -> Result<(), ReadError> {
    check_csv_widths_with(text, delimiter, MAX_COLUMNS)
}

fn check_csv_widths_with(text: &[u8], delimiter: u8, limit: u64) -> Result<(), ReadError> {
    #[derive(PartialEq)]
    enum At {
        RecordStart,
        FieldStart,
        InField,
        InQuotes,
        QuoteInQuotes,
    }
    let mut at = At::RecordStart;
    let mut record = 0usize;
    let mut fields = 0u64;
    for &b in text {
        let ends_record = b == b'\r' || b == b'\n';
        at = match at {
            At::RecordStart if ends_record => At::RecordStart,
            At::RecordStart | At::FieldStart | At::InField | At::QuoteInQuotes
                if b == delimiter || ends_record =>
            {
                if at == At::RecordStart {
                    record += 1;
                    fields = 1;
                }
                if ends_record {
                    At::RecordStart
                } else {
                    fields += 1;
                    if fields > limit {
                        return Err(ReadError::TooManyColumns { row: record, limit });
                    }
                    At::FieldStart
                }
            }
            At::RecordStart | At::FieldStart if b == b'"' => {
                if at == At::RecordStart {
                    record += 1;
                    fields = 1;
                }
                At::InQuotes
            }
            At::RecordStart => {
                record += 1;
                fields = 1;
                At::InField
            }
            At::InQuotes if b == b'"' => At::QuoteInQuotes,
            At::InQuotes => At::InQuotes,
            At::QuoteInQuotes if b == b'"' => At::InQuotes,
            At::FieldStart | At::InField | At::QuoteInQuotes => At::InField,
        };
    }
    Ok(())
}

fn read_csv(bytes: &[u8]) -> Result<SourceTable, ReadError> {
    let mut notes = Vec::new();
    let text = decode_text(bytes, &mut notes)?;
    let delimiter = sniff_delimiter(&text);
    check_csv_widths(text.as_bytes(), delimiter)?;
    if delimiter != b',' {
        notes.push(match delimiter {
            b'\t' => "columns separated by tabs".to_string(),
            d => format!("columns separated by '{}'", d as char),
        });
    }
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut headers: Option<Vec<String>> = None;
    let mut rows = Vec::new();
    let mut widest = 0usize;
    // Spreadsheet numbering: blank lines are skipped by the parser, so count records, as Excel shows them.
    for (i, record) in reader.records().enumerate() {
        let number = i + 1;
        let record = record.map_err(|e| ReadError::Csv {
            row: number,
            detail: e.to_string(),
        })?;
        widest = widest.max(record.len());
        check_cells_under(rows.len() + 1, widest, MAX_CSV_CELLS)?;
        match &headers {
            None => headers = Some(record.iter().map(|c| c.trim().to_string()).collect()),
            Some(h) => {
                if record.iter().all(|c| c.trim().is_empty()) {
                    continue;
                }
                let width = h.len().max(record.len());
                let cells: Cells = record
                    .iter()
                    .map(str::trim)
                    .chain(std::iter::repeat_n("", width - record.len()))
                    .collect();
                rows.push(SourceRow {
                    number,
                    cells,
                    point: None,
                    geometry_problem: None,
                });
            }
        }
    }
    let mut headers = headers.ok_or(ReadError::Empty)?;
    widen_headers(&mut headers, &mut rows);
    Ok(SourceTable {
        format: SourceFormat::Csv,
        headers,
        rows,
        notes,
    })
}

/// Rows longer than the header get headers "column 7", … so no cell is silently dropped.
fn widen_headers(headers: &mut Vec<String>, rows: &mut [SourceRow]) {
    let widest = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
    while headers.len() < widest {
        headers.push(format!("column {}", headers.len() + 1));
    }
    for row in rows {
        if row.cells.len() != headers.len() {
            row.cells.resize(headers.len());
        }
    }
}

/// A spreadsheet cell as the text a person sees: whole numbers without ".0" (ids, channels), others in full.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => excel_date_text(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// An Excel date serial (days since 1899-12-30, the fraction the time of day) as "2026-11-25" or
/// "2026-11-25 14:05".
fn excel_date_text(serial: f64) -> String {
    let days = serial.floor();
    let base = jiff::civil::date(1899, 12, 30);
    let Ok(date) = base.checked_add(jiff::Span::new().days(days as i64)) else {
        return number_text(serial);
    };
    let minutes = ((serial - days) * 24.0 * 60.0).round() as i64;
    if minutes == 0 {
        date.to_string()
    } else {
        format!("{date} {:02}:{:02}", minutes / 60, minutes % 60)
    }
}

/// A number as text: whole numbers without a fraction (`1001.0` → `1001`).
pub fn number_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

/// Opens an XLSX or ODS workbook after [`check_zip`] has passed it. Chosen here by content, never by
/// calamine's guess: its XLS and XLSB readers trust the sizes and cell positions a file declares, so a file of a
/// few hundred bytes can make them ask for hundreds of gigabytes (the process aborts; nothing can catch that).
fn open_workbook(bytes: &[u8]) -> Result<calamine::Sheets<Cursor<Vec<u8>>>, ReadError> {
    if bytes.starts_with(&OLE_MAGIC) {
        return Err(ReadError::BinaryExcel { kind: "XLS" });
    }
    if !bytes.starts_with(b"PK") {
        return Err(ReadError::Spreadsheet(
            "it is neither XLSX nor ODS (no ZIP header)".into(),
        ));
    }
    if check_zip(bytes)? == ZipKind::Xlsb {
        return Err(ReadError::BinaryExcel { kind: "XLSB" });
    }
    let cursor = || Cursor::new(bytes.to_vec());
    let xlsx = calamine::open_workbook_from_rs::<calamine::Xlsx<_>, _>(cursor());
    match xlsx {
        Ok(book) => Ok(calamine::Sheets::Xlsx(book)),
        Err(xlsx_error) => calamine::open_workbook_from_rs::<calamine::Ods<_>, _>(cursor())
            .map(calamine::Sheets::Ods)
            .map_err(|_| ReadError::Spreadsheet(xlsx_error.to_string())),
    }
}

fn read_spreadsheet(bytes: &[u8], sheet: Option<&str>) -> Result<SourceTable, ReadError> {
    // A reader that still panics on a malformed file (an index past a short record) refuses that file; it
    // does not take the window or the command down with it.
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read_spreadsheet_checked(bytes, sheet)
    }))
    .unwrap_or_else(|_| {
        Err(ReadError::Spreadsheet(
            "its content is malformed (the spreadsheet reader failed on it)".into(),
        ))
    })
}

fn read_spreadsheet_checked(bytes: &[u8], sheet: Option<&str>) -> Result<SourceTable, ReadError> {
    let mut book = open_workbook(bytes)?;
    let names = book.sheet_names();
    let candidates: Vec<String> = match sheet {
        Some(name) => {
            let found = names
                .iter()
                .find(|n| n.eq_ignore_ascii_case(name))
                .ok_or_else(|| ReadError::NoSuchSheet(name.to_string()))?;
            vec![found.clone()]
        }
        None => names,
    };
    for name in candidates {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| ReadError::Spreadsheet(e.to_string()))?;
        let (height, width) = range.get_size();
        check_cells(height, width)?;
        let start_row = range.start().map_or(0, |(r, _)| r as usize);
        let mut lines = range
            .rows()
            .enumerate()
            .map(|(i, cells)| {
                (
                    start_row + i + 1,
                    cells.iter().map(cell_text).collect::<Vec<_>>(),
                )
            })
            .filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()));
        let Some((_, headers)) = lines.next() else {
            continue;
        };
        let mut headers = headers;
        let rows: Vec<SourceRow> = lines
            .map(|(number, cells)| SourceRow {
                number,
                cells: cells.into(),
                point: None,
                geometry_problem: None,
            })
            .collect();
        // A cover sheet (a title, a note) has no rows under its first line: look at the next sheet.
        if rows.is_empty() && sheet.is_none() {
            continue;
        }
        let mut rows = rows;
        widen_headers(&mut headers, &mut rows);
        return Ok(SourceTable {
            format: SourceFormat::Spreadsheet,
            headers,
            rows,
            notes: vec![format!("sheet {name}")],
        });
    }
    Err(ReadError::EmptySheets)
}

/// The start of an OLE compound file: XLS (and other Office 97–2003 files).
const OLE_MAGIC: [u8; 4] = [0xD0, 0xCF, 0x11, 0xE0];

/// What a ZIP-based spreadsheet is, as far as the importer is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ZipKind {
    /// XLSX, XLSM or ODS: checked, for calamine to read.
    XmlParts,
    /// XLSB: binary parts, never read.
    Xlsb,
}

/// Checks a ZIP-based spreadsheet (XLSX, ODS) before calamine unpacks it: the entries' declared sizes, then
/// each entry unpacked here under a running byte budget (a declared size can lie), and in every XML part the
/// cells and the span from the first to the last cell (calamine makes a sheet one dense block of that span, and
/// takes a sheet from wherever the workbook's relationships point, not only `xl/worksheets/`). An XLSB
/// (a `xl/workbook.bin` and no `xl/workbook.xml`) is named and left unread.
fn check_zip(bytes: &[u8]) -> Result<ZipKind, ReadError> {
    use std::io::Read as _;
    let too_large = |detail: String| ReadError::TooLargeUnpacked { detail };
    let mut archive = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| ReadError::Spreadsheet(e.to_string()))?;
    // calamine finds parts by name case-insensitively, with `\` as `/`.
    let has_part = |part: &str| {
        archive
            .file_names()
            .any(|n| n.replace('\\', "/").eq_ignore_ascii_case(part))
    };
    if has_part("xl/workbook.bin") && !has_part("xl/workbook.xml") {
        return Ok(ZipKind::Xlsb);
    }
    let mut declared = 0u64;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| ReadError::Spreadsheet(e.to_string()))?;
        declared = declared.saturating_add(entry.size());
    }
    if declared > MAX_UNPACKED_BYTES {
        return Err(too_large(format!(
            "its parts declare {} MB",
            declared / 1024 / 1024
        )));
    }
    let mut budget = MAX_UNPACKED_BYTES;
    for i in 0..archive.len() {
        let entry = archive
            .by_index(i)
            .map_err(|e| ReadError::Spreadsheet(e.to_string()))?;
        let name = entry.name().to_string();
        if name == "content.xml" {
            let read = check_ods_content(entry.take(budget + 1))?;
            if read > budget {
                return Err(too_large(format!("{name} unpacks past the limit")));
            }
            budget -= read;
            continue;
        }
        // Every part is counted as if it were a sheet: only `<c>` cells widen the span, and no other part of
        // a workbook writes those.
        let mut limited = std::io::BufReader::new(entry.take(budget + 1));
        let mut span = CellSpan::default();
        let read = scan_tags(&mut limited, |tag| span.tag(tag))
            .map_err(|e| ReadError::Spreadsheet(format!("{name}: {e}")))?;
        if read > budget {
            return Err(too_large(format!("{name} unpacks past the limit")));
        }
        budget -= read;
        span.check()?;
    }
    Ok(ZipKind::XmlParts)
}

/// A reader that counts the bytes taken from it.
struct Counted<R> {
    inner: R,
    bytes: u64,
}

impl<R: std::io::Read> std::io::Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }
}

/// Reads an ODS file's `content.xml` as calamine will (the same XML reader and settings) and refuses it
/// when its tables, with their `table:number-rows-repeated` and `table:number-columns-repeated` copied out
/// as calamine copies them, hold more than [`MAX_CELLS`]; returns the bytes read.
fn check_ods_content(entry: impl std::io::Read) -> Result<u64, ReadError> {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(std::io::BufReader::new(Counted {
        inner: entry,
        bytes: 0,
    }));
    let config = reader.config_mut();
    config.check_end_names = false;
    config.trim_text(false);
    config.expand_empty_elements = true;
    let mut span = OdsSpan::default();
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) => {
                let repeat = |key: &[u8]| {
                    e.try_get_attribute(key)
                        .ok()
                        .flatten()
                        .and_then(|a| a.decode_and_unescape_value(reader.decoder()).ok())
                        .and_then(|v| v.parse::<u64>().ok())
                        // Unreadable counts make calamine fail; one copy is all it could hold.
                        .unwrap_or(1)
                };
                match e.name().as_ref() {
                    b"table:table" => span.end_table(),
                    b"table:table-row" => span.start_row(repeat(b"table:number-rows-repeated")),
                    b"table:table-cell" | b"table:covered-table-cell" => {
                        // Any value or formula makes the cell count as filled (calamine may still find
                        // it empty; counting too much here only errs towards refusing).
                        let filled = e.attributes().flatten().any(|a| {
                            matches!(
                                a.key.as_ref(),
                                b"office:value"
                                    | b"office:value-type"
                                    | b"office:string-value"
                                    | b"office:date-value"
                                    | b"office:time-value"
                                    | b"office:boolean-value"
                                    | b"table:formula"
                            )
                        });
                        span.cell(repeat(b"table:number-columns-repeated"), filled);
                    }
                    _ => {}
                }
            }
            Ok(Event::End(e)) => match e.name().as_ref() {
                b"table:table-row" => span.end_row(),
                b"table:table" => span.end_table(),
                _ => {}
            },
            Ok(Event::Eof) => break,
            // calamine refuses what its reader cannot parse; the rest is only counted.
            Err(_) => break,
            Ok(_) => {}
        }
        span.check()?;
        buf.clear();
    }
    span.end_table();
    span.check()?;
    let mut rest = reader.into_inner();
    std::io::copy(&mut rest, &mut std::io::sink())
        .map_err(|e| ReadError::Spreadsheet(format!("content.xml: {e}")))?;
    Ok(rest.into_inner().bytes)
}

/// The cells calamine's ODS reader holds for a workbook: every row once with each filled cell copied
/// `table:number-columns-repeated` times and the blank cells before it (`raw`), then each table as one dense
/// block from its first to its last filled row, each row copied `table:number-rows-repeated` times, as wide
/// as its widest filled row (`dense`). Blank cells and rows at a row's or table's end are dropped.
#[derive(Debug, Default)]
struct OdsSpan {
    raw: u64,
    dense: u64,
    /// The open table: its rows from the first filled one to the last, the blank rows after that, and the
    /// width of its widest filled row.
    table_rows: u64,
    blank_rows: u64,
    table_width: u64,
    /// The open row (a row is open from its start tag until its end tag or the next row or table).
    in_row: bool,
    row_repeats: u64,
    row_cells: u64,
    row_filled_to: u64,
    blank_cells: u64,
}

impl OdsSpan {
    fn start_row(&mut self, repeats: u64) {
        self.end_row();
        self.in_row = true;
        self.row_repeats = repeats;
        self.row_cells = 0;
        self.row_filled_to = 0;
        self.blank_cells = 0;
    }

    fn cell(&mut self, repeats: u64, filled: bool) {
        if !self.in_row {
            // A cell outside any row (the row's end hidden from this reader): count it as a row of its own.
            self.start_row(1);
        }
        // Blank cells are copied out once a later cell follows them.
        self.row_cells = self.row_cells.saturating_add(self.blank_cells);
        self.blank_cells = 0;
        if filled {
            self.row_cells = self.row_cells.saturating_add(repeats);
            self.row_filled_to = self.row_cells;
        } else {
            self.blank_cells = repeats;
        }
    }

    fn end_row(&mut self) {
        if !self.in_row {
            return;
        }
        self.in_row = false;
        self.raw = self.raw.saturating_add(self.row_cells);
        if self.row_filled_to > 0 {
            self.table_rows = self
                .table_rows
                .saturating_add(self.blank_rows)
                .saturating_add(self.row_repeats);
            self.blank_rows = 0;
            self.table_width = self.table_width.max(self.row_filled_to);
        } else if self.table_rows > 0 {
            self.blank_rows = self.blank_rows.saturating_add(self.row_repeats);
        }
    }

    fn end_table(&mut self) {
        self.end_row();
        self.dense = self
            .dense
            .saturating_add(self.table_rows.saturating_mul(self.table_width));
        self.table_rows = 0;
        self.blank_rows = 0;
        self.table_width = 0;
    }

    fn check(&self) -> Result<(), ReadError> {
        // The open table counts as if it ended here.
        let open_row = if self.in_row {
            self.row_repeats.saturating_mul(self.row_filled_to)
        } else {
            0
        };
        let open = self
            .table_rows
            .saturating_mul(self.table_width)
            .max(open_row);
        let cells = self
            .raw
            .saturating_add(self.row_cells)
            .max(self.dense.saturating_add(open));
        if cells > MAX_CELLS {
            return Err(ReadError::TooManyCells {
                cells,
                limit: MAX_CELLS,
            });
        }
        Ok(())
    }
}

/// The cells of one XLSX worksheet as its XML places them.
#[derive(Debug, Default)]
struct CellSpan {
    cells: u64,
    row: u64,
    col: u64,
    rows: Option<(u64, u64)>,
    cols: Option<(u64, u64)>,
}

impl CellSpan {
    fn tag(&mut self, tag: &[u8]) {
        let name_end = tag
            .iter()
            .position(|b| b.is_ascii_whitespace() || *b == b'/' || *b == b'>')
            .unwrap_or(tag.len());
        let name = &tag[..name_end];
        // A namespace prefix (`x:c`) does not change the element.
        let local = name.rsplit(|b| *b == b':').next().unwrap_or(name);
        let r = attribute(tag, b"r");
        match local {
            b"row" => {
                self.row = r
                    .and_then(|r| std::str::from_utf8(r).ok()?.parse::<u64>().ok())
                    .map_or(self.row + 1, |r| r.max(1));
                self.col = 0;
            }
            b"c" => {
                self.cells += 1;
                match r.and_then(cell_ref) {
                    Some((row, col)) => {
                        self.row = row;
                        self.col = col;
                    }
                    None => self.col += 1,
                }
                let widen = |span: &mut Option<(u64, u64)>, v: u64| {
                    *span = Some(span.map_or((v, v), |(a, b)| (a.min(v), b.max(v))));
                };
                widen(&mut self.rows, self.row.max(1));
                widen(&mut self.cols, self.col.max(1));
            }
            _ => {}
        }
    }

    fn check(&self) -> Result<(), ReadError> {
        let dense = match (self.rows, self.cols) {
            (Some((r0, r1)), Some((c0, c1))) => (r1 - r0 + 1).saturating_mul(c1 - c0 + 1),
            _ => 0,
        };
        let cells = self.cells.max(dense);
        if cells > MAX_CELLS {
            return Err(ReadError::TooManyCells {
                cells,
                limit: MAX_CELLS,
            });
        }
        Ok(())
    }
}

/// The value of attribute `name` in a tag's text (`c r="B7" t="s"`).
fn attribute<'a>(tag: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let mut i = 0;
    while i + name.len() + 2 <= tag.len() {
        let before_ok = i > 0 && tag[i - 1].is_ascii_whitespace();
        if before_ok && tag[i..].starts_with(name) && tag[i + name.len()..].starts_with(b"=") {
            let rest = &tag[i + name.len() + 1..];
            let quote = *rest.first()?;
            if quote != b'"' && quote != b'\'' {
                return None;
            }
            let end = rest[1..].iter().position(|b| *b == quote)?;
            return Some(&rest[1..1 + end]);
        }
        i += 1;
    }
    None
}

/// An A1-style reference as (row, column), both from 1.
fn cell_ref(r: &[u8]) -> Option<(u64, u64)> {
    let letters = r.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let col = r[..letters].iter().fold(0u64, |acc, b| {
        acc * 26 + u64::from(b.to_ascii_uppercase() - b'A' + 1)
    });
    let row = std::str::from_utf8(&r[letters..])
        .ok()?
        .parse::<u64>()
        .ok()?;
    Some((row, col))
}

/// Calls `on_tag` with the text of each XML tag (between `<` and `>`, at most 4 KB of it) read from `r`,
/// holding no more than one tag in memory; returns the bytes read.
fn scan_tags(r: &mut impl std::io::BufRead, mut on_tag: impl FnMut(&[u8])) -> std::io::Result<u64> {
    const TAG_KEPT: usize = 4096;
    let mut total = 0u64;
    let mut tag: Vec<u8> = Vec::new();
    let mut in_tag = false;
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Ok(total);
        }
        let n = buf.len();
        let mut i = 0;
        while i < n {
            if in_tag {
                match buf[i..].iter().position(|b| *b == b'>') {
                    Some(end) => {
                        let room = TAG_KEPT.saturating_sub(tag.len());
                        tag.extend_from_slice(&buf[i..i + end.min(room)]);
                        on_tag(&tag);
                        tag.clear();
                        in_tag = false;
                        i += end + 1;
                    }
                    None => {
                        let room = TAG_KEPT.saturating_sub(tag.len());
                        tag.extend_from_slice(&buf[i..n.min(i + room)]);
                        i = n;
                    }
                }
            } else {
                match buf[i..].iter().position(|b| *b == b'<') {
                    Some(start) => {
                        in_tag = true;
                        i += start + 1;
                    }
                    None => i = n,
                }
            }
        }
        r.consume(n);
        total += n as u64;
    }
}

/// A JSON value as a cell: text as it is, numbers as [`number_text`], null as empty, anything nested as JSON.
fn json_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.trim().to_string(),
        Value::Number(n) => n.as_f64().map_or_else(|| n.to_string(), number_text),
        Value::Bool(b) => b.to_string(),
        other => other.to_string(),
    }
}

/// Columns in first-seen order, and each object's cells in that order.
fn columns_of<'a>(
    objects: impl Iterator<Item = Option<&'a serde_json::Map<String, Value>>> + Clone,
    first: &[&str],
) -> (Vec<String>, HashMap<String, usize>) {
    let mut headers: Vec<String> = first.iter().map(|s| s.to_string()).collect();
    let mut index: HashMap<String, usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.clone(), i))
        .collect();
    for object in objects.flatten() {
        for key in object.keys() {
            if !index.contains_key(key) {
                index.insert(key.clone(), headers.len());
                headers.push(key.clone());
            }
        }
    }
    (headers, index)
}

/// Refuses a JSON file of more than [`MAX_JSON_VALUES`] values before `serde_json` builds it in memory.
fn check_json_values(body: &[u8]) -> Result<(), ReadError> {
    let values = crate::services::json_count::count(body).values;
    if values > MAX_JSON_VALUES {
        return Err(ReadError::TooManyJsonValues {
            values,
            limit: MAX_JSON_VALUES,
        });
    }
    Ok(())
}

fn read_geojson(bytes: &[u8]) -> Result<SourceTable, ReadError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    check_json_values(body)?;
    let value: Value = serde_json::from_slice(body).map_err(|e| ReadError::Json(e.to_string()))?;
    let features = match value.get("type").and_then(Value::as_str) {
        Some("FeatureCollection") => value
            .get("features")
            .and_then(Value::as_array)
            .ok_or_else(|| ReadError::NotFeatureCollection("it has no \"features\" list".into()))?,
        Some(other) => {
            return Err(ReadError::NotFeatureCollection(format!(
                "its type is {other:?}"
            )));
        }
        None => {
            return Err(ReadError::NotFeatureCollection("it has no \"type\"".into()));
        }
    };
    let mut notes = Vec::new();
    if let Some(crs) = value
        .pointer("/crs/properties/name")
        .and_then(Value::as_str)
    {
        notes.push(format!("declared CRS {crs}"));
    }
    let props = features
        .iter()
        .map(|f| f.get("properties").and_then(Value::as_object));
    let (headers, index) = columns_of(props, &[]);
    check_cells(features.len(), headers.len())?;
    let mut rows = Vec::with_capacity(features.len());
    for (i, feature) in features.iter().enumerate() {
        let mut cells = vec![String::new(); headers.len()];
        if let Some(p) = feature.get("properties").and_then(Value::as_object) {
            for (k, v) in p {
                if let Some(&c) = index.get(k) {
                    cells[c] = json_text(v);
                }
            }
        }
        let (point, geometry_problem) = geojson_point(feature.get("geometry"));
        rows.push(SourceRow {
            number: i + 1,
            cells: cells.into(),
            point,
            geometry_problem,
        });
    }
    Ok(SourceTable {
        format: SourceFormat::GeoJson,
        headers,
        rows,
        notes,
    })
}

/// A feature's Point as (longitude, latitude), or why there is none.
fn geojson_point(geometry: Option<&Value>) -> (Option<(f64, f64)>, Option<String>) {
    let Some(g) = geometry.filter(|g| !g.is_null()) else {
        return (None, Some("the feature has no geometry".into()));
    };
    match g.get("type").and_then(Value::as_str) {
        Some("Point") => {
            let c = g.get("coordinates").and_then(Value::as_array);
            match c.map(|c| {
                (
                    c.first().and_then(Value::as_f64),
                    c.get(1).and_then(Value::as_f64),
                )
            }) {
                Some((Some(x), Some(y))) => (Some((x, y)), None),
                _ => (None, Some("the Point has no two numbers".into())),
            }
        }
        Some(other) => (
            None,
            Some(format!("the geometry is a {other}, not a Point")),
        ),
        None => (None, Some("the geometry has no type".into())),
    }
}

/// Tags listed first (in this order) so the mapping guess takes the more specific one: `camera:direction`
/// before the older `direction`.
const OSM_FIRST: [&str; 7] = [
    "osm_id",
    "name",
    "operator",
    "camera:direction",
    "direction",
    "surveillance",
    "surveillance:type",
];

fn read_overpass(bytes: &[u8]) -> Result<SourceTable, ReadError> {
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    check_json_values(body)?;
    let value: Value = serde_json::from_slice(body).map_err(|e| ReadError::Json(e.to_string()))?;
    let elements = match &value {
        Value::Array(a) => a,
        Value::Object(o) => o
            .get("elements")
            .and_then(Value::as_array)
            .ok_or_else(|| ReadError::NotOverpass("it has no \"elements\" list".into()))?,
        _ => {
            return Err(ReadError::NotOverpass(
                "it is neither a list nor an object".into(),
            ));
        }
    };
    let tags = elements
        .iter()
        .map(|e| e.get("tags").and_then(Value::as_object));
    let (headers, index) = columns_of(tags, &OSM_FIRST);
    check_cells(elements.len(), headers.len())?;
    let mut rows = Vec::with_capacity(elements.len());
    let mut skipped = 0usize;
    for (i, element) in elements.iter().enumerate() {
        let kind = element.get("type").and_then(Value::as_str).unwrap_or("");
        let lat = element.get("lat").and_then(Value::as_f64);
        let lon = element.get("lon").and_then(Value::as_f64);
        // Ways and relations (a camera drawn as a building outline) have no single point without "out center".
        let point = match (lat, lon) {
            (Some(lat), Some(lon)) => Some((lon, lat)),
            _ => element
                .get("center")
                .and_then(|c| Some((c.get("lon")?.as_f64()?, c.get("lat")?.as_f64()?))),
        };
        if kind != "node" && point.is_none() {
            skipped += 1;
            continue;
        }
        let mut cells = vec![String::new(); headers.len()];
        if let Some(id) = element.get("id") {
            // "node/123": OpenStreetMap's own way of naming an element, unique across lists.
            let kind = if kind.is_empty() { "node" } else { kind };
            cells[0] = format!("{kind}/{}", json_text(id));
        }
        if let Some(t) = element.get("tags").and_then(Value::as_object) {
            for (k, v) in t {
                if let Some(&c) = index.get(k) {
                    cells[c] = json_text(v);
                }
            }
            // Older mappers put a camera's facing in plain `direction`: read it where `camera:direction` is missing.
            if !t.contains_key("camera:direction")
                && let Some(d) = t.get("direction")
                && let Some(&c) = index.get("camera:direction")
            {
                cells[c] = json_text(d);
            }
        }
        rows.push(SourceRow {
            number: i + 1,
            cells: cells.into(),
            point,
            geometry_problem: point.is_none().then(|| "the node has no lat/lon".into()),
        });
    }
    let mut notes = Vec::new();
    if skipped > 0 {
        notes.push(format!(
            "{skipped} ways or relations without a point skipped (ask Overpass for \"out center\")"
        ));
    }
    Ok(SourceTable {
        format: SourceFormat::Overpass,
        headers,
        rows,
        notes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(text: &[u8]) -> SourceTable {
        read(text, SourceFormat::Csv, None).unwrap()
    }

    #[test]
    fn csv_delimiters_quotes_and_line_ends() {
        let t = csv(b"id,location,lon,lat\r\n1,\"Road A, North\",-2.3,53.4\r\n2,\"Two\nlines\",-2.4,53.5\r\n");
        assert_eq!(t.headers, ["id", "location", "lon", "lat"]);
        assert_eq!(t.rows.len(), 2);
        assert_eq!(&t.rows[0].cells[1], "Road A, North");
        assert_eq!(&t.rows[1].cells[1], "Two\nlines");
        // The header is row 1, as in a spreadsheet.
        assert_eq!(t.rows[0].number, 2);
        let t = csv("\u{feff}naam;अक्षांश;देशांतर\nहोटल;25,44;78,56\n".as_bytes());
        assert_eq!(t.headers, ["naam", "अक्षांश", "देशांतर"]);
        assert_eq!(t.rows[0].cells, ["होटल", "25,44", "78,56"]);
        let t = csv(b"a\tb\tc\n1\t2\t3\n");
        assert_eq!(t.rows[0].cells, ["1", "2", "3"]);
        // A short row gets empty cells; a long one gets a header.
        let t = csv(b"a,b\n1\n1,2,3\n");
        assert_eq!(t.headers, ["a", "b", "column 3"]);
        assert_eq!(t.rows[0].cells, ["1", "", ""]);
    }

    #[test]
    fn csv_in_utf16_as_excel_writes_it() {
        let text = "name\tlat\nहोटल\t25.4\n";
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let t = csv(&le);
        assert_eq!(t.rows[0].cells, ["होटल", "25.4"]);
        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(csv(&be).rows[0].cells, ["होटल", "25.4"]);
        let bare: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        assert_eq!(csv(&bare).rows[0].cells, ["होटल", "25.4"]);
        assert_eq!(
            read(b"a,b\n\xff\xfe\xfd,1\n", SourceFormat::Csv, None),
            Err(ReadError::Encoding { offset: 4 })
        );
        assert_eq!(
            read(b"  \n", SourceFormat::Csv, None),
            Err(ReadError::Empty)
        );
        assert_eq!(
            read(b"a,b\n", SourceFormat::Csv, None),
            Err(ReadError::NoRows)
        );
    }

    #[test]
    fn geojson_and_overpass() {
        let g = br#"{"type":"FeatureCollection","features":[
            {"type":"Feature","properties":{"camera_id":1001.0,"location":"A"},"geometry":{"type":"Point","coordinates":[-2.28,53.46]}},
            {"type":"Feature","properties":{"camera_id":1002.0,"extra":null},"geometry":{"type":"LineString","coordinates":[[0,0],[1,1]]}}]}"#;
        let t = read(g, SourceFormat::GeoJson, None).unwrap();
        assert_eq!(t.headers, ["camera_id", "location", "extra"]);
        assert_eq!(t.rows[0].cells, ["1001", "A", ""]);
        assert_eq!(t.rows[0].point, Some((-2.28, 53.46)));
        assert!(
            t.rows[1]
                .geometry_problem
                .as_deref()
                .unwrap()
                .contains("LineString")
        );
        assert!(matches!(
            read(br#"{"type":"Feature"}"#, SourceFormat::GeoJson, None),
            Err(ReadError::NotFeatureCollection(_))
        ));
        let o = br#"[{"type":"node","id":5,"lat":47.2,"lon":8.8,"tags":{"direction":"90","camera:direction":"N","operator":"SBB"}},
            {"type":"way","id":6,"tags":{}}]"#;
        let t = read(o, SourceFormat::Overpass, None).unwrap();
        assert_eq!(
            &t.headers[..4],
            ["osm_id", "name", "operator", "camera:direction"]
        );
        assert_eq!(t.rows.len(), 1);
        assert_eq!(&t.rows[0].cells[0], "node/5");
        assert_eq!(&t.rows[0].cells[3], "N");
        assert_eq!(t.rows[0].point, Some((8.8, 47.2)));
        assert_eq!(t.notes.len(), 1);
        let t = read(
            br#"{"elements":[{"type":"node","id":1,"lat":1.5,"lon":2.5}]}"#,
            SourceFormat::Overpass,
            None,
        )
        .unwrap();
        assert_eq!(t.rows[0].point, Some((2.5, 1.5)));
    }

    #[test]
    fn excel_dates_read_as_dates() {
        assert_eq!(excel_date_text(46_351.0), "2026-11-25");
        assert_eq!(excel_date_text(46_351.5), "2026-11-25 12:00");
        assert_eq!(number_text(1001.0), "1001");
        assert_eq!(number_text(25.5), "25.5");
    }

    #[test]
    fn formats_are_sniffed_from_content_then_name() {
        let p = Path::new("x.csv");
        assert_eq!(
            SourceFormat::sniff(p, b"PK\x03\x04...."),
            SourceFormat::Spreadsheet
        );
        assert_eq!(
            SourceFormat::sniff(p, br#"{"type":"FeatureCollection"}"#),
            SourceFormat::GeoJson
        );
        assert_eq!(
            SourceFormat::sniff(p, br#"{"version":0.6,"elements":[]}"#),
            SourceFormat::Overpass
        );
        assert_eq!(
            SourceFormat::sniff(p, br#"[ {"type": "node", "id": 1}]"#),
            SourceFormat::Overpass
        );
        assert_eq!(SourceFormat::sniff(p, b"a,b\n1,2"), SourceFormat::Csv);
        assert_eq!(
            SourceFormat::sniff(Path::new("x.ods"), b"junk"),
            SourceFormat::Spreadsheet
        );
    }

    #[test]
    fn spreadsheets_read_through_calamine() {
        // A real XLSX written by rust_xlsxwriter: header on row 3, a Hindi name, a float id.
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("cams.xlsx");
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.set_name("Cameras").unwrap();
        sheet.write_string(2, 0, "camera_id").unwrap();
        sheet.write_string(2, 1, "नाम").unwrap();
        sheet.write_number(3, 0, 1001.0).unwrap();
        sheet.write_string(3, 1, "होटल गेट").unwrap();
        book.save(&path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let t = read(&bytes, SourceFormat::Spreadsheet, None).unwrap();
        assert_eq!(t.headers, ["camera_id", "नाम"]);
        assert_eq!(t.rows[0].cells, ["1001", "होटल गेट"]);
        assert_eq!(t.rows[0].number, 4);
        assert_eq!(
            read(&bytes, SourceFormat::Spreadsheet, Some("Other")),
            Err(ReadError::NoSuchSheet("Other".into()))
        );
        assert!(matches!(
            read(b"PK\x03\x04 broken", SourceFormat::Spreadsheet, None),
            Err(ReadError::Spreadsheet(_))
        ));
    }

    /// An XLSX of two cells, written by rust_xlsxwriter.
    fn two_cell_xlsx(last: (u32, u16)) -> Vec<u8> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let sheet = book.add_worksheet();
        sheet.write_string(0, 0, "name").unwrap();
        sheet.write_string(last.0, last.1, "far away").unwrap();
        book.save_to_buffer().unwrap()
    }

    #[test]
    fn a_sheet_spanning_billions_of_cells_is_refused_not_allocated() {
        // Two cells, A1 and XFD1048576: a few KB on disk, a 17-billion-cell block for calamine.
        let bytes = two_cell_xlsx((1_048_575, 16_383));
        assert!(bytes.len() < 20_000, "{}", bytes.len());
        match read(&bytes, SourceFormat::Spreadsheet, None) {
            Err(ReadError::TooManyCells { cells, limit }) => {
                assert_eq!(cells, 1_048_576 * 16_384);
                assert_eq!(limit, MAX_CELLS);
            }
            other => panic!("{other:?}"),
        }
        // A sheet of ordinary size reads.
        let t = read(&two_cell_xlsx((3, 2)), SourceFormat::Spreadsheet, None).unwrap();
        assert_eq!(t.rows.len(), 1);
    }

    #[test]
    fn a_zip_bomb_is_refused_by_its_unpacked_size() {
        use std::io::{Read as _, Write as _};
        // An XLSX whose sheet carries 300 MB of blank space: it packs to well under a megabyte.
        let small = two_cell_xlsx((1, 0));
        let mut source = zip::ZipArchive::new(Cursor::new(&small)).unwrap();
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        for i in 0..source.len() {
            let mut entry = source.by_index(i).unwrap();
            let name = entry.name().to_string();
            let mut body = Vec::new();
            entry.read_to_end(&mut body).unwrap();
            out.start_file(name.as_str(), deflated).unwrap();
            if name == "xl/worksheets/sheet1.xml" {
                let blanks = vec![b' '; 1024 * 1024];
                let split = body.iter().position(|b| *b == b'>').unwrap() + 1;
                out.write_all(&body[..split]).unwrap();
                for _ in 0..300 {
                    out.write_all(&blanks).unwrap();
                }
                out.write_all(&body[split..]).unwrap();
            } else {
                out.write_all(&body).unwrap();
            }
        }
        let bomb = out.finish().unwrap().into_inner();
        assert!(bomb.len() < 2 * 1024 * 1024, "{}", bomb.len());
        let err = read(&bomb, SourceFormat::Spreadsheet, None).unwrap_err();
        assert!(matches!(err, ReadError::TooLargeUnpacked { .. }), "{err}");
        assert!(err.to_string().contains("256 MB"), "{err}");
    }

    /// An ODS of one table whose rows are `rows_xml`, made here (mimetype, manifest, content.xml).
    fn ods_with_rows(rows_xml: &str) -> Vec<u8> {
        use std::io::Write as _;
        let content = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="Cameras">{rows_xml}</table:table></office:spreadsheet></office:body></office:document-content>"#
        );
        let manifest = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        out.start_file("mimetype", stored).unwrap();
        out.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
            .unwrap();
        out.start_file("META-INF/manifest.xml", deflated).unwrap();
        out.write_all(manifest.as_bytes()).unwrap();
        out.start_file("content.xml", deflated).unwrap();
        out.write_all(content.as_bytes()).unwrap();
        out.finish().unwrap().into_inner()
    }

    const ODS_HEADER_ROW: &str = r#"<table:table-row><table:table-cell office:value-type="string"><text:p>name</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>ip</text:p></table:table-cell></table:table-row>"#;

    #[test]
    fn an_ods_whose_repeated_rows_and_columns_span_billions_of_cells_is_refused_not_allocated() {
        // One filled cell, repeated over 16,384 columns of a row repeated 1,048,576 times: under 1 KB
        // packed, 17 billion cells once calamine copies the repeats out.
        let bomb = ods_with_rows(&format!(
            r#"{ODS_HEADER_ROW}<table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384" office:value-type="float" office:value="1"/></table:table-row>"#
        ));
        assert!(bomb.len() < 2_000, "{}", bomb.len());
        match read(&bomb, SourceFormat::Spreadsheet, None) {
            Err(ReadError::TooManyCells { cells, limit }) => {
                assert!(cells >= 1_048_576 * 16_384, "{cells}");
                assert_eq!(limit, MAX_CELLS);
            }
            other => panic!("{other:?}"),
        }
        // The repeat hidden behind a comment that closes the row early is still counted.
        let hidden = ods_with_rows(&format!(
            r#"{ODS_HEADER_ROW}<table:table-row table:number-rows-repeated="1048576"><!-- </table:table-row> --><table:table-cell table:number-columns-repeated = "16384" office:value="1" office:value-type="float"/></table:table-row>"#
        ));
        assert!(matches!(
            read(&hidden, SourceFormat::Spreadsheet, None),
            Err(ReadError::TooManyCells { .. })
        ));
        // Columns repeated within one row (calamine copies them even when the row is not repeated).
        let wide = ods_with_rows(&format!(
            r#"{ODS_HEADER_ROW}<table:table-row><table:table-cell table:number-columns-repeated="4000000000" office:value-type="float" office:value="1"/></table:table-row>"#
        ));
        assert!(matches!(
            read(&wide, SourceFormat::Spreadsheet, None),
            Err(ReadError::TooManyCells { .. })
        ));
    }

    #[test]
    fn an_ods_as_libreoffice_writes_it_with_a_million_trailing_blank_rows_reads() {
        // LibreOffice closes each row with its blank columns and each table with its blank rows, repeated
        // to the sheet's edge; calamine drops them, so they are not counted against the limit.
        let ods = ods_with_rows(&format!(
            r#"{ODS_HEADER_ROW}<table:table-row><table:table-cell office:value-type="string"><text:p>Gate 1</text:p></table:table-cell><table:table-cell office:value-type="string"><text:p>127.0.0.7</text:p></table:table-cell><table:table-cell table:number-columns-repeated="16382"/></table:table-row><table:table-row table:number-rows-repeated="1048574"><table:table-cell table:number-columns-repeated="16384"/></table:table-row>"#
        ));
        let t = read(&ods, SourceFormat::Spreadsheet, None).unwrap();
        assert_eq!(t.headers, ["name", "ip"]);
        assert_eq!(t.rows.len(), 1);
        assert_eq!(t.rows[0].cells, ["Gate 1", "127.0.0.7"]);
    }

    /// A ZIP of the given parts, stored (no compression), as a hostile file is made by hand.
    fn zip_of(parts: &[(&str, &[u8])]) -> Vec<u8> {
        use std::io::Write as _;
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let stored = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored);
        for (name, body) in parts {
            out.start_file(*name, stored).unwrap();
            out.write_all(body).unwrap();
        }
        out.finish().unwrap().into_inner()
    }

    /// One BIFF12 record (MS-XLSB 2.1.4): its type and length as 7-bit groups, then its body.
    fn xlsb_record(kind: u16, body: &[u8]) -> Vec<u8> {
        let mut out = if kind < 0x80 {
            vec![kind as u8]
        } else {
            vec![(kind & 0x7F) as u8 | 0x80, (kind >> 7) as u8]
        };
        let mut len = body.len();
        loop {
            let byte = (len & 0x7F) as u8;
            len >>= 7;
            if len == 0 {
                out.push(byte);
                break;
            }
            out.push(byte | 0x80);
        }
        out.extend_from_slice(body);
        out
    }

    fn wide(text: &str) -> Vec<u8> {
        let mut out = (text.len() as u32).to_le_bytes().to_vec();
        out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        out
    }

    /// An XLSB of two number cells, A1 and XFD1048577: under a kilobyte, and a block of 17 billion cells
    /// (549,755,813,888 bytes) for calamine's XLSB reader, which aborted the process.
    fn hostile_xlsb() -> Vec<u8> {
        let mut bundle = 0u32.to_le_bytes().to_vec(); // visible
        bundle.extend(1u32.to_le_bytes()); // sheet id
        bundle.extend(wide("rId1"));
        bundle.extend(wide("Cameras"));
        let mut workbook = xlsb_record(0x009C, &bundle);
        workbook.extend(xlsb_record(0x0090, &[]));
        workbook.extend([0x9D, 0x01]);
        let cell = |col: u32| {
            let mut body = col.to_le_bytes().to_vec();
            body.extend([0; 4]);
            body.extend(1.0f64.to_le_bytes());
            xlsb_record(0x0005, &body)
        };
        let mut sheet = xlsb_record(0x0094, &[0; 16]);
        sheet.extend(xlsb_record(0x0091, &[]));
        sheet.extend(xlsb_record(0x0000, &0u32.to_le_bytes()));
        sheet.extend(cell(0));
        sheet.extend(xlsb_record(0x0000, &0x0010_0000u32.to_le_bytes()));
        sheet.extend(cell(16_383));
        sheet.extend(xlsb_record(0x0092, &[]));
        let rels = br#"<Relationships><Relationship Id="rId1" Target="worksheets/sheet1.bin"/></Relationships>"#;
        zip_of(&[
            ("xl/workbook.bin", &workbook),
            ("xl/_rels/workbook.bin.rels", rels),
            ("xl/worksheets/sheet1.bin", &sheet),
        ])
    }

    /// The 512-byte header of an OLE compound file (an XLS) that declares 4,294,967,295 FAT sectors: calamine's
    /// XLS reader reserved room for them (16 GB) and aborted the process.
    fn hostile_xls() -> Vec<u8> {
        let mut header = vec![0xFFu8; 512];
        header[..8].copy_from_slice(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]);
        header[8..24].fill(0);
        header[24..34].copy_from_slice(&[0x3E, 0, 3, 0, 0xFE, 0xFF, 9, 0, 6, 0]);
        header[34..44].fill(0);
        header[48..52].copy_from_slice(&0u32.to_le_bytes()); // directory start
        header[56..60].copy_from_slice(&4096u32.to_le_bytes());
        header[60..64].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes()); // no mini FAT
        header[64..68].copy_from_slice(&0u32.to_le_bytes());
        header[68..72].copy_from_slice(&0xFFFF_FFFEu32.to_le_bytes()); // no DIFAT sectors
        header[72..76].copy_from_slice(&0u32.to_le_bytes());
        header
    }

    #[test]
    fn binary_excel_is_refused_by_name_before_its_reader_sees_it() {
        let xlsb = hostile_xlsb();
        assert!(xlsb.len() < 1_000, "{}", xlsb.len());
        let xls = hostile_xls();
        for (bytes, kind, name) in [(xlsb, "XLSB", "x.xlsb"), (xls, "XLS", "x.xls")] {
            assert_eq!(
                SourceFormat::sniff(Path::new(name), &bytes),
                SourceFormat::Spreadsheet
            );
            let err = read(&bytes, SourceFormat::Spreadsheet, None).unwrap_err();
            assert_eq!(err, ReadError::BinaryExcel { kind }, "{err}");
            assert!(err.to_string().contains("save it as XLSX"), "{err}");
        }
    }

    #[test]
    fn a_sheet_named_in_other_letters_is_checked_too() {
        use std::io::{Read as _, Write as _};
        // calamine finds a part by name whatever its letters' case: XL/WORKSHEETS/SHEET1.XML is the sheet.
        let small = two_cell_xlsx((1_048_575, 16_383));
        let mut source = zip::ZipArchive::new(Cursor::new(&small)).unwrap();
        let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let deflated = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for i in 0..source.len() {
            let mut entry = source.by_index(i).unwrap();
            let mut name = entry.name().to_string();
            if name == "xl/worksheets/sheet1.xml" {
                name = name.to_uppercase();
            }
            let mut body = Vec::new();
            entry.read_to_end(&mut body).unwrap();
            out.start_file(name.as_str(), deflated).unwrap();
            out.write_all(&body).unwrap();
        }
        let renamed = out.finish().unwrap().into_inner();
        match read(&renamed, SourceFormat::Spreadsheet, None) {
            Err(ReadError::TooManyCells { cells, .. }) => assert_eq!(cells, 1_048_576 * 16_384),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn geojson_and_csv_that_widen_into_too_many_cells_are_refused() {
        // 4,000 features, each with a property name of its own: 4,000 columns × 4,000 rows.
        let features: Vec<String> = (0..4_000)
            .map(|i| {
                format!(
                    r#"{{"type":"Feature","properties":{{"p{i}":1}},"geometry":{{"type":"Point","coordinates":[78.5,25.4]}}}}"#
                )
            })
            .collect();
        let json = format!(
            r#"{{"type":"FeatureCollection","features":[{}]}}"#,
            features.join(",")
        );
        assert!(matches!(
            read(json.as_bytes(), SourceFormat::GeoJson, None),
            Err(ReadError::TooManyCells { .. })
        ));
        // A CSV row of 20,000 columns under 600 short rows: every row would be widened to it. It is refused
        // by its width, before the parser holds it.
        let mut text = String::from("name,lat,lon\n");
        text.push_str(&",".repeat(20_000));
        text.push_str("x\n");
        for _ in 0..600 {
            text.push_str("Gate,25.4,78.5\n");
        }
        assert_eq!(
            read(text.as_bytes(), SourceFormat::Csv, None),
            Err(ReadError::TooManyColumns {
                row: 2,
                limit: MAX_COLUMNS
            })
        );
    }

    #[test]
    fn csv_widths_are_counted_as_the_parser_splits_fields() {
        let widest = |text: &str| {
            (1..99)
                .find(|&limit| check_csv_widths_with(text.as_bytes(), b',', limit).is_ok())
                .unwrap_or(99)
        };
        // Quoted commas and line breaks are not fields; a quote inside a field is a plain character.
        assert_eq!(widest("a,\"b,c\nd\",e\n"), 3);
        assert_eq!(widest("a,\"\"\"x,y\"\"\",e\r\n\r\n1,2\n"), 3);
        assert_eq!(widest("a,b\"c,d\n"), 3);
        assert_eq!(widest("\n\n,,,\n"), 4);
        // A row that runs past a quote left open counts to the end of the file, as the parser reads it.
        assert_eq!(widest("a,\"b,c,d\n"), 2);
    }

    #[test]
    fn json_holding_more_values_than_the_parser_is_given_is_refused_unparsed() {
        // 10 million and one numbers: 20 MB of text, 320 MB or more once parsed.
        let mut text = String::with_capacity(21_000_000);
        text.push('[');
        text.push_str(&"0,".repeat(MAX_JSON_VALUES as usize));
        text.push_str("0]");
        for format in [SourceFormat::Overpass, SourceFormat::GeoJson] {
            assert_eq!(
                read(text.as_bytes(), format, None),
                Err(ReadError::TooManyJsonValues {
                    values: MAX_JSON_VALUES + 2,
                    limit: MAX_JSON_VALUES
                }),
                "{format:?}"
            );
        }
    }
}

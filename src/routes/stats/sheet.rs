//! One figure's numbers with their words in the reader's language: drawn as a chart with a
//! table beneath, and downloaded as CSV or JSON with the same numbers.

use serde_json::{Map, Value as Json, json};

use crate::domain::csv_cell;
use crate::web::chart::{Download, Figure, Format, Series, Shape, Value};

pub struct Sheet {
    /// The figure's slug, also its download's name: `filed-by-month`.
    pub id: &'static str,
    pub title: String,
    pub description: String,
    pub category_label: String,
    pub value_label: String,
    /// (code, name): the code is what a download's reader keys on, the name what people read.
    pub categories: Vec<(String, String)>,
    pub series: Vec<(String, String, Vec<Value>)>,
    pub shape: Shape,
    pub format: Format,
}

impl Sheet {
    pub fn figure(
        &self,
        lang: crate::domain::Lang,
        href: impl Fn(&str) -> String,
        note: Option<String>,
    ) -> Figure {
        Figure {
            id: self.id.to_owned(),
            lang,
            title: self.title.clone(),
            description: self.description.clone(),
            category_label: self.category_label.clone(),
            value_label: self.value_label.clone(),
            categories: self.categories.iter().map(|(_, name)| name.clone()).collect(),
            series: self
                .series
                .iter()
                .map(|(_, name, values)| Series {
                    name: name.clone(),
                    values: values.clone(),
                })
                .collect(),
            shape: self.shape,
            format: self.format,
            downloads: ["csv", "json"]
                .iter()
                .map(|ext| Download {
                    label: ext.to_uppercase(),
                    href: href(&format!("{}.{ext}", self.id)),
                })
                .collect(),
            note,
        }
    }

    /// A spreadsheet: the category's code and name, then a column per series; "<5" where a
    /// number is suppressed, empty where there is none. UTF-8 with a byte-order mark, so
    /// spreadsheet programs read Hangul.
    pub fn csv(&self) -> String {
        let mut out = String::from("\u{feff}");
        let mut line = |cells: Vec<String>| {
            let cells: Vec<String> = cells.iter().map(|c| quoted(&csv_cell(c))).collect();
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        };
        let mut head = vec!["code".to_owned(), self.category_label.clone()];
        head.extend(self.series.iter().map(|(_, name, _)| name.clone()));
        line(head);
        for (i, (code, name)) in self.categories.iter().enumerate() {
            let mut row = vec![code.clone(), name.clone()];
            for (_, _, values) in &self.series {
                row.push(match values.get(i) {
                    Some(Value::Number(n)) => plain(*n),
                    Some(Value::Suppressed) => "<5".to_owned(),
                    _ => String::new(),
                });
            }
            line(row);
        }
        out
    }

    /// The same as JSON: `rows` keyed by series code, suppressed numbers as the string "<5"
    /// and missing ones as null; `columns` describes every key.
    pub fn json(&self, about: Map<String, Json>) -> Json {
        let rows: Vec<Json> = self
            .categories
            .iter()
            .enumerate()
            .map(|(i, (code, name))| {
                let mut row = Map::new();
                row.insert("code".into(), json!(code));
                row.insert("name".into(), json!(name));
                for (key, _, values) in &self.series {
                    let v = match values.get(i) {
                        Some(Value::Number(n)) if n.fract() == 0.0 => json!(*n as i64),
                        Some(Value::Number(n)) => json!(n),
                        Some(Value::Suppressed) => json!("<5"),
                        _ => Json::Null,
                    };
                    row.insert(key.clone(), v);
                }
                Json::Object(row)
            })
            .collect();
        let mut columns = vec![
            json!({"key": "code", "description": format!("{} (code)", self.category_label)}),
            json!({"key": "name", "description": self.category_label}),
        ];
        columns.extend(
            self.series
                .iter()
                .map(|(key, name, _)| json!({"key": key, "description": format!("{name} · {}", self.value_label), "unit": unit(self.format)})),
        );
        let mut doc = about;
        doc.insert("figure".into(), json!(self.id));
        doc.insert("title".into(), json!(self.title));
        doc.insert("columns".into(), Json::Array(columns));
        doc.insert("rows".into(), Json::Array(rows));
        Json::Object(doc)
    }
}

fn unit(format: Format) -> &'static str {
    match format {
        Format::Count => "cases",
        Format::Percent => "fraction",
        Format::Days => "days",
        Format::Won => "KRW",
    }
}

fn plain(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{}", n as i64)
    } else {
        format!("{n:.4}")
    }
}

fn quoted(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_owned()
    }
}

/// A whole number of cases, days or won.
pub fn n(v: i64) -> Value {
    Value::Number(v as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sheet() -> Sheet {
        Sheet {
            id: "outcomes",
            title: "Outcomes".into(),
            description: String::new(),
            category_label: "Outcome".into(),
            value_label: "Cases".into(),
            categories: vec![
                ("settled".into(), "Settled, \"fully\"".into()),
                ("withdrawn".into(), "=Withdrawn".into()),
            ],
            series: vec![(
                "mediation".into(),
                "Mediation".into(),
                vec![n(12), Value::Suppressed],
            )],
            shape: Shape::HorizontalBars,
            format: Format::Count,
        }
    }

    #[test]
    fn a_sheet_downloads_as_csv_with_suppressed_cells_and_safe_text() {
        let csv = sheet().csv();
        assert_eq!(
            csv,
            "\u{feff}code,Outcome,Mediation\r\nsettled,\"Settled, \"\"fully\"\"\",12\r\nwithdrawn,'=Withdrawn,<5\r\n"
        );
    }

    #[test]
    fn a_sheet_downloads_as_json_with_its_columns_described() {
        let doc = sheet().json(Map::new());
        assert_eq!(doc["rows"][0]["mediation"], json!(12));
        assert_eq!(doc["rows"][1]["mediation"], json!("<5"));
        assert_eq!(doc["columns"][2]["key"], json!("mediation"));
        assert_eq!(doc["columns"][2]["unit"], json!("cases"));
    }
}

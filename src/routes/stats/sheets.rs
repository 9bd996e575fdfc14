//! The figures of `/stats` and `/statistics` as sheets: every count table is built once, the
//! public page hides its small cells consistently across all of them, and both pages then
//! write the same sheets.

use crate::domain::stats::cell::ClaimBand;
use crate::domain::stats::fields::{Industries, SECTIONS};
use crate::domain::stats::figures::{Figures, OUTCOMES, SIZES, open_states, share};
use crate::domain::stats::suppress::{self, Published, Table};
use crate::domain::{Kind, PartySize, Track};
use crate::models::stats::MostCited;
use crate::web::chart::{Format, Shape, Value};
use crate::web::page::PageCtx;

use super::sheet::{Sheet, n};

/// Cells counting fewer cases than this are not published.
pub const THRESHOLD: u64 = 5;

/// One count table and how it is shown.
struct Spec {
    id: &'static str,
    title: &'static str,
    value_label: &'static str,
    shape: Shape,
    /// Whether the table's rows are the chart's categories (months) or its series.
    rows_are_categories: bool,
    row_names: Vec<String>,
    col_names: Vec<String>,
    table: Table,
}

/// The key figures above the charts.
pub struct Summary {
    pub items: Vec<KeyItem>,
}

/// One key figure: its name's message key, the number as people read it, and as downloaded
/// (a fraction for a rate, won for an amount).
pub struct KeyItem {
    pub key: &'static str,
    pub text: String,
    pub value: Value,
}

fn table(
    measure: &str,
    row_dim: Option<&str>,
    col_dim: &str,
    rows: Vec<String>,
    cols: Vec<String>,
    counts: Vec<Vec<i64>>,
) -> Table {
    Table {
        measure: measure.to_owned(),
        row_dim: row_dim.map(str::to_owned),
        col_dim: col_dim.to_owned(),
        rows,
        cols,
        counts: counts
            .into_iter()
            .map(|r| r.into_iter().map(|v| v.max(0) as u64).collect())
            .collect(),
    }
}

fn one_row(measure: &str, dim: &str, cols: Vec<String>, counts: Vec<i64>) -> Table {
    table(measure, None, dim, vec![String::new()], cols, vec![counts])
}

fn section_name(ctx: &PageCtx, s: &str) -> String {
    if s.is_empty() {
        ctx.t("stats-no-field")
    } else {
        format!("{s} · {}", ctx.t(&format!("ipc-section-{s}")))
    }
}

fn specs(f: &Figures, industries: &Industries, ctx: &PageCtx) -> Vec<Spec> {
    let months: Vec<String> = f.filed_by_month.iter().map(|(m, _)| m.to_string()).collect();
    let kinds: Vec<String> = Kind::ALL.iter().map(|k| k.as_str().to_owned()).collect();
    let kind_names: Vec<String> = Kind::ALL.iter().map(|k| ctx.t(k.label_key())).collect();
    let states: Vec<String> = open_states().map(|s| s.as_str().to_owned()).collect();
    let state_names: Vec<String> = open_states().map(|s| ctx.t(s.label_key())).collect();
    let tracks: Vec<String> = Track::ALL.iter().map(|t| t.as_str().to_owned()).collect();
    let track_names: Vec<String> = Track::ALL.iter().map(|t| ctx.t(t.label_key())).collect();
    let outcomes: Vec<String> = OUTCOMES.iter().map(|o| o.as_str().to_owned()).collect();
    let outcome_names: Vec<String> = OUTCOMES.iter().map(|o| ctx.t(o.label_key())).collect();
    let mut sections: Vec<String> = SECTIONS.iter().map(|s| s.to_string()).collect();
    sections.push(String::new());
    let section_names: Vec<String> = sections.iter().map(|s| section_name(ctx, s)).collect();
    let sections: Vec<String> = sections
        .into_iter()
        .map(|s| if s.is_empty() { "none".into() } else { s })
        .collect();
    let mut section_counts = f.sections.clone();
    section_counts.push(f.no_field);
    let mut industry_keys: Vec<String> = industries.all().iter().map(|i| i.key.clone()).collect();
    industry_keys.push("other".into());
    let mut industry_names: Vec<String> = industries
        .all()
        .iter()
        .map(|i| i.name(ctx.lang).to_owned())
        .collect();
    industry_names.push(ctx.t("stats-other-fields"));
    let mut industry_counts = f.industries.clone();
    industry_counts.push(f.other_industry);
    let sizes: Vec<String> = SIZES
        .iter()
        .map(|s| s.map_or("none", PartySize::as_str).to_owned())
        .collect();
    let size_names: Vec<String> = SIZES
        .iter()
        .map(|s| s.map_or_else(|| ctx.t("stats-not-given"), |s| ctx.t(s.label_key())))
        .collect();
    let mut bands: Vec<String> = ClaimBand::ALL.iter().map(|b| b.as_str().to_owned()).collect();
    bands.insert(0, "none".into());
    let mut band_names: Vec<String> = ClaimBand::ALL.iter().map(|b| ctx.t(b.label_key())).collect();
    band_names.insert(0, ctx.t("claim-band-none"));
    let mut band_counts = f.claims.clone();
    band_counts.insert(0, f.filed() - f.claims.iter().sum::<i64>());
    let where_keys: Vec<String> = ["domestic", "foreign", "unknown"].map(str::to_owned).to_vec();
    let where_names: Vec<String> = ["stats-domestic", "stats-foreign", "stats-not-given"]
        .map(|k| ctx.t(k))
        .to_vec();
    // Mediation-track closures by whether a session was held and the respondent came; the
    // investigation track holds none.
    let sessions_keys: Vec<String> = ["no_session", "absent", "appeared"].map(str::to_owned).to_vec();
    let sessions_names: Vec<String> = [
        "stats-no-session",
        "stats-respondent-absent",
        "stats-respondent-appeared",
    ]
    .map(|k| ctx.t(k))
    .to_vec();
    let closed_by_track: Vec<i64> = f.outcomes_by_track.iter().map(|t| t.iter().sum()).collect();
    let session_counts: Vec<Vec<i64>> = Track::ALL
        .iter()
        .zip(&closed_by_track)
        .map(|(t, closed)| match t {
            Track::Mediation => vec![closed - f.with_sessions, f.with_sessions - f.appeared, f.appeared],
            Track::Investigation => vec![*closed, 0, 0],
        })
        .collect();
    let bars = Shape::HorizontalBars;
    vec![
        Spec {
            id: "filed-by-month",
            title: "stats-filed-by-month",
            value_label: "stats-cases",
            shape: Shape::StackedBars,
            rows_are_categories: true,
            row_names: months.clone(),
            col_names: kind_names,
            table: table(
                "filed",
                Some("month"),
                "kind",
                months.clone(),
                kinds,
                f.filed_by_month.iter().map(|(_, k)| k.clone()).collect(),
            ),
        },
        Spec {
            id: "open-by-month",
            title: "stats-open-by-month",
            value_label: "stats-cases",
            shape: Shape::StackedBars,
            rows_are_categories: true,
            row_names: months.clone(),
            col_names: state_names,
            table: table(
                "open",
                Some("month"),
                "state",
                months,
                states,
                f.open_by_month.iter().map(|(_, s)| s.clone()).collect(),
            ),
        },
        Spec {
            id: "outcomes",
            title: "stats-outcomes",
            value_label: "stats-cases",
            shape: bars,
            rows_are_categories: false,
            row_names: track_names.clone(),
            col_names: outcome_names,
            table: table(
                "closed",
                Some("track"),
                "outcome",
                tracks.clone(),
                outcomes,
                f.outcomes_by_track.clone(),
            ),
        },
        Spec {
            id: "sessions",
            title: "stats-sessions",
            value_label: "stats-cases",
            shape: bars,
            rows_are_categories: false,
            row_names: track_names,
            col_names: sessions_names,
            table: table(
                "closed",
                Some("track"),
                "sessions",
                tracks,
                sessions_keys,
                session_counts,
            ),
        },
        Spec {
            id: "fields",
            title: "stats-fields",
            value_label: "stats-cases",
            shape: bars,
            rows_are_categories: false,
            row_names: vec![String::new()],
            col_names: section_names,
            table: one_row("filed", "section", sections, section_counts),
        },
        Spec {
            id: "industries",
            title: "stats-industries",
            value_label: "stats-cases",
            shape: bars,
            rows_are_categories: false,
            row_names: vec![String::new()],
            col_names: industry_names,
            table: one_row("filed", "industry", industry_keys, industry_counts),
        },
        Spec {
            id: "complainants",
            title: "stats-complainants",
            value_label: "stats-cases",
            shape: Shape::Bars,
            rows_are_categories: false,
            row_names: vec![String::new()],
            col_names: size_names,
            table: one_row("filed", "size", sizes, f.sizes.clone()),
        },
        Spec {
            id: "respondents",
            title: "stats-respondents",
            value_label: "stats-cases",
            shape: Shape::Bars,
            rows_are_categories: false,
            row_names: vec![String::new()],
            col_names: where_names,
            table: one_row(
                "filed",
                "respondent",
                where_keys,
                vec![f.domestic, f.foreign, f.country_unknown],
            ),
        },
        Spec {
            id: "claims",
            title: "stats-claims",
            value_label: "stats-cases",
            shape: bars,
            rows_are_categories: false,
            row_names: vec![String::new()],
            col_names: band_names,
            table: one_row("filed", "claim", bands, band_counts),
        },
    ]
}

/// Every count as it is, for the office.
fn unsuppressed(t: &Table) -> Published {
    let cols = t.cols.len();
    let col_totals = (0..cols)
        .map(|c| Some(t.counts.iter().map(|r| r[c]).sum()))
        .collect();
    Published {
        cells: t
            .counts
            .iter()
            .map(|r| r.iter().map(|v| Some(*v)).collect())
            .collect(),
        row_totals: t.counts.iter().map(|r| Some(r.iter().sum())).collect(),
        col_totals,
        total: Some(t.counts.iter().flatten().sum()),
    }
}

fn value(v: Option<u64>) -> Value {
    v.map_or(Value::Suppressed, |v| Value::Number(v as f64))
}

fn to_sheet(spec: &Spec, p: &Published, ctx: &PageCtx) -> Sheet {
    let t = &spec.table;
    let (categories, series) = if spec.rows_are_categories {
        let categories = t
            .rows
            .iter()
            .cloned()
            .zip(spec.row_names.iter().cloned())
            .collect();
        let series = t
            .cols
            .iter()
            .zip(&spec.col_names)
            .enumerate()
            .map(|(c, (code, name))| {
                (
                    code.clone(),
                    name.clone(),
                    p.cells.iter().map(|r| value(r[c])).collect(),
                )
            })
            .collect();
        (categories, series)
    } else {
        let categories = t
            .cols
            .iter()
            .cloned()
            .zip(spec.col_names.iter().cloned())
            .collect();
        let series = if t.row_dim.is_none() {
            vec![(
                "cases".to_owned(),
                ctx.t(spec.value_label),
                p.cells[0].iter().map(|v| value(*v)).collect(),
            )]
        } else {
            t.rows
                .iter()
                .zip(&spec.row_names)
                .enumerate()
                .map(|(r, (code, name))| {
                    (
                        code.clone(),
                        name.clone(),
                        p.cells[r].iter().map(|v| value(*v)).collect(),
                    )
                })
                .collect()
        };
        (categories, series)
    };
    let title = ctx.t(spec.title);
    Sheet {
        id: spec.id,
        description: ctx.t(&format!("{}-desc", spec.title)),
        title,
        category_label: ctx.t(&format!("{}-category", spec.title)),
        value_label: ctx.t(spec.value_label),
        categories,
        series,
        shape: spec.shape,
        format: Format::Count,
    }
}

/// What a page shows: the sheets, and the key figures.
pub struct Sheets {
    pub sheets: Vec<Sheet>,
    pub summary: Summary,
}

/// The figures for the office, every number as counted, with the rights cases cite.
pub fn staff(f: &Figures, cited: &MostCited, industries: &Industries, ctx: &PageCtx) -> Sheets {
    let specs = specs(f, industries, ctx);
    let mut sheets: Vec<Sheet> = specs
        .iter()
        .map(|s| to_sheet(s, &unsuppressed(&s.table), ctx))
        .collect();
    sheets.insert(3, durations(f, ctx, |_| true, 0));
    sheets.push(top_classes(f, ctx));
    sheets.push(Sheet {
        id: "cited-rights",
        title: ctx.t("stats-cited-rights"),
        description: ctx.t("stats-cited-rights-desc"),
        category_label: ctx.t("stats-cited-rights-category"),
        value_label: ctx.t("stats-cases"),
        categories: cited
            .0
            .iter()
            .map(|r| (r.docdb.clone(), format!("{} {}", r.display, r.title)))
            .collect(),
        series: vec![(
            "cases".into(),
            ctx.t("stats-cases"),
            cited.0.iter().map(|r| n(r.cases)).collect(),
        )],
        shape: Shape::HorizontalBars,
        format: Format::Count,
    });
    sheets.push(Sheet {
        id: "cited-classes",
        title: ctx.t("stats-cited-classes"),
        description: ctx.t("stats-cited-classes-desc"),
        category_label: ctx.t("stats-cited-classes-category"),
        value_label: ctx.t("stats-citations"),
        categories: cited.1.iter().map(|(c, _)| (c.clone(), c.clone())).collect(),
        series: vec![(
            "cases".into(),
            ctx.t("stats-citations"),
            cited.1.iter().map(|(_, k)| n(*k)).collect(),
        )],
        shape: Shape::HorizontalBars,
        format: Format::Count,
    });
    Sheets {
        summary: summary(f, ctx, &|_| true),
        sheets,
    }
}

/// The anonymised figures: every count under five hidden, and enough others with them that
/// none can be worked out from what is shown; figures derived from a hidden count are hidden.
pub fn public(
    f: &Figures,
    industries: &Industries,
    ctx: &PageCtx,
) -> Result<Sheets, suppress::SuppressError> {
    let specs = specs(f, industries, ctx);
    let tables: Vec<Table> = specs.iter().map(|s| s.table.clone()).collect();
    let published = suppress::suppress(&tables, THRESHOLD)?;
    let mut sheets: Vec<Sheet> = specs
        .iter()
        .zip(&published)
        .map(|(s, p)| to_sheet(s, p, ctx))
        .collect();
    // A track's closures, as published in the outcomes table.
    let closed_by_track = &published[2].row_totals;
    let shown = |t: Option<Track>| match t {
        Some(t) => Track::ALL
            .iter()
            .position(|x| *x == t)
            .is_some_and(|i| closed_by_track[i].is_some()),
        None => published[2].total.is_some(),
    };
    sheets.insert(3, durations(f, ctx, shown, THRESHOLD as i64));
    // Indexes into `specs`: outcomes 2, sessions 3, fields 4, complainants 6, respondents 7.
    let cells = |i: usize| &published[i];
    let mediation = Track::ALL
        .iter()
        .position(|t| *t == Track::Mediation)
        .unwrap_or(0);
    let shown_in_public = move |what: KeyFigure| -> bool {
        match what {
            KeyFigure::Filed => cells(4).total.is_some(),
            KeyFigure::Closed => cells(2).total.is_some(),
            KeyFigure::Settlement => (0..3).all(|o| cells(2).col_totals[o].is_some()),
            KeyFigure::Durations => cells(2).total.is_some() && f.durations_all.n >= THRESHOLD as i64,
            KeyFigure::Appearance => {
                cells(3).cells[mediation][1].is_some() && cells(3).cells[mediation][2].is_some()
            }
            KeyFigure::Sessions => cells(2).row_totals[mediation].is_some(),
            KeyFigure::Sme => cells(6).cells[0][1].is_some() && cells(6).total.is_some(),
            KeyFigure::Foreign => cells(7).cells[0].iter().take(2).all(Option::is_some),
            // A sum of amounts can give one large claim away; the bands are published instead.
            KeyFigure::Claims => false,
        }
    };
    Ok(Sheets {
        summary: summary(f, ctx, &shown_in_public),
        sheets,
    })
}

/// The key figures above the charts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyFigure {
    Filed,
    Closed,
    Settlement,
    Durations,
    Appearance,
    Sessions,
    Claims,
    Sme,
    Foreign,
}

/// Medians of fewer than `least` closures are not shown.
fn durations(f: &Figures, ctx: &PageCtx, shown: impl Fn(Option<Track>) -> bool, least: i64) -> Sheet {
    let mut rows: Vec<(String, String, Option<Track>, _)> = Track::ALL
        .iter()
        .zip(&f.durations)
        .map(|(t, d)| (t.as_str().to_owned(), ctx.t(t.label_key()), Some(*t), *d))
        .collect();
    rows.push(("all".into(), ctx.t("stats-all-tracks"), None, f.durations_all));
    let pick = |get: fn(&crate::domain::stats::figures::Durations) -> Option<i64>| -> Vec<Value> {
        rows.iter()
            .map(|(_, _, t, d)| {
                if !shown(*t) || d.n < least {
                    Value::Suppressed
                } else {
                    get(d).map_or(Value::Missing, n)
                }
            })
            .collect()
    };
    let (median, p90) = (pick(|d| d.median), pick(|d| d.p90));
    Sheet {
        id: "days-to-closure",
        title: ctx.t("stats-days-to-closure"),
        description: ctx.t("stats-days-to-closure-desc"),
        category_label: ctx.t("stats-days-to-closure-category"),
        value_label: ctx.t("stats-days"),
        categories: rows
            .iter()
            .map(|(c, name, ..)| (c.clone(), name.clone()))
            .collect(),
        series: vec![
            ("median".into(), ctx.t("stats-median"), median),
            ("p90".into(), ctx.t("stats-p90"), p90),
        ],
        shape: Shape::Bars,
        format: Format::Days,
    }
}

fn top_classes(f: &Figures, ctx: &PageCtx) -> Sheet {
    let top: Vec<&(String, i64)> = f.classes.iter().take(15).collect();
    Sheet {
        id: "classes",
        title: ctx.t("stats-classes"),
        description: ctx.t("stats-classes-desc"),
        category_label: ctx.t("stats-classes-category"),
        value_label: ctx.t("stats-cases"),
        categories: top.iter().map(|(c, _)| (c.clone(), c.clone())).collect(),
        series: vec![(
            "cases".into(),
            ctx.t("stats-cases"),
            top.iter().map(|(_, k)| n(*k)).collect(),
        )],
        shape: Shape::HorizontalBars,
        format: Format::Count,
    }
}

fn summary(f: &Figures, ctx: &PageCtx, shown: &dyn Fn(KeyFigure) -> bool) -> Summary {
    let mut items = Vec::new();
    let mut put = |key: &'static str, what: KeyFigure, value: Option<f64>, text: String| {
        items.push(if shown(what) {
            KeyItem {
                key,
                value: value.map_or(Value::Missing, Value::Number),
                text: if value.is_some() { text } else { "–".to_owned() },
            }
        } else {
            KeyItem {
                key,
                value: Value::Suppressed,
                text: ctx.t("stats-not-published"),
            }
        });
    };
    let count = |v: i64| crate::domain::case::format_amount(v);
    let pct = |s: Option<f64>| s.map(|s| format!("{:.1}%", s * 100.0)).unwrap_or_default();
    put(
        "stats-sum-filed",
        KeyFigure::Filed,
        Some(f.filed() as f64),
        count(f.filed()),
    );
    put(
        "stats-sum-closed",
        KeyFigure::Closed,
        Some(f.closed() as f64),
        count(f.closed()),
    );
    let (settled, decided) = f.settlement();
    let rate = share(settled, decided);
    put("stats-sum-settlement", KeyFigure::Settlement, rate, pct(rate));
    let median = f.durations_all.median;
    let days = median.map(|d| ctx.t1("stats-n-days", "n", d)).unwrap_or_default();
    put(
        "stats-sum-median-days",
        KeyFigure::Durations,
        median.map(|d| d as f64),
        days,
    );
    let rate = share(f.appeared, f.with_sessions);
    put("stats-sum-appearance", KeyFigure::Appearance, rate, pct(rate));
    let per_case = share(f.sessions, f.mediation_closed);
    let text = per_case.map(|s| format!("{s:.2}")).unwrap_or_default();
    put("stats-sum-sessions", KeyFigure::Sessions, per_case, text);
    let krw_claims: i64 = f.claims.iter().take(ClaimBand::ALL.len() - 1).sum();
    let text = format!(
        "{} ({})",
        crate::web::chart::won_in_short(f.claimed_krw, ctx.lang),
        ctx.t1("stats-n-claims", "n", krw_claims)
    );
    put(
        "stats-sum-claimed",
        KeyFigure::Claims,
        Some(f.claimed_krw as f64),
        text,
    );
    let rate = share(f.sizes_of(Some(PartySize::Sme)), f.filed());
    put("stats-sum-sme", KeyFigure::Sme, rate, pct(rate));
    let rate = share(f.foreign, f.foreign + f.domestic);
    put("stats-sum-foreign", KeyFigure::Foreign, rate, pct(rate));
    Summary { items }
}

//! Charts for the statistics pages (issue 18). A [`Figure`] is one table of numbers with its
//! words already in the reader's language; [`Figure::view`] lays it out in the chart's own
//! units, and `templates/partials/figure.html` draws it as SVG with the same numbers in a table
//! beneath.
//!
//! The SVG comes from a template rather than a plotting crate so that the browser sets the text
//! in the page's own fonts (Hangul included) and the drawing carries a title, a description and
//! CSS classes. Nothing here measures text: a label's width is estimated from its characters,
//! which is enough to space ticks, thin out category labels and shorten long names.

use std::borrow::Cow;

use crate::domain::Lang;
use crate::domain::case::format_amount;
use crate::i18n;

/// How the numbers are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Vertical bars, the series side by side in each category. Category names are written
    /// under the bars, every so many when they do not all fit (months); long names belong in
    /// [`Shape::HorizontalBars`].
    Bars,
    /// Vertical bars with the series stacked in each category.
    StackedBars,
    /// A line for each series through the categories in order, broken where a value is not
    /// published.
    Lines,
    /// Horizontal bars, each category's name written above its bars across the chart's width
    /// and each bar's value at its end: for long names (IPC classes, outcomes).
    HorizontalBars,
}

/// One published number.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value {
    Number(f64),
    /// Too few cases to publish: written "<5", drawn as nothing.
    Suppressed,
    /// No number: written "–", drawn as nothing.
    Missing,
}

impl Value {
    /// The number to draw; a number that is not finite is treated as missing.
    fn number(self) -> Option<f64> {
        match self {
            Value::Number(n) if n.is_finite() => Some(n),
            _ => None,
        }
    }
}

/// What the numbers are, which decides how they are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Count,
    /// A share from 0.0 to 1.0, written as a percentage: 12.5%.
    Percent,
    Days,
    /// Korean won: 1,234,000,000원 (₩1,234,000,000 in English); the axis writes 12억 or 1.2B.
    Won,
}

impl Format {
    /// The finest step between ticks: whole counts, days and won; a tenth of a percent.
    fn min_step(self) -> f64 {
        match self {
            Format::Percent => 0.001,
            Format::Count | Format::Days | Format::Won => 1.0,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Series {
    pub name: String,
    /// One per category, in order; a value left out counts as missing.
    pub values: Vec<Value>,
}

#[derive(Clone, Debug)]
pub struct Download {
    /// What the link says, e.g. "CSV".
    pub label: String,
    pub href: String,
}

/// One figure of a statistics page: its words in `lang`, its numbers, how to draw them.
#[derive(Clone, Debug)]
pub struct Figure {
    /// A slug, unique on the page, that the figure's HTML ids start with: `filed-by-month`.
    pub id: String,
    /// The language the words are in, which the numbers are written in too.
    pub lang: Lang,
    pub title: String,
    /// One sentence summing the figure up for a screen reader (the SVG's `<desc>`).
    pub description: String,
    /// Names the categories: the category axis, and the first column of the table.
    pub category_label: String,
    /// Names the numbers: the value axis.
    pub value_label: String,
    pub categories: Vec<String>,
    pub series: Vec<Series>,
    pub shape: Shape,
    pub format: Format,
    pub downloads: Vec<Download>,
    /// Said under the table: "Cells under 5 are shown as <5".
    pub note: Option<String>,
}

/// What the template draws for a figure: the chart, its legend, and the table beneath.
pub struct FigureView<'a> {
    pub chart: Chart<'a>,
    /// Empty for a single series, which the title names.
    pub legend: Vec<LegendItem<'a>>,
    /// A row for each category and a cell for each series.
    pub rows: Vec<Row<'a>>,
    /// Tells a screen reader that the table's region scrolls sideways.
    pub table_region: String,
}

/// The chart laid out in its own units (its viewBox).
pub struct Chart<'a> {
    pub width: f64,
    pub height: f64,
    /// The value axis: a grid line and a label for each tick.
    pub ticks: Vec<Tick>,
    /// The line at zero the bars stand on.
    pub baseline: Segment,
    /// The category names written along their axis (not always all of them).
    pub categories: Vec<Text<'a>>,
    pub value_axis: Option<Text<'a>>,
    pub category_axis: Option<Text<'a>>,
    pub bars: Vec<Bar>,
    pub lines: Vec<Line>,
    pub points: Vec<Point>,
    /// Horizontal bars' values, written at their ends ("<5" or "–" where there is no bar).
    pub bar_values: Vec<Text<'a>>,
}

pub struct Segment {
    pub x1: f64,
    pub y1: f64,
    pub x2: f64,
    pub y2: f64,
}

pub struct Tick {
    pub line: Segment,
    pub label: Text<'static>,
}

pub struct Text<'a> {
    pub x: f64,
    /// The baseline.
    pub y: f64,
    /// `text-anchor`: start, middle or end.
    pub anchor: &'static str,
    pub text: Cow<'a, str>,
    /// The whole text, where `text` was shortened to fit.
    pub full: Option<&'a str>,
}

pub struct Bar {
    pub x: f64,
    pub y: f64,
    pub width: f64,
    pub height: f64,
    /// The colour: the `series-N` class.
    pub series: usize,
    /// "category · series: value", shown on hover.
    pub title: String,
}

pub struct Line {
    pub series: usize,
    /// The `points` attribute of a polyline.
    pub points: String,
}

pub struct Point {
    pub x: f64,
    pub y: f64,
    pub series: usize,
    pub title: String,
}

pub struct LegendItem<'a> {
    pub name: &'a str,
    pub series: usize,
    /// Drawn as a line rather than a square.
    pub line: bool,
}

pub struct Row<'a> {
    pub category: &'a str,
    pub cells: Vec<String>,
}

const WIDTH: f64 = 560.0;
const HEIGHT: f64 = 320.0;
/// The size of chart text in chart units; `.chart text` in app.css sets the same. The chart is
/// shown no wider than its own units (35rem), so this is 16px on a wide screen and about 10px
/// on a phone's 366, where the table beneath has every number at full size.
const FONT: f64 = 16.0;
/// From a text's middle to its baseline.
const MIDDLE_TO_BASELINE: f64 = FONT * 0.35;
/// The colours `series-0` … `series-9` in app.css; more series than that repeat them.
const PALETTE: usize = 10;
/// Space kept between neighbouring labels, and between a label and what it labels.
const GAP: f64 = 6.0;
const SUPPRESSED: &str = "<5";
const MISSING: &str = "–";

impl Figure {
    pub fn view(&self) -> FigureView<'_> {
        let (lo, hi) = self.extent();
        let axis = Axis::new(lo, hi, self.format.min_step());
        let chart = match self.shape {
            Shape::Bars => {
                let (mut chart, columns) = self.vertical(&axis);
                chart.bars = self.grouped_bars(&columns);
                chart
            }
            Shape::StackedBars => {
                let (mut chart, columns) = self.vertical(&axis);
                chart.bars = self.stacked_bars(&columns);
                chart
            }
            Shape::Lines => {
                let (mut chart, columns) = self.vertical(&axis);
                (chart.lines, chart.points) = self.lines(&columns);
                chart
            }
            Shape::HorizontalBars => self.horizontal(&axis),
        };
        let legend = if self.series.len() > 1 {
            self.series
                .iter()
                .enumerate()
                .map(|(j, s)| LegendItem {
                    name: &s.name,
                    series: j % PALETTE,
                    line: self.shape == Shape::Lines,
                })
                .collect()
        } else {
            Vec::new()
        };
        let rows = self
            .categories
            .iter()
            .enumerate()
            .map(|(i, category)| Row {
                category,
                cells: self
                    .series
                    .iter()
                    .map(|s| value_text(value_at(s, i), self.format, self.lang))
                    .collect(),
            })
            .collect();
        FigureView {
            chart,
            legend,
            rows,
            table_region: i18n::text(self.lang, "table-region"),
        }
    }

    /// The lowest and highest values drawn, with zero always inside: stacked bars reach
    /// their stacks' sums.
    fn extent(&self) -> (f64, f64) {
        let (mut lo, mut hi) = (0.0f64, 0.0f64);
        for i in 0..self.categories.len() {
            let numbers = self.series.iter().filter_map(|s| value_at(s, i).number());
            if self.shape == Shape::StackedBars {
                let (mut below, mut above) = (0.0, 0.0);
                for v in numbers {
                    if v < 0.0 { below += v } else { above += v }
                }
                lo = lo.min(below);
                hi = hi.max(above);
            } else {
                for v in numbers {
                    lo = lo.min(v);
                    hi = hi.max(v);
                }
            }
        }
        (lo, hi)
    }

    /// A bar's or point's title, shown on hover.
    fn hover(&self, category: &str, series: &Series, value: Value) -> String {
        let value = value_text(value, self.format, self.lang);
        format!("{category} · {}: {value}", series.name)
    }

    /// The frame of a vertical chart: the categories along the bottom, the values' axis at the
    /// left with its name above it. The bars or lines are added by the caller.
    fn vertical(&self, axis: &Axis) -> (Chart<'_>, Columns) {
        let tick_texts: Vec<String> = axis
            .values
            .iter()
            .map(|&v| tick_text(v, axis.step, self.format, self.lang))
            .collect();
        let widest_tick = tick_texts.iter().map(|t| text_width(t)).fold(0.0, f64::max);
        let plot = Plot {
            left: (widest_tick + 2.0 * GAP).max(4.0 * GAP),
            right: WIDTH - 2.0 * GAP,
            top: 2.0 * FONT + GAP,
            bottom: HEIGHT - 3.0 * FONT - 2.0 * GAP,
        };
        let n = self.categories.len();
        let columns = Columns {
            slot: (plot.right - plot.left) / n.max(1) as f64,
            lo: axis.lo(),
            span: axis.span(),
            plot,
        };
        let Columns { plot, slot, .. } = &columns;
        let ticks = axis
            .values
            .iter()
            .zip(tick_texts)
            .map(|(&v, text)| {
                let y = columns.y(v);
                Tick {
                    line: Segment::new((plot.left, y), (plot.right, y)),
                    label: Text::new(plot.left - GAP, y + MIDDLE_TO_BASELINE, "end", text),
                }
            })
            .collect();
        let every = label_every(&self.categories, *slot);
        let room = (every as f64 * slot).min(plot.right - plot.left) - GAP;
        let categories = (0..n)
            .step_by(every)
            .map(|i| {
                let y = plot.bottom + FONT + GAP;
                let mut label = Text::fitted(0.0, y, "middle", &self.categories[i], room);
                // The first and last names may be wider than their bars: kept inside the chart.
                let half = text_width(&label.text) / 2.0;
                label.x = round(columns.centre(i).max(half).min(WIDTH - half));
                label
            })
            .collect();
        let chart = Chart {
            width: WIDTH,
            height: HEIGHT,
            ticks,
            baseline: Segment::new((plot.left, columns.y(0.0)), (plot.right, columns.y(0.0))),
            categories,
            value_axis: Text::axis(0.0, FONT, "start", &self.value_label, WIDTH),
            category_axis: Text::axis(
                (plot.left + plot.right) / 2.0,
                HEIGHT - GAP,
                "middle",
                &self.category_label,
                plot.right - plot.left,
            ),
            bars: Vec::new(),
            lines: Vec::new(),
            points: Vec::new(),
            bar_values: Vec::new(),
        };
        (chart, columns)
    }

    /// Each category's bars side by side, a series after another.
    fn grouped_bars(&self, columns: &Columns) -> Vec<Bar> {
        let group = columns.slot * if self.series.len() > 1 { 0.8 } else { 0.6 };
        let width = group / self.series.len().max(1) as f64;
        let mut bars = Vec::new();
        for (j, series) in self.series.iter().enumerate() {
            for (i, category) in self.categories.iter().enumerate() {
                let value = value_at(series, i);
                if let Some(v) = value.number() {
                    let x = columns.centre(i) - group / 2.0 + j as f64 * width;
                    let (from, to) = ((x, columns.y(0.0)), (x + width, columns.y(v)));
                    bars.push(Bar::new(from, to, j, self.hover(category, series, value)));
                }
            }
        }
        bars
    }

    /// Each category's bars one on another, the first series at the bottom.
    fn stacked_bars(&self, columns: &Columns) -> Vec<Bar> {
        let width = columns.slot * 0.6;
        let mut bars = Vec::new();
        for (i, category) in self.categories.iter().enumerate() {
            let x = columns.centre(i) - width / 2.0;
            // Negative values stack downwards from zero, positive ones upwards.
            let (mut below, mut above) = (0.0, 0.0);
            for (j, series) in self.series.iter().enumerate() {
                let value = value_at(series, i);
                let Some(v) = value.number() else { continue };
                let end = if v < 0.0 { &mut below } else { &mut above };
                let (from, to) = ((x, columns.y(*end)), (x + width, columns.y(*end + v)));
                *end += v;
                bars.push(Bar::new(from, to, j, self.hover(category, series, value)));
            }
        }
        bars
    }

    /// A line for each series, broken where a value is not published, and a point on each
    /// value.
    fn lines(&self, columns: &Columns) -> (Vec<Line>, Vec<Point>) {
        let (mut lines, mut points) = (Vec::new(), Vec::new());
        for (j, series) in self.series.iter().enumerate() {
            let at: Vec<Option<(f64, f64)>> = (0..self.categories.len())
                .map(|i| {
                    let v = value_at(series, i).number()?;
                    Some((round(columns.centre(i)), round(columns.y(v))))
                })
                .collect();
            for run in at.split(Option::is_none).filter(|run| run.len() > 1) {
                let points = run
                    .iter()
                    .flatten()
                    .map(|(x, y)| format!("{x},{y}"))
                    .collect::<Vec<_>>()
                    .join(" ");
                lines.push(Line {
                    series: j % PALETTE,
                    points,
                });
            }
            for (i, category) in self.categories.iter().enumerate() {
                if let Some((x, y)) = at[i] {
                    let title = self.hover(category, series, value_at(series, i));
                    points.push(Point {
                        x,
                        y,
                        series: j % PALETTE,
                        title,
                    });
                }
            }
        }
        (lines, points)
    }

    /// A row for each category, its name written whole above its bars and each bar's value at
    /// its end; the values' axis along the bottom, its name under it.
    fn horizontal(&self, axis: &Axis) -> Chart<'_> {
        let tick_texts: Vec<String> = axis
            .values
            .iter()
            .map(|&v| tick_text(v, axis.step, self.format, self.lang))
            .collect();
        let n = self.categories.len();
        let bar_height = if self.series.len() > 1 { 16.0 } else { 20.0 };
        let name_height = FONT + 4.0;
        let row_height = name_height + bar_height * self.series.len() as f64 + 2.0 * GAP;
        let ends: Vec<(usize, usize, Value, String)> = (0..n)
            .flat_map(|i| self.series.iter().enumerate().map(move |(j, s)| (i, j, s)))
            .map(|(i, j, s)| {
                let value = value_at(s, i);
                (i, j, value, bar_end_text(value, self.format, self.lang))
            })
            .collect();
        // Room at either side for the values written past the bars' ends, and for half of the
        // outermost ticks' labels.
        let widest_end = |negative: bool| {
            ends.iter()
                .filter(|(_, _, v, _)| v.number().is_some_and(|v| v < 0.0) == negative)
                .map(|(.., text)| text_width(text) + GAP)
                .fold(0.0, f64::max)
        };
        let half_tick = |t: Option<&String>| t.map_or(0.0, |t| text_width(t) / 2.0 + 2.0);
        let top = if self.category_label.is_empty() {
            GAP
        } else {
            FONT + 2.0 * GAP
        };
        let plot = Plot {
            left: widest_end(true).max(half_tick(tick_texts.first())).max(GAP),
            right: WIDTH - widest_end(false).max(half_tick(tick_texts.last())).max(GAP),
            top,
            bottom: top + n as f64 * row_height,
        };
        let x = |v: f64| plot.left + (v - axis.lo()) / axis.span() * (plot.right - plot.left);
        let ticks = axis
            .values
            .iter()
            .zip(tick_texts)
            .map(|(&v, text)| Tick {
                line: Segment::new((x(v), plot.top), (x(v), plot.bottom)),
                label: Text::new(x(v), plot.bottom + FONT + GAP, "middle", text),
            })
            .collect();
        let row_top = |i: usize| plot.top + i as f64 * row_height;
        let categories = self
            .categories
            .iter()
            .enumerate()
            .map(|(i, name)| {
                // Just clear of the zero line.
                let x = plot.left + GAP / 2.0;
                Text::fitted(x, row_top(i) + FONT, "start", name, WIDTH - x - GAP)
            })
            .collect();
        let mut bars = Vec::new();
        let mut bar_values = Vec::new();
        for (i, j, value, text) in ends {
            let bar_top = row_top(i) + name_height + j as f64 * bar_height;
            let middle = bar_top + bar_height / 2.0 + MIDDLE_TO_BASELINE;
            match value.number() {
                Some(v) => {
                    let (category, series) = (&self.categories[i], &self.series[j]);
                    bars.push(Bar::new(
                        (x(0.0), bar_top + 1.0),
                        (x(v), bar_top + bar_height - 1.0),
                        j,
                        self.hover(category, series, value),
                    ));
                    bar_values.push(if v < 0.0 {
                        Text::new(x(v) - GAP / 2.0, middle, "end", text)
                    } else {
                        Text::new(x(v) + GAP / 2.0, middle, "start", text)
                    });
                }
                None => bar_values.push(Text::new(x(0.0) + GAP / 2.0, middle, "start", text)),
            }
        }
        let height = plot.bottom + 2.0 * FONT + 4.0 * GAP;
        Chart {
            width: WIDTH,
            height: round(height),
            ticks,
            baseline: Segment::new((x(0.0), plot.top), (x(0.0), plot.bottom)),
            categories,
            value_axis: Text::axis(
                (plot.left + plot.right) / 2.0,
                height - GAP,
                "middle",
                &self.value_label,
                plot.right - plot.left,
            ),
            category_axis: Text::axis(plot.left, FONT, "start", &self.category_label, WIDTH - plot.left),
            bars,
            lines: Vec::new(),
            points: Vec::new(),
            bar_values,
        }
    }
}

/// A series' value in a category; one it lacks is missing.
fn value_at(series: &Series, category: usize) -> Value {
    series.values.get(category).copied().unwrap_or(Value::Missing)
}

/// The drawing area inside the margins, in chart units.
struct Plot {
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
}

/// Where a vertical chart puts its values and categories.
struct Columns {
    plot: Plot,
    /// The axis's lowest tick and its distance to the highest.
    lo: f64,
    span: f64,
    /// The width each category has.
    slot: f64,
}

impl Columns {
    fn y(&self, v: f64) -> f64 {
        self.plot.bottom - (v - self.lo) / self.span * (self.plot.bottom - self.plot.top)
    }

    fn centre(&self, category: usize) -> f64 {
        self.plot.left + self.slot * (category as f64 + 0.5)
    }
}

/// A value axis: ticks a round step apart (1, 2 or 5 times a power of ten), about five of them,
/// from zero (or the lowest value, below zero) to at least the highest value.
struct Axis {
    values: Vec<f64>,
    step: f64,
}

impl Axis {
    fn new(lo: f64, hi: f64, min_step: f64) -> Axis {
        // A figure of nothing but zeros still gets an axis with some height.
        let hi = if hi > lo { hi } else { lo + 1.0 };
        let step = round_step((hi - lo) / 5.0).max(min_step);
        // The tolerance keeps a value that is a whole number of steps from adding one more.
        let first = (lo / step + 1e-9).floor() as i64;
        let last = (hi / step - 1e-9).ceil() as i64;
        Axis {
            values: (first..=last).map(|k| k as f64 * step).collect(),
            step,
        }
    }

    fn lo(&self) -> f64 {
        self.values[0]
    }

    fn span(&self) -> f64 {
        self.values[self.values.len() - 1] - self.values[0]
    }
}

/// The smallest of 1, 2, 5 or 10 times a power of ten that is at least `raw`.
fn round_step(raw: f64) -> f64 {
    let power = 10f64.powf(raw.log10().floor());
    [1.0, 2.0, 5.0]
        .into_iter()
        .find(|m| raw / power <= m + 1e-9)
        .unwrap_or(10.0)
        * power
}

/// Every how many categories a name is written so that names do not run into each other: each
/// one, or every 2nd, 3rd, 4th, 6th or 12th (which suit months), or a multiple of 12. A typical
/// name decides, so that one long name is shortened rather than hiding its neighbours.
fn label_every(names: &[String], slot: f64) -> usize {
    let mut widths: Vec<f64> = names.iter().map(|n| text_width(n)).collect();
    widths.sort_by(f64::total_cmp);
    let typical = widths.get(widths.len() / 2).copied().unwrap_or(0.0);
    let needed = ((typical + GAP) / slot).ceil().max(1.0) as usize;
    [1, 2, 3, 4, 6, 12]
        .into_iter()
        .find(|&every| every >= needed)
        .unwrap_or(needed.next_multiple_of(12))
}

impl Segment {
    fn new((x1, y1): (f64, f64), (x2, y2): (f64, f64)) -> Segment {
        Segment {
            x1: round(x1),
            y1: round(y1),
            x2: round(x2),
            y2: round(y2),
        }
    }
}

impl<'a> Text<'a> {
    fn new(x: f64, y: f64, anchor: &'static str, text: impl Into<Cow<'a, str>>) -> Text<'a> {
        Text {
            x: round(x),
            y: round(y),
            anchor,
            text: text.into(),
            full: None,
        }
    }

    /// `text` cut short with an ellipsis where it is wider than `room`.
    fn fitted(x: f64, y: f64, anchor: &'static str, text: &'a str, room: f64) -> Text<'a> {
        if text_width(text) <= room {
            return Text::new(x, y, anchor, text);
        }
        let mut width = char_width('…');
        let kept: String = text
            .chars()
            .take_while(|&c| {
                width += char_width(c);
                width <= room
            })
            .collect();
        Text {
            full: Some(text),
            ..Text::new(x, y, anchor, format!("{}…", kept.trim_end()))
        }
    }

    /// An axis's name, when it has one.
    fn axis(x: f64, y: f64, anchor: &'static str, text: &'a str, room: f64) -> Option<Text<'a>> {
        (!text.is_empty()).then(|| Text::fitted(x, y, anchor, text, room))
    }
}

impl Bar {
    /// The bar between two opposite corners.
    fn new((x1, y1): (f64, f64), (x2, y2): (f64, f64), series: usize, title: String) -> Bar {
        Bar {
            x: round(x1.min(x2)),
            y: round(y1.min(y2)),
            width: round((x2 - x1).abs()),
            height: round((y2 - y1).abs()),
            series: series % PALETTE,
            title,
        }
    }
}

/// Chart units to a tenth, which is finer than any screen shows and keeps the SVG short.
fn round(x: f64) -> f64 {
    // Adding zero turns -0 into 0.
    (x * 10.0).round() / 10.0 + 0.0
}

/// A text's width in chart units, estimated on the wide side (as DejaVu Sans sets it): Hangul and
/// CJK characters are as wide as the font is high, digits and Latin letters about two thirds of
/// that, capitals a little more, spaces and punctuation a third.
fn text_width(text: &str) -> f64 {
    text.chars().map(char_width).sum()
}

fn char_width(c: char) -> f64 {
    let ems = match c {
        '\u{1100}'..='\u{11ff}'
        | '\u{2e80}'..='\u{a4cf}'
        | '\u{ac00}'..='\u{d7a3}'
        | '\u{f900}'..='\u{faff}'
        | '\u{ff00}'..='\u{ff60}' => 1.0,
        ' ' | ',' | '.' | '-' | ':' | '·' | '(' | ')' | '/' | '\'' => 0.36,
        'A'..='Z' => 0.72,
        '%' => 0.95,
        _ => 0.64,
    };
    ems * FONT
}

/// A value whole, as the table and the hover text give it.
fn value_text(value: Value, format: Format, lang: Lang) -> String {
    let Some(v) = value.number() else {
        return if value == Value::Suppressed {
            SUPPRESSED
        } else {
            MISSING
        }
        .to_owned();
    };
    // Counts and days are usually whole; an average keeps one decimal place.
    let places = usize::from(v.fract() != 0.0);
    match format {
        Format::Count => grouped(v, places),
        Format::Percent => format!("{}%", grouped(v * 100.0, 1)),
        Format::Days => i18n::text_with(lang, "chart-days", &[("n", grouped(v, places))]),
        Format::Won => i18n::text_with(lang, "chart-won", &[("amount", grouped(v, 0))]),
    }
}

/// A value written at a horizontal bar's end: amounts of won short (to three figures), since
/// the table beneath has them whole.
/// An amount of won to three figures in the reader's units, with its currency: `144억원`,
/// `₩14.4B`.
pub fn won_in_short(won: i64, lang: Lang) -> String {
    let amount = bar_end_text(Value::Number(won as f64), Format::Won, lang);
    i18n::text_with(lang, "chart-won", &[("amount", amount)])
}

fn bar_end_text(value: Value, format: Format, lang: Lang) -> String {
    match (value.number(), format) {
        (Some(v), Format::Won) => {
            let three_figures = 10f64.powf(v.abs().log10().floor() - 2.0).max(1.0);
            short_won(v, three_figures, lang)
        }
        _ => value_text(value, format, lang),
    }
}

/// A tick's label, with the decimal places its step needs.
fn tick_text(v: f64, step: f64, format: Format, lang: Lang) -> String {
    match format {
        Format::Count | Format::Days => grouped(v, decimals(step)),
        Format::Percent => format!("{}%", grouped(v * 100.0, decimals(step * 100.0))),
        Format::Won => short_won(v, step, lang),
    }
}

/// An amount of won in the reader's units, precise to `step`: Korean counts in 만 (10⁴), 억
/// (10⁸) and 조 (10¹²), English in thousands, millions, billions and trillions.
fn short_won(v: f64, step: f64, lang: Lang) -> String {
    let units: &[(f64, &str)] = match lang {
        Lang::Ko => &[(1e12, "조"), (1e8, "억"), (1e4, "만")],
        Lang::En => &[(1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")],
    };
    match units.iter().find(|(unit, _)| v.abs() >= *unit) {
        Some((unit, name)) => {
            let number = grouped(v / unit, decimals(step / unit));
            let number = if number.contains('.') {
                number.trim_end_matches('0').trim_end_matches('.')
            } else {
                &number
            };
            format!("{number}{name}")
        }
        None => grouped(v, decimals(step)),
    }
}

/// How many decimal places show a step: none for 1 and more, one for 0.5, two for 0.05.
fn decimals(step: f64) -> usize {
    if step >= 1.0 {
        0
    } else {
        (-step.log10() - 1e-9).ceil().clamp(0.0, 6.0) as usize
    }
}

/// `x` to `places` decimal places with thousands separators, which Korean and English both write
/// as commas.
fn grouped(x: f64, places: usize) -> String {
    let plain = format!("{:.*}", places, x.abs());
    let (whole, fraction) = plain.split_once('.').unwrap_or((&plain, ""));
    let whole = whole
        .parse::<i64>()
        .map_or_else(|_| whole.to_owned(), format_amount);
    // Negative only when something other than zero is left after rounding.
    let sign = if x < 0.0 && plain.bytes().any(|b| matches!(b, b'1'..=b'9')) {
        "-"
    } else {
        ""
    };
    if fraction.is_empty() {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction}")
    }
}

#[cfg(test)]
mod tests {
    use askama::Template;

    use super::Value::{Missing, Number, Suppressed};
    use super::*;

    fn figure(shape: Shape, format: Format, categories: &[&str], series: &[(&str, &[Value])]) -> Figure {
        Figure {
            id: "filed-by-month".to_owned(),
            lang: Lang::En,
            title: "Cases filed by month".to_owned(),
            description: "Filings rose from 3 in January to 8 in April.".to_owned(),
            category_label: "Month".to_owned(),
            value_label: "Cases".to_owned(),
            categories: categories.iter().map(|c| c.to_string()).collect(),
            series: series
                .iter()
                .map(|(name, values)| Series {
                    name: name.to_string(),
                    values: values.to_vec(),
                })
                .collect(),
            shape,
            format,
            downloads: vec![Download {
                label: "CSV".to_owned(),
                href: "/stats/filed-by-month.csv?year=2026&kind=all".to_owned(),
            }],
            note: Some("Cells under 5 are shown as <5".to_owned()),
        }
    }

    fn ticks(lo: f64, hi: f64, format: Format) -> Vec<String> {
        let axis = Axis::new(lo, hi, format.min_step());
        axis.values
            .iter()
            .map(|&v| tick_text(v, axis.step, format, Lang::En))
            .collect()
    }

    #[test]
    fn ticks_are_round_steps_from_zero_past_the_highest_value() {
        assert_eq!(ticks(0.0, 0.0, Format::Count), ["0", "1"]);
        assert_eq!(ticks(0.0, 7.0, Format::Count), ["0", "2", "4", "6", "8"]);
        assert_eq!(ticks(0.0, 8.0, Format::Count), ["0", "2", "4", "6", "8"]);
        assert_eq!(ticks(0.0, 10.0, Format::Count), ["0", "2", "4", "6", "8", "10"]);
        assert_eq!(ticks(0.0, 1234.0, Format::Count), ["0", "500", "1,000", "1,500"]);
        assert_eq!(ticks(0.0, 2.0, Format::Days), ["0", "1", "2"]);
        assert_eq!(
            ticks(0.0, 0.37, Format::Percent),
            ["0%", "10%", "20%", "30%", "40%"]
        );
        assert_eq!(
            ticks(0.0, 0.012, Format::Percent),
            ["0.0%", "0.5%", "1.0%", "1.5%"]
        );
        assert_eq!(
            ticks(0.0, 0.0, Format::Percent),
            ["0%", "20%", "40%", "60%", "80%", "100%"]
        );
        assert_eq!(
            ticks(-3.0, 7.0, Format::Count),
            ["-4", "-2", "0", "2", "4", "6", "8"]
        );
    }

    #[test]
    fn numbers_are_written_the_readers_way() {
        let (en, ko) = (Lang::En, Lang::Ko);
        for lang in [en, ko] {
            assert_eq!(value_text(Number(1_234_567.0), Format::Count, lang), "1,234,567");
            assert_eq!(value_text(Number(2.25), Format::Count, lang), "2.2");
            assert_eq!(value_text(Number(0.125), Format::Percent, lang), "12.5%");
            assert_eq!(value_text(Number(1.0), Format::Percent, lang), "100.0%");
            assert_eq!(value_text(Suppressed, Format::Count, lang), "<5");
            assert_eq!(value_text(Missing, Format::Won, lang), "–");
            assert_eq!(value_text(Number(f64::NAN), Format::Count, lang), "–");
        }
        assert_eq!(value_text(Number(45.0), Format::Days, en), "45 days");
        assert_eq!(value_text(Number(1.0), Format::Days, en), "1 day");
        assert_eq!(value_text(Number(45.5), Format::Days, en), "45.5 days");
        assert_eq!(value_text(Number(1234.0), Format::Days, en), "1,234 days");
        assert_eq!(value_text(Number(45.0), Format::Days, ko), "45일");
        assert_eq!(
            value_text(Number(1_234_000_000.0), Format::Won, en),
            "₩1,234,000,000"
        );
        assert_eq!(
            value_text(Number(1_234_000_000.0), Format::Won, ko),
            "1,234,000,000원"
        );
        assert_eq!(grouped(-0.04, 1), "0.0");
        assert_eq!(grouped(-1234.5, 1), "-1,234.5");

        // Axis ticks and bar ends write amounts short, in each language's own units.
        assert_eq!(tick_text(1.2e9, 2e8, Format::Won, ko), "12억");
        assert_eq!(tick_text(1.5e8, 5e7, Format::Won, ko), "1.5억");
        assert_eq!(tick_text(5e7, 1e7, Format::Won, ko), "5,000만");
        assert_eq!(tick_text(3e12, 1e12, Format::Won, ko), "3조");
        assert_eq!(tick_text(1.2e9, 2e8, Format::Won, en), "1.2B");
        assert_eq!(tick_text(5e8, 1e8, Format::Won, en), "500M");
        assert_eq!(tick_text(0.0, 1e8, Format::Won, en), "0");
        assert_eq!(bar_end_text(Number(1_234_000_000.0), Format::Won, ko), "12.3억");
        assert_eq!(bar_end_text(Number(1_234_000_000.0), Format::Won, en), "1.23B");
        assert_eq!(bar_end_text(Number(0.0), Format::Won, en), "0");
        assert_eq!(bar_end_text(Number(950.0), Format::Won, en), "950");
    }

    #[test]
    fn stacked_bars_reach_the_sum_of_their_stack() {
        let series: &[(&str, &[Value])] = &[
            ("Patent", &[Number(3.0), Number(4.0)]),
            ("Design", &[Number(5.0), Suppressed]),
        ];
        let top = |shape| {
            let sample = figure(shape, Format::Count, &["2026-01", "2026-02"], series);
            let view = sample.view();
            view.chart.ticks.last().unwrap().label.text.to_string()
        };
        assert_eq!(top(Shape::Bars), "5");
        assert_eq!(top(Shape::StackedBars), "8");

        let sample = figure(Shape::StackedBars, Format::Count, &["2026-01", "2026-02"], series);
        let view = sample.view();
        let first: Vec<&Bar> = view
            .chart
            .bars
            .iter()
            .filter(|b| b.title.starts_with("2026-01"))
            .collect();
        assert_eq!(first.len(), 2);
        // The second series starts where the first ends.
        assert_eq!(first[0].y, first[1].y + first[1].height);
        assert_eq!(first[1].series, 1);
    }

    #[test]
    fn values_not_published_draw_nothing() {
        let values = [Number(3.0), Suppressed, Missing, Number(0.0), Number(2.0)];
        let categories = ["A", "B", "C", "D", "E"];
        for shape in [Shape::Bars, Shape::StackedBars, Shape::HorizontalBars] {
            let sample = figure(shape, Format::Count, &categories, &[("Cases", &values)]);
            let view = sample.view();
            let titles: Vec<&str> = view.chart.bars.iter().map(|b| b.title.as_str()).collect();
            assert_eq!(
                titles,
                ["A · Cases: 3", "D · Cases: 0", "E · Cases: 2"],
                "{shape:?}"
            );
        }
        // Horizontal bars say why a bar is not there.
        let sample = figure(
            Shape::HorizontalBars,
            Format::Count,
            &categories,
            &[("Cases", &values)],
        );
        let view = sample.view();
        let ends: Vec<&str> = view.chart.bar_values.iter().map(|t| t.text.as_ref()).collect();
        assert_eq!(ends, ["3", "<5", "–", "0", "2"]);
        // A line breaks at the gap rather than running through it; a lone value is a point.
        let sample = figure(Shape::Lines, Format::Count, &categories, &[("Cases", &values)]);
        let view = sample.view();
        assert_eq!(view.chart.points.len(), 3);
        assert_eq!(view.chart.lines.len(), 1);
        assert_eq!(view.chart.lines[0].points.split(' ').count(), 2);
        // The table still lists every category.
        let cells: Vec<&str> = view.rows.iter().map(|r| r.cells[0].as_str()).collect();
        assert_eq!(cells, ["3", "<5", "–", "0", "2"]);
    }

    #[test]
    fn many_categories_are_named_at_regular_intervals() {
        let months: Vec<String> = (2022..2027)
            .flat_map(|y| (1..=12).map(move |m| format!("{y}-{m:02}")))
            .collect();
        let months: Vec<&str> = months.iter().map(String::as_str).collect();
        let values = vec![Number(10.0); months.len()];
        let sample = figure(Shape::Lines, Format::Count, &months, &[("Filed", &values)]);
        let view = sample.view();
        let shown: Vec<&str> = view.chart.categories.iter().map(|t| t.text.as_ref()).collect();
        // Too many to name each: January of every year.
        assert_eq!(shown, ["2022-01", "2023-01", "2024-01", "2025-01", "2026-01"]);
        assert!(view.chart.categories.iter().all(|t| t.full.is_none()));
        // Names that do not overlap.
        for pair in view.chart.categories.windows(2) {
            let gap = (pair[1].x - pair[0].x) - text_width(&pair[0].text);
            assert!(gap > 0.0, "{pair:?}", pair = (pair[0].x, pair[1].x));
        }

        // A few categories are all named, and a name too long for its place is shortened.
        let long = "Withdrawn after the first session";
        let sample = figure(
            Shape::Bars,
            Format::Count,
            &["Settled", "Withdrawn", long],
            &[("Cases", &[])],
        );
        let view = sample.view();
        let shown: Vec<&str> = view.chart.categories.iter().map(|t| t.text.as_ref()).collect();
        assert_eq!(shown[..2], ["Settled", "Withdrawn"]);
        assert!(shown[2].ends_with('…') && shown[2].len() < long.len());
        assert_eq!(view.chart.categories[2].full, Some(long));
        // Horizontal bars have the whole width for the name.
        let sample = figure(
            Shape::HorizontalBars,
            Format::Count,
            &["Settled", long],
            &[("Cases", &[])],
        );
        let view = sample.view();
        assert_eq!(view.chart.categories[1].text, long);
    }

    #[test]
    fn hangul_is_measured_wider_than_latin_letters() {
        assert_eq!(text_width("특허"), 2.0 * FONT);
        assert!(text_width("특허") > text_width("ab"));
    }

    #[test]
    fn a_legend_names_the_series_when_there_are_several() {
        let sample = figure(Shape::Bars, Format::Count, &["A"], &[("Cases", &[Number(1.0)])]);
        let one = sample.view();
        assert!(one.legend.is_empty());
        let names: Vec<String> = (0..11).map(|j| format!("S{j}")).collect();
        let values = [Number(1.0)];
        let series: Vec<(&str, &[Value])> = names.iter().map(|n| (n.as_str(), &values[..])).collect();
        let sample = figure(Shape::Lines, Format::Count, &["A", "B"], &series);
        let eleven = sample.view();
        let colours: Vec<usize> = eleven.legend.iter().map(|l| l.series).collect();
        assert_eq!(colours, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0]);
        assert!(eleven.legend.iter().all(|l| l.line));
    }

    /// A page as the statistics pages include figures.
    #[derive(Template)]
    #[template(
        source = r#"{% for figure in figures %}{% include "partials/figure.html" %}{% endfor %}"#,
        ext = "html"
    )]
    struct Page<'a> {
        figures: &'a [Figure],
    }

    /// Every tag closed and every attribute quoted: the output read as XML.
    fn assert_well_formed(html: &str) {
        let mut reader = quick_xml::Reader::from_str(html);
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("not well formed at {}: {e}\n{html}", reader.buffer_position()),
            }
        }
    }

    #[test]
    fn figures_render_as_labelled_charts_over_their_tables() {
        let shapes = [
            Shape::Bars,
            Shape::StackedBars,
            Shape::Lines,
            Shape::HorizontalBars,
        ];
        let figures: Vec<Figure> = shapes
            .into_iter()
            .map(|shape| Figure {
                id: format!("{shape:?}").to_lowercase(),
                lang: Lang::Ko,
                ..figure(
                    shape,
                    Format::Count,
                    &["2026-01", "<script>alert(1)</script>", "2026-03"],
                    &[
                        ("Patent", &[Number(3.0), Suppressed, Number(1234.0)]),
                        ("Design \"D\"", &[Number(5.0), Missing, Number(7.0)]),
                    ],
                )
            })
            .collect();
        let html = Page { figures: &figures }.render().unwrap();
        assert_well_formed(&html);
        for id in ["bars", "stackedbars", "lines", "horizontalbars"] {
            for part in [
                format!(r#"<section class="figure" aria-labelledby="{id}-title">"#),
                format!(r#"<h2 id="{id}-title">Cases filed by month</h2>"#),
                format!(r#"role="img" aria-labelledby="{id}-svg-title {id}-svg-desc">"#),
                format!(r#"<title id="{id}-svg-title">Cases filed by month</title>"#),
                format!(r#"<desc id="{id}-svg-desc">Filings rose from 3 in January"#),
            ] {
                assert!(html.contains(&part), "{part}");
            }
        }
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"));
        assert!(html.contains("Design &#34;D&#34;"));
        assert!(html.contains(r#"<td class="num">1,234</td>"#));
        assert!(html.contains(r#"<td class="num">&#60;5</td><td class="num">–</td>"#));
        assert!(html.contains(r#"<caption class="visually-hidden">Cases filed by month</caption>"#));
        assert!(
            html.contains("표: 옆으로 밀어"),
            "the table's region speaks the figure's language"
        );
        assert!(html.contains(r#"href="/stats/filed-by-month.csv?year=2026&#38;kind=all""#));
        assert!(html.contains("Cells under 5 are shown as &#60;5"));
        assert_eq!(html.matches(r#"<ul class="chart-legend""#).count(), 4);
        assert!(!html.contains("style="), "a strict CSP blocks style attributes");
    }
}

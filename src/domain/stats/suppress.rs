//! Small-cell suppression for the published statistics: every count below the threshold is hidden
//! (primary suppression), and further counts are hidden (secondary suppression) until no hidden
//! count can be worked out exactly from the published ones.
//!
//! Every published number (a cell or a margin of some table) is known by its *identity*: the
//! measure and the set of `dimension = value` pairs it counts. The same identity in two tables is
//! the same number, so it is hidden in both or in neither; otherwise one table would give away what
//! the other hides.
//!
//! Within one table, take its extended grid: the interior, a row-total column and a column-total
//! row. Each line of the grid says "the cells add up to the total". Flip the sign of every number
//! in the total row and in the total column (the grand total is flipped twice): now every line adds
//! up to zero, and adding +1, −1, +1, … around a cycle of hidden cells (row, column, row, …) keeps
//! every line true. A hidden count is recoverable exactly when no such move through it exists that
//! leaves every count ≥ 0; a hidden count that lies on no cycle at all (a bridge) is always
//! recoverable. The ≥ 0 part matters because zeros are hidden too: hiding two zeros of a row whose
//! other cells add up to its total still tells the reader both are 0.
//!
//! Tables are protected one at a time, linked only through the shared identities. That blocks
//! subtraction within a table and across tables through shared margins; it is not a proof against
//! every combination of equations from several tables, though the tests, trying every filling-in
//! of small random sets of tables, have found none that pins a hidden number down.

use std::collections::HashMap;
use std::collections::VecDeque;
use std::fmt;

/// One published count table: a 2-D cross-tab (`row_dim` × `col_dim`), or a 1-D list
/// (`row_dim: None`, one row). Published with its margins: each row's total, each column's total,
/// the grand total, all computed here as sums of `counts`. So every table must list every value of
/// its dimensions, or its margins will not match the same numbers in the other tables.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Table {
    /// What is counted: "filed", "closed", … Two tables with the same measure and dimensions share
    /// cells.
    pub measure: String,
    /// The dimension down the rows (`"track"`), `None` for a 1-D list.
    pub row_dim: Option<String>,
    /// The dimension across the columns (`"kind"`).
    pub col_dim: String,
    /// The row dimension's values; ignored for a 1-D list.
    pub rows: Vec<String>,
    /// The column dimension's values.
    pub cols: Vec<String>,
    /// `counts[r][c]`; a 1-D list has exactly one row.
    pub counts: Vec<Vec<u64>>,
}

/// A table as published: every count with its margins, `None` where hidden. A 1-D list has one
/// row of `cells`; its `col_totals` repeat that row and its one row total is the `total`.
///
/// Show hidden numbers with a neutral mark ("·", "suppressed"), not "<5": the counts hidden to
/// protect the small ones are not small.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Published {
    pub cells: Vec<Vec<Option<u64>>>,
    pub row_totals: Vec<Option<u64>>,
    pub col_totals: Vec<Option<u64>>,
    pub total: Option<u64>,
}

/// Tables that cannot be published as given; `table` is the index in the slice passed in.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SuppressError {
    #[error("table {table}: counts must have one row per row value and one count per column value")]
    Shape { table: usize },
    #[error("table {table}: a dimension or a value appears twice, so one number would have two cells")]
    Repeated { table: usize },
    #[error("{identity} is {counts:?} in different tables")]
    Inconsistent { identity: String, counts: [u64; 2] },
}

/// Hides every count below `threshold` (0 included) and enough others that no hidden count can be
/// worked out exactly from a table's published numbers; one result per table, in order.
///
/// Deterministic: the same tables in the same order always publish the same way. Fails, hiding
/// nothing, if a table is malformed or two tables disagree on a shared number (e.g. a 1-D list
/// built from different data than a cross-tab with the same dimension).
pub fn suppress(tables: &[Table], threshold: u64) -> Result<Vec<Published>, SuppressError> {
    let mut numbers = Numbers::default();
    let grids = tables
        .iter()
        .enumerate()
        .map(|(index, table)| Grid::new(index, table, &mut numbers))
        .collect::<Result<Vec<_>, _>>()?;
    let counts = numbers.counts;
    let mut hidden: Vec<bool> = counts.iter().map(|&count| count < threshold).collect();
    // Hiding only ever grows, so this ends. A complement chosen for one table can hide a number
    // that an earlier table shows too, and may leave it exposed there: hence passes until none.
    let mut changed = true;
    while changed {
        changed = false;
        for grid in &grids {
            while let Some(exposed) = grid.first_exposed(&counts, &hidden) {
                for id in grid.complement(exposed, &counts, &hidden) {
                    hidden[id] = true;
                }
                changed = true;
            }
        }
    }
    Ok(grids.iter().map(|grid| grid.publish(&counts, &hidden)).collect())
}

/// The measure and the `dimension = value` pairs, sorted by dimension, that name one number.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Identity {
    measure: String,
    pairs: Vec<(String, String)>,
}

impl fmt::Display for Identity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pairs: Vec<String> = self
            .pairs
            .iter()
            .map(|(dim, value)| format!("{dim}={value}"))
            .collect();
        write!(f, "{}{{{}}}", self.measure, pairs.join(", "))
    }
}

/// Every distinct number across the tables, by a dense id.
#[derive(Default)]
struct Numbers {
    ids: HashMap<Identity, usize>,
    counts: Vec<u64>,
}

impl Numbers {
    fn id(&mut self, identity: Identity, count: u64) -> Result<usize, SuppressError> {
        if let Some(&id) = self.ids.get(&identity) {
            if self.counts[id] != count {
                return Err(SuppressError::Inconsistent {
                    identity: identity.to_string(),
                    counts: [self.counts[id], count],
                });
            }
            return Ok(id);
        }
        self.counts.push(count);
        self.ids.insert(identity, self.counts.len() - 1);
        Ok(self.counts.len() - 1)
    }
}

/// A position in a table's extended grid: `row == rows` is the column-total row, `col == cols` the
/// row-total column.
type Cell = (usize, usize);

/// A vertex of the graph whose edges are hidden cells: a line of the extended grid.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Line {
    Row(usize),
    Col(usize),
}

/// A table's extended grid, each position holding the id of the number shown there. A 1-D list is
/// one row whose column totals are its own cells, so its two rows hold the same ids.
struct Grid {
    rows: usize,
    cols: usize,
    list: bool,
    ids: Vec<Vec<usize>>,
}

impl Grid {
    fn new(index: usize, table: &Table, numbers: &mut Numbers) -> Result<Grid, SuppressError> {
        let list = table.row_dim.is_none();
        let rows = if list { 1 } else { table.rows.len() };
        let cols = table.cols.len();
        if table.counts.len() != rows || table.counts.iter().any(|row| row.len() != cols) {
            return Err(SuppressError::Shape { table: index });
        }
        let repeats = |values: &[String]| (1..values.len()).any(|k| values[..k].contains(&values[k]));
        if table.row_dim.as_ref() == Some(&table.col_dim)
            || (!list && repeats(&table.rows))
            || repeats(&table.cols)
        {
            return Err(SuppressError::Repeated { table: index });
        }
        let mut ids = vec![vec![0; cols + 1]; rows + 1];
        for (i, line) in ids.iter_mut().enumerate() {
            for (j, id) in line.iter_mut().enumerate() {
                let in_rows: Vec<usize> = if i < rows { vec![i] } else { (0..rows).collect() };
                let in_cols: Vec<usize> = if j < cols { vec![j] } else { (0..cols).collect() };
                let count = in_rows
                    .iter()
                    .flat_map(|&r| in_cols.iter().map(move |&c| table.counts[r][c]))
                    .sum();
                let mut pairs = Vec::new();
                if let (Some(dim), true) = (&table.row_dim, i < rows) {
                    pairs.push((dim.clone(), table.rows[i].clone()));
                }
                if j < cols {
                    pairs.push((table.col_dim.clone(), table.cols[j].clone()));
                }
                pairs.sort();
                *id = numbers.id(
                    Identity {
                        measure: table.measure.clone(),
                        pairs,
                    },
                    count,
                )?;
            }
        }
        Ok(Grid {
            rows,
            cols,
            list,
            ids,
        })
    }

    /// Whether the sign flip (see the module doc) applies: a row or column total, not the grand
    /// total and not an interior cell.
    fn flipped(&self, (i, j): Cell) -> bool {
        (i == self.rows) != (j == self.cols)
    }

    /// Whether the count at `cell` may take a step of +1 (`up`) or −1 in the flipped sum without
    /// going below zero.
    fn may_step(&self, cell: Cell, up: bool, counts: &[u64]) -> bool {
        let count_rises = up != self.flipped(cell);
        count_rises || counts[self.ids[cell.0][cell.1]] > 0
    }

    /// The first hidden cell, row by row, through which no cycle of hidden cells can move while
    /// every count stays ≥ 0. An empty table has none: its margins are empty sums, zero by its
    /// shape alone, and there is nothing to hide them behind.
    fn first_exposed(&self, counts: &[u64], hidden: &[bool]) -> Option<Cell> {
        if self.rows == 0 || self.cols == 0 {
            return None;
        }
        let cells = (0..=self.rows).flat_map(|i| (0..=self.cols).map(move |j| (i, j)));
        cells.filter(|&(i, j)| hidden[self.ids[i][j]]).find(|&(i, j)| {
            // A step up goes row → column along the cell, so the cycle must come back column → row.
            let through_up = self.may_step((i, j), true, counts)
                && self.reaches(Line::Col(j), Line::Row(i), (i, j), counts, hidden);
            let through_down = self.may_step((i, j), false, counts)
                && self.reaches(Line::Row(i), Line::Col(j), (i, j), counts, hidden);
            !through_up && !through_down
        })
    }

    /// Whether a path of hidden cells other than `skip` leads from `from` to `to`, each cell taken
    /// row → column by a step up or column → row by a step down.
    fn reaches(&self, from: Line, to: Line, skip: Cell, counts: &[u64], hidden: &[bool]) -> bool {
        let vertex = |line: Line| match line {
            Line::Row(i) => i,
            Line::Col(j) => self.rows + 1 + j,
        };
        let mut seen = vec![false; self.rows + self.cols + 2];
        seen[vertex(from)] = true;
        let mut queue = VecDeque::from([from]);
        while let Some(line) = queue.pop_front() {
            if line == to {
                return true;
            }
            let steps: Vec<(Cell, bool, Line)> = match line {
                Line::Row(i) => (0..=self.cols).map(|j| ((i, j), true, Line::Col(j))).collect(),
                Line::Col(j) => (0..=self.rows).map(|i| ((i, j), false, Line::Row(i))).collect(),
            };
            for (cell, up, next) in steps {
                if cell != skip
                    && hidden[self.ids[cell.0][cell.1]]
                    && self.may_step(cell, up, counts)
                    && !seen[vertex(next)]
                {
                    seen[vertex(next)] = true;
                    queue.push_back(next);
                }
            }
        }
        false
    }

    /// The ids to hide so that `(i, j)` lies on a rectangle of hidden cells that can move: the
    /// choice that hides no new margin if one exists, then the least newly hidden count, then
    /// interior lines before margin lines, then the first by position.
    fn complement(&self, (i, j): Cell, counts: &[u64], hidden: &[bool]) -> Vec<usize> {
        let margin = |(a, b): Cell| b == self.cols || (a == self.rows && !self.list);
        let candidates = (0..=self.rows)
            .filter(|&i2| i2 != i)
            .flat_map(|i2| (0..=self.cols).filter(move |&j2| j2 != j).map(move |j2| (i2, j2)));
        candidates
            .filter(|&(i2, j2)| {
                let corners = [(i, j), (i, j2), (i2, j2), (i2, j)];
                // Around the rectangle the steps alternate; try it both ways round.
                [true, false].into_iter().any(|up| {
                    corners
                        .iter()
                        .enumerate()
                        .all(|(k, &cell)| self.may_step(cell, up == (k % 2 == 0), counts))
                })
            })
            .map(|(i2, j2)| {
                let mut new: Vec<(usize, bool)> = Vec::new();
                for cell in [(i, j2), (i2, j2), (i2, j)] {
                    let id = self.ids[cell.0][cell.1];
                    if !hidden[id] && !new.iter().any(|&(seen, _)| seen == id) {
                        new.push((id, margin(cell)));
                    }
                }
                let hides_margin = new.iter().any(|&(_, is_margin)| is_margin);
                let cost: u64 = new.iter().map(|&(id, _)| counts[id]).sum();
                let margin_lines = usize::from(i2 == self.rows && !self.list) + usize::from(j2 == self.cols);
                ((hides_margin, cost, margin_lines, i2, j2), new)
            })
            .min_by_key(|(key, _)| *key)
            .map(|(_, new)| new.into_iter().map(|(id, _)| id).collect())
            // Pairing an interior line with a margin line on both axes gives a rectangle whose
            // counts all rise together, so some rectangle always moves.
            .expect("a non-empty table has a movable rectangle through every cell")
    }

    fn publish(&self, counts: &[u64], hidden: &[bool]) -> Published {
        let shown = |i: usize, j: usize| {
            let id = self.ids[i][j];
            (!hidden[id]).then_some(counts[id])
        };
        Published {
            cells: (0..self.rows)
                .map(|i| (0..self.cols).map(|j| shown(i, j)).collect())
                .collect(),
            row_totals: (0..self.rows).map(|i| shown(i, self.cols)).collect(),
            col_totals: (0..self.cols).map(|j| shown(self.rows, j)).collect(),
            total: shown(self.rows, self.cols),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::HashMap;

    fn strings(values: &[&str]) -> Vec<String> {
        values.iter().map(|value| value.to_string()).collect()
    }

    fn list(dim: &str, values: &[&str], counts: &[u64]) -> Table {
        Table {
            measure: "filed".into(),
            row_dim: None,
            col_dim: dim.into(),
            rows: vec![String::new()],
            cols: strings(values),
            counts: vec![counts.to_vec()],
        }
    }

    fn cross(row_dim: &str, rows: &[&str], col_dim: &str, cols: &[&str], counts: &[&[u64]]) -> Table {
        Table {
            measure: "filed".into(),
            row_dim: Some(row_dim.into()),
            col_dim: col_dim.into(),
            rows: strings(rows),
            cols: strings(cols),
            counts: counts.iter().map(|row| row.to_vec()).collect(),
        }
    }

    /// The table as a reader sees it, one line per row and the column totals last; `·` is hidden.
    fn show(published: &Published) -> Vec<String> {
        let number = |n: &Option<u64>| n.map_or("·".to_string(), |n| n.to_string());
        let line = |cells: &[Option<u64>], total: &Option<u64>| {
            let cells: Vec<String> = cells.iter().map(number).collect();
            format!("{} | {}", cells.join(" "), number(total))
        };
        let mut lines: Vec<String> = published
            .cells
            .iter()
            .zip(&published.row_totals)
            .map(|(row, total)| line(row, total))
            .collect();
        lines.push(line(&published.col_totals, &published.total));
        lines
    }

    /// A list's one line; its column totals are its cells.
    fn show_list(published: &Published) -> String {
        let lines = show(published);
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0], lines[1]);
        lines[0].clone()
    }

    /// Every number of a published table with its true count and the identity a reader would give
    /// it, worked out here from the table rather than taken from `suppress`; row by row through
    /// the extended grid, each row's total at its end and the column totals last.
    fn numbers(table: &Table, published: &Published) -> Vec<(String, u64, Option<u64>)> {
        let name = |row: Option<&String>, col: Option<&String>| {
            let mut pairs = Vec::new();
            if let (Some(dim), Some(value)) = (&table.row_dim, row) {
                pairs.push(format!("{dim}={value}"));
            }
            if let Some(value) = col {
                pairs.push(format!("{}={value}", table.col_dim));
            }
            pairs.sort();
            format!("{}{{{}}}", table.measure, pairs.join(", "))
        };
        let rows = table.counts.len();
        let cols = table.cols.len();
        let row_total = |r: usize| table.counts[r].iter().sum::<u64>();
        let col_total = |c: usize| (0..rows).map(|r| table.counts[r][c]).sum::<u64>();
        let mut out = Vec::new();
        for r in 0..rows {
            for c in 0..cols {
                let row = table.row_dim.as_ref().map(|_| &table.rows[r]);
                out.push((
                    name(row, Some(&table.cols[c])),
                    table.counts[r][c],
                    published.cells[r][c],
                ));
            }
            let row = table.row_dim.as_ref().map(|_| &table.rows[r]);
            out.push((name(row, None), row_total(r), published.row_totals[r]));
        }
        for c in 0..cols {
            out.push((
                name(None, Some(&table.cols[c])),
                col_total(c),
                published.col_totals[c],
            ));
        }
        out.push((name(None, None), (0..rows).map(row_total).sum(), published.total));
        out
    }

    /// The extended grid of a published table: row totals in the last column, column totals in
    /// the last row.
    fn grid(published: &Published) -> Vec<Vec<Option<u64>>> {
        let mut grid: Vec<Vec<Option<u64>>> = published
            .cells
            .iter()
            .zip(&published.row_totals)
            .map(|(row, total)| row.iter().copied().chain([*total]).collect())
            .collect();
        grid.push(
            published
                .col_totals
                .iter()
                .copied()
                .chain([published.total])
                .collect(),
        );
        grid
    }

    /// What publication promises, checked on the output alone: shown numbers are true, every count
    /// below the threshold is hidden, a number has one status in every table, and in every table
    /// each hidden number lies on a cycle of hidden numbers in the extended grid (not a bridge),
    /// so no line can be solved for it. Tables without rows or columns are exempt from the last:
    /// their margins are zero by their shape alone.
    fn audit(tables: &[Table], published: &[Published], threshold: u64) {
        assert_eq!(tables.len(), published.len());
        let mut status: HashMap<String, (u64, bool)> = HashMap::new();
        for (table, published) in tables.iter().zip(published) {
            for (identity, count, shown) in numbers(table, published) {
                assert!(
                    shown.is_none() || shown == Some(count),
                    "{identity} shown as {shown:?}, is {count}"
                );
                assert!(
                    count >= threshold || shown.is_none(),
                    "{identity} = {count} is shown"
                );
                let first = *status.entry(identity.clone()).or_insert((count, shown.is_none()));
                assert_eq!(
                    first,
                    (count, shown.is_none()),
                    "{identity} differs between tables"
                );
            }
            let grid = grid(published);
            let (rows, cols) = (grid.len() - 1, grid[0].len() - 1);
            if rows == 0 || cols == 0 {
                continue;
            }
            for (i, j) in (0..=rows).flat_map(|i| (0..=cols).map(move |j| (i, j))) {
                if grid[i][j].is_none() {
                    assert!(
                        on_a_cycle(&grid, (i, j)),
                        "hidden ({i}, {j}) is a bridge in {grid:?}"
                    );
                }
            }
        }
    }

    /// Whether the row and the column of `cell` stay connected through the other hidden cells.
    fn on_a_cycle(grid: &[Vec<Option<u64>>], cell: (usize, usize)) -> bool {
        let (rows, cols) = (grid.len(), grid[0].len());
        // Rows are vertices 0..rows, columns rows..rows + cols.
        let mut seen = vec![false; rows + cols];
        let mut stack = vec![cell.0];
        seen[cell.0] = true;
        while let Some(v) = stack.pop() {
            let neighbours: Vec<usize> = if v < rows {
                (0..cols)
                    .filter(|&j| grid[v][j].is_none() && (v, j) != cell)
                    .map(|j| rows + j)
                    .collect()
            } else {
                let j = v - rows;
                (0..rows)
                    .filter(|&i| grid[i][j].is_none() && (i, j) != cell)
                    .collect()
            };
            for n in neighbours {
                if !seen[n] {
                    seen[n] = true;
                    stack.push(n);
                }
            }
        }
        seen[rows + cell.1]
    }

    /// The hidden numbers that every filling-in with whole counts ≥ 0 agreeing with every line of
    /// every table gives the same value, found by trying them all; `None` when there are too many
    /// to try. Values run up to the largest grand total plus one: no number exceeds its grand
    /// total, and one more lets a hidden grand total show that it too could be otherwise.
    fn pinned_down(tables: &[Table], published: &[Published]) -> Option<Vec<String>> {
        let mut vars: Vec<String> = Vec::new();
        // Each line: the sum of its terms plus its published part is zero (totals count negative).
        let mut lines: Vec<(Vec<(usize, i64)>, i64)> = Vec::new();
        for (table, published) in tables.iter().zip(published) {
            let numbers = numbers(table, published);
            let grid: Vec<&[(String, u64, Option<u64>)]> = numbers.chunks(table.cols.len() + 1).collect();
            let (rows, cols) = (grid.len() - 1, table.cols.len());
            let row_lines = (0..=rows).map(|i| {
                (0..=cols)
                    .map(|j| ((i, j), if j == cols { -1 } else { 1 }))
                    .collect()
            });
            let col_lines = (0..=cols).map(|j| {
                (0..=rows)
                    .map(|i| ((i, j), if i == rows { -1 } else { 1 }))
                    .collect()
            });
            for cells in row_lines
                .chain(col_lines)
                .collect::<Vec<Vec<((usize, usize), i64)>>>()
            {
                let mut terms: Vec<(usize, i64)> = Vec::new();
                let mut constant = 0;
                for ((i, j), sign) in cells {
                    let (identity, _, shown) = &grid[i][j];
                    if let Some(n) = shown {
                        constant += sign * *n as i64;
                        continue;
                    }
                    let var = vars.iter().position(|v| v == identity).unwrap_or_else(|| {
                        vars.push(identity.clone());
                        vars.len() - 1
                    });
                    match terms.iter_mut().find(|term| term.0 == var) {
                        Some(term) => term.1 += sign,
                        None => terms.push((var, sign)),
                    }
                }
                // A list's column line holds its cell twice, once as the total: it says nothing.
                terms.retain(|term| term.1 != 0);
                lines.push((terms, constant));
            }
        }
        let bound = tables
            .iter()
            .map(|t| t.counts.iter().flatten().sum::<u64>())
            .max()
            .unwrap_or(0) as i64
            + 1;
        // Only a number that closes no line is tried value by value.
        let closes_a_line = |k: usize| {
            lines
                .iter()
                .any(|(terms, _)| terms.iter().map(|t| t.0).max() == Some(k))
        };
        let tried = (0..vars.len()).filter(|&k| !closes_a_line(k)).count();
        if (bound as f64 + 1.0).powi(tried as i32) > 1e5 {
            return None;
        }
        let mut seen = vec![(i64::MAX, i64::MIN); vars.len()];
        let mut values = vec![0; vars.len()];
        fill(0, &mut values, &lines, bound, &mut seen);
        let pinned = vars.iter().zip(seen).filter(|&(_, (low, high))| low == high);
        Some(
            pinned
                .map(|(identity, (value, _))| format!("{identity} = {value}"))
                .collect(),
        )
    }

    /// Tries every value of `values[k..]`; a value that a line fixes once its other terms are
    /// known is computed rather than tried. Records the range each variable takes in solutions.
    fn fill(
        k: usize,
        values: &mut Vec<i64>,
        lines: &[(Vec<(usize, i64)>, i64)],
        bound: i64,
        seen: &mut [(i64, i64)],
    ) {
        if k == values.len() {
            for (var, &value) in values.iter().enumerate() {
                seen[var] = (seen[var].0.min(value), seen[var].1.max(value));
            }
            return;
        }
        // The lines whose last unknown is `values[k]`, each as (its sign there, the rest of its sum).
        let closing: Vec<(i64, i64)> = lines
            .iter()
            .filter(|(terms, _)| terms.iter().map(|&(var, _)| var).max() == Some(k))
            .map(|(terms, constant)| {
                let sign = terms.iter().find(|&&(var, _)| var == k).unwrap().1;
                let rest: i64 = terms
                    .iter()
                    .filter(|&&(var, _)| var != k)
                    .map(|&(var, s)| s * values[var])
                    .sum();
                (sign, constant + rest)
            })
            .collect();
        let tries: Vec<i64> = match closing.first() {
            Some(&(sign, rest)) => vec![-rest * sign],
            None => (0..=bound).collect(),
        };
        for value in tries.into_iter().filter(|&v| (0..=bound).contains(&v)) {
            if closing.iter().all(|&(sign, rest)| rest + sign * value == 0) {
                values[k] = value;
                fill(k + 1, values, lines, bound, seen);
            }
        }
    }

    #[test]
    fn a_lone_small_cell_in_a_list_takes_the_next_smallest_with_it() {
        let tables = [list(
            "kind",
            &["patent", "utility", "design", "trademark"],
            &[40, 12, 3, 7],
        )];
        let published = suppress(&tables, 5).unwrap();
        // Hiding 3 alone, 62 − 40 − 12 − 7 gives it away; the total stays.
        assert_eq!(show_list(&published[0]), "40 12 · · | 62");
        audit(&tables, &published, 5);
    }

    #[test]
    fn one_small_cell_in_a_cross_tab_hides_the_cheapest_rectangle_of_four() {
        let tables = [cross(
            "track",
            &["fast", "standard", "expert"],
            "kind",
            &["patent", "design", "trademark"],
            &[&[3, 10, 12], &[8, 9, 20], &[15, 6, 11]],
        )];
        let published = suppress(&tables, 5).unwrap();
        // Of the rectangles through the 3, fast–standard × patent–design hides least (10 + 8 + 9).
        assert_eq!(
            show(&published[0]),
            ["· · 12 | 25", "· · 20 | 37", "15 6 11 | 32", "26 25 43 | 94"]
        );
        audit(&tables, &published, 5);
    }

    #[test]
    fn a_table_of_only_small_counts_is_hidden_entirely() {
        let tables = [cross(
            "track",
            &["fast", "standard"],
            "kind",
            &["patent", "design"],
            &[&[1, 0], &[2, 1]],
        )];
        let published = suppress(&tables, 5).unwrap();
        assert_eq!(show(&published[0]), ["· · | ·", "· · | ·", "· · | ·"]);
        audit(&tables, &published, 5);
    }

    #[test]
    fn hidden_zeros_are_not_given_away_by_a_row_that_adds_up_without_them() {
        let tables = [cross(
            "track",
            &["fast", "standard"],
            "kind",
            &["patent", "design", "trademark"],
            &[&[0, 0, 12], &[8, 9, 10]],
        )];
        let published = suppress(&tables, 5).unwrap();
        // Hiding the square of both zeros with 8 and 9 would leave fast's row saying 0 + 0 = 12 − 12,
        // so the 12 must go, and with it the standard row beneath each hidden cell.
        assert_eq!(show(&published[0]), ["· · · | 12", "· · · | 27", "8 9 22 | 39"]);
        audit(&tables, &published, 5);
        assert_eq!(pinned_down(&tables, &published), Some(vec![]));
    }

    #[test]
    fn a_kind_hidden_to_protect_one_table_is_hidden_in_every_table_that_shows_it() {
        let kinds = ["patent", "trademark", "design"];
        let tables = [
            cross(
                "track",
                &["fast", "standard"],
                "kind",
                &kinds,
                &[&[20, 6, 2], &[15, 8, 1]],
            ),
            list("kind", &kinds, &[35, 14, 3]),
            cross(
                "outcome",
                &["settled", "withdrawn"],
                "kind",
                &kinds,
                &[&[25, 9, 3], &[10, 5, 0]],
            ),
        ];
        let published = suppress(&tables, 5).unwrap();
        // Design's total (3) is hidden everywhere; the track table protects it with the cheapest
        // other kind total, trademark's 14, which is then hidden in the other two tables too.
        assert_eq!(show(&published[0]), ["20 · · | 28", "15 · · | 24", "35 · · | 52"]);
        assert_eq!(show_list(&published[1]), "35 · · | 52");
        // The outcome table now shows two hidden totals on a line of their own, 14 + 3 = 52 − 35,
        // with nothing to hide them behind: it hides its own trademark cells to close the cycle.
        assert_eq!(show(&published[2]), ["25 · · | 37", "10 · · | 15", "35 · · | 52"]);
        audit(&tables, &published, 5);
    }

    #[test]
    fn tables_without_rows_or_columns_hide_their_zero_margins_and_nothing_else() {
        let tables = [
            list("kind", &[], &[]),
            cross("track", &["fast", "standard"], "outcome", &[], &[&[], &[]]),
            cross("month", &[], "size", &["small", "large"], &[]),
        ];
        let published = suppress(&tables, 5).unwrap();
        assert_eq!(show(&published[0]), [" | ·", " | ·"]);
        assert_eq!(show(&published[1]), [" | ·", " | ·", " | ·"]);
        assert_eq!(show(&published[2]), ["· · | ·"]);
        audit(&tables, &published, 5);
    }

    #[test]
    fn tables_that_disagree_on_a_shared_number_are_refused() {
        let kinds = ["patent", "design"];
        let tables = [
            cross(
                "track",
                &["fast", "standard"],
                "kind",
                &kinds,
                &[&[20, 6], &[15, 8]],
            ),
            list("kind", &kinds, &[35, 15]),
        ];
        assert_eq!(
            suppress(&tables, 5),
            Err(SuppressError::Inconsistent {
                identity: "filed{kind=design}".into(),
                counts: [14, 15]
            })
        );
        let ragged = [cross("track", &["fast"], "kind", &kinds, &[&[20]])];
        assert_eq!(suppress(&ragged, 5), Err(SuppressError::Shape { table: 0 }));
        let twice = [list("kind", &["patent", "patent"], &[20, 20])];
        assert_eq!(suppress(&twice, 5), Err(SuppressError::Repeated { table: 0 }));
    }

    const DIMS: [(&str, &[&str]); 3] = [
        ("kind", &["patent", "utility", "design", "trademark", "copyright"]),
        ("track", &["fast", "standard", "expert"]),
        ("outcome", &["settled", "withdrawn", "dismissed", "referred"]),
    ];

    /// Counts as they come: many below the threshold, zeros among them, some large.
    fn count() -> impl Strategy<Value = u64> {
        prop_oneof![3 => 0u64..5, 1 => 5u64..10, 1 => 10u64..40]
    }

    /// Cases counted by kind × track × outcome; every table is a view of the same cases, so shared
    /// margins agree as they do in the office's data.
    #[derive(Debug, Clone)]
    struct Cube {
        sizes: [usize; 3],
        counts: Vec<u64>,
    }

    impl Cube {
        fn at(&self, index: [usize; 3]) -> u64 {
            let [_, tracks, outcomes] = self.sizes;
            self.counts[(index[0] * tracks + index[1]) * outcomes + index[2]]
        }

        /// The cases counted by `row` (a dimension, or none for a list) × `col`.
        fn table(&self, row: Option<usize>, col: usize) -> Table {
            let values = |d: usize| strings(&DIMS[d].1[..self.sizes[d]]);
            let rows = row.map_or(1, |d| self.sizes[d]);
            let mut counts = vec![vec![0; self.sizes[col]]; rows];
            let [kinds, tracks, outcomes] = self.sizes;
            for index in
                (0..kinds).flat_map(|k| (0..tracks).flat_map(move |t| (0..outcomes).map(move |o| [k, t, o])))
            {
                counts[row.map_or(0, |d| index[d])][index[col]] += self.at(index);
            }
            Table {
                measure: "filed".into(),
                row_dim: row.map(|d| DIMS[d].0.into()),
                col_dim: DIMS[col].0.into(),
                rows: row.map_or(vec![String::new()], values),
                cols: values(col),
                counts,
            }
        }
    }

    fn cubes() -> impl Strategy<Value = Cube> {
        (1..=5usize, 1..=3usize, 1..=4usize).prop_flat_map(|(kinds, tracks, outcomes)| {
            proptest::collection::vec(count(), kinds * tracks * outcomes).prop_map(move |counts| Cube {
                sizes: [kinds, tracks, outcomes],
                counts,
            })
        })
    }

    /// Every list and every cross-tab, both ways round.
    fn shapes() -> Vec<(Option<usize>, usize)> {
        let lists = (0..3).map(|col| (None, col));
        let crosses = (0..3).flat_map(|row| {
            (0..3)
                .filter(move |&col| col != row)
                .map(move |col| (Some(row), col))
        });
        lists.chain(crosses).collect()
    }

    /// One table alone, a list or a cross-tab of up to 3 × 4, small enough to try every filling-in
    /// of its hidden numbers.
    fn small_tables() -> impl Strategy<Value = Table> {
        (1..=4usize, 1..=3usize, any::<bool>()).prop_flat_map(|(kinds, tracks, list)| {
            let tracks = if list { 1 } else { tracks };
            proptest::collection::vec(count(), kinds * tracks).prop_map(move |counts| {
                let cube = Cube {
                    sizes: [kinds, tracks, 1],
                    counts,
                };
                cube.table((!list).then_some(1), 0)
            })
        })
    }

    proptest! {
        #[test]
        fn tables_cut_from_the_same_cases_pass_the_audit(
            cube in cubes(),
            picks in proptest::collection::vec(0..9usize, 1..=4),
        ) {
            let shapes = shapes();
            let tables: Vec<Table> = picks.iter().map(|&p| cube.table(shapes[p].0, shapes[p].1)).collect();
            let published = suppress(&tables, 5).unwrap();
            audit(&tables, &published, 5);
            if let Some(pinned) = pinned_down(&tables, &published) {
                prop_assert!(pinned.is_empty(), "{:?} pinned down in {:?}", pinned, published.iter().map(show).collect::<Vec<_>>());
            }
            prop_assert_eq!(suppress(&tables, 5).unwrap(), published);
        }

        #[test]
        fn no_hidden_number_of_a_small_table_can_be_worked_out(table in small_tables()) {
            let tables = [table];
            let published = suppress(&tables, 5).unwrap();
            audit(&tables, &published, 5);
            if let Some(pinned) = pinned_down(&tables, &published) {
                prop_assert!(pinned.is_empty(), "{:?} pinned down in {:?}", pinned, show(&published[0]));
            }
        }
    }
}

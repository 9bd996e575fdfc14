//! Raw SQL, written one way for both backends: every value is bound and written `?`; for
//! PostgreSQL the markers are numbered (`$1`, `$2`, …) when the statement is built. (diesel's
//! multi-backend connection runs no raw SQL itself, so the statement then goes to the
//! backend's own connection in a `match`.)

use std::borrow::Cow;

use super::DbConn;

pub fn for_backend<'a>(sql: &'a str, conn: &DbConn) -> Cow<'a, str> {
    match conn {
        DbConn::Sqlite(_) => Cow::Borrowed(sql),
        DbConn::Postgres(_) => Cow::Owned(numbered(sql)),
    }
}

/// `?` outside quotes becomes `$n`, counting from 1.
fn numbered(sql: &str) -> String {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut n = 0;
    let mut quoted = false;
    for ch in sql.chars() {
        match ch {
            '\'' => {
                quoted = !quoted;
                out.push(ch);
            }
            '?' if !quoted => {
                n += 1;
                out.push('$');
                out.push_str(&n.to_string());
            }
            _ => out.push(ch),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::numbered;

    #[test]
    fn markers_are_numbered_but_not_inside_quotes() {
        assert_eq!(
            numbered("SELECT a FROM t WHERE b = ? AND c = '?' AND d IN (?, ?)"),
            "SELECT a FROM t WHERE b = $1 AND c = '?' AND d IN ($2, $3)"
        );
        assert_eq!(numbered("SELECT 1"), "SELECT 1");
    }
}

//! The migrations are embedded in the binary (`diesel_migrations::embed_migrations!`), which
//! reads their folders at compile time: a new migration must rebuild it.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}

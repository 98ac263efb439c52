//! Several clients at once on every kind of write: nothing fails for lack of a lock, the
//! final state is what the successes imply, the change feed never skips a commit, and a
//! killed process loses no acknowledged write.

mod durability;
mod feed;
mod records;
mod writes;

use serde_json::{Value, json};

/// Concurrent clients in these tests: the floor is 12.
pub const CLIENTS: usize = 12;

/// A valid firm of its own (no registry id, which must be unique), for client `i`'s `n`th.
pub fn own_firm(i: usize, n: usize) -> Value {
    json!({"kind": "firm", "name": format!("Concurrent Firm {i}-{n}"), "country": "SN", "city": "Dakar"})
}

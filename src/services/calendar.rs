//! A person's calendar feed: started or renewed (revoking every earlier URL), or stopped.
//! Each is recorded in the audit log: the URL is a credential for what the feed shows.

use diesel::QueryResult;
use serde_json::json;

use crate::audit::{self, Actor, Event};
use crate::db::{DbConn, write_tx};
use crate::models::calendar;
use crate::models::user::User;
use crate::models::{self};

/// Starts the feed, or moves it to a new URL. Returns the new generation.
pub fn renew(conn: &mut DbConn, user: &User) -> QueryResult<i32> {
    let actor = Actor::user(user);
    write_tx(conn, |c| {
        let generation = calendar::renew(c, user.id, models::now())?;
        audit::record(
            c,
            Event {
                actor: &actor,
                action: "calendar.renewed",
                object: Some(("user", user.id.to_string())),
                details: json!({ "generation": generation }),
                address: None,
            },
        )?;
        Ok(generation)
    })
}

/// Stops the feed: its URL answers nothing from now on.
pub fn stop(conn: &mut DbConn, user: &User) -> QueryResult<()> {
    let actor = Actor::user(user);
    write_tx(conn, |c| {
        if calendar::stop(c, user.id, models::now())? {
            audit::record(
                c,
                Event {
                    actor: &actor,
                    action: "calendar.stopped",
                    object: Some(("user", user.id.to_string())),
                    details: json!({}),
                    address: None,
                },
            )?;
        }
        Ok(())
    })
}

//! `fermata … | head`: when the reader of stdout goes away, the binary stops quietly with
//! status 141 (as if killed by SIGPIPE, what shells report for `yes | head`), never with a
//! panic message.

mod common;

use common::*;
use std::process::Stdio;

/// Runs `fermata ARGS` with stdout a pipe whose reading end is already closed, so the first
/// write fails with EPIPE; returns the status code and stderr.
fn run_into_closed_pipe(args: &[&str]) -> (Option<i32>, String) {
    let (reader, writer) = std::io::pipe().expect("a pipe");
    drop(reader);
    let out = fermata()
        .args(args)
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .expect("the fermata binary runs");
    (out.status.code(), stderr(&out))
}

#[test]
fn a_closed_stdout_ends_the_program_quietly() {
    let dir = tempdir();
    let home = dir.path().join("home");
    let home = path_str(&home);
    // Plain text (println!), JSON (println! behind `?`), and a table.
    for args in [
        vec!["--home", home, "init"],
        vec!["--home", home, "init", "--json"],
        vec!["--home", home, "party", "list"],
    ] {
        let (code, stderr) = run_into_closed_pipe(&args);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(stderr, "", "{args:?}");
        assert_eq!(code, Some(141), "{args:?}: {stderr}");
    }
    // What was asked was done: the registry exists.
    let listed = run(&["--home", home, "party", "list", "--json"]);
    assert!(listed.status.success(), "{}", stderr(&listed));
}

//! The layer rules of docs/architecture.md ("Layers"), checked over the source tree: the two
//! faces (`src/api`, JSON; `src/pages`, HTML) never import each other and never reach the
//! store; only the application layer (`src/app`) does.

use std::path::{Path, PathBuf};

/// Every `.rs` file under `dir`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).expect("read the source tree") {
            let path = entry.expect("a directory entry").path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|ext| ext == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// The lines of the files under `src/<face>` that contain one of `forbidden`, outside comments.
fn violations(face: &str, forbidden: &[&str]) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(face);
    let files = rust_files(&dir);
    assert!(!files.is_empty(), "no source files under {}", dir.display());
    let mut found = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).expect("read a source file");
        for (number, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            if let Some(pattern) = forbidden.iter().find(|pattern| names(code, pattern)) {
                found.push(format!(
                    "{}:{}: {pattern:?} in {}",
                    file.display(),
                    number + 1,
                    line.trim()
                ));
            }
        }
    }
    found
}

/// Whether `code` holds `pattern` as a whole name (not followed by more of an identifier, so
/// `.store` is not found in `.stored`).
fn names(code: &str, pattern: &str) -> bool {
    code.match_indices(pattern).any(|(at, _)| {
        code[at + pattern.len()..]
            .chars()
            .next()
            .is_none_or(|next| !(next.is_alphanumeric() || next == '_'))
    })
}

/// What names the store from a face: its handle in the state, its traits, its backends.
const STORE: [&str; 5] = [
    ".store",
    "kairos_store::prelude",
    "kairos_store::Store",
    "kairos_store_sqlite",
    "kairos_store_postgres",
];

#[test]
fn the_json_face_imports_neither_the_pages_nor_the_store() {
    let mut forbidden = vec!["crate::pages", "super::super::pages"];
    forbidden.extend(STORE);
    let found = violations("api", &forbidden);
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_html_face_imports_neither_the_api_nor_the_store() {
    let mut forbidden = vec!["crate::api", "super::super::api"];
    forbidden.extend(STORE);
    let found = violations("pages", &forbidden);
    assert!(found.is_empty(), "{}", found.join("\n"));
}

#[test]
fn the_check_sees_a_violation() {
    // The application layer does call the store, so the same scan finds it there: the check
    // above cannot pass by reading nothing.
    assert!(!violations("app", &STORE).is_empty());
}

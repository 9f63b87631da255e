//! What the command-line tests share: running the built `xtask` and writing pages.
#![allow(dead_code)] // each test file uses its own part

use std::path::Path;
use std::process::{Command, Output};
use std::time::SystemTime;

pub fn xtask(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).output().expect("xtask runs")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn write_page(root: &Path, rel: &str, text: &str) {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

pub const PAGE: &str = "---\ndoc_type: apiPageType\n---\n# Get widget\n\nNamespace: microsoft.graph\n\nReads one widget.\n\n## HTTP request\n```http\nGET /widgets/{id}\n```\n\n## Response\nIf successful, this method returns a `200 OK` response code and a [widget](../resources/widget.md) object.\n";
pub const RESOURCE: &str = "---\ndoc_type: resourcePageType\n---\n# widget resource type\n\nNamespace: microsoft.graph\n\nA widget.\n\n## Properties\n| Property | Type | Description |\n|--|--|--|\n| id | String | Key. |\n| size | Int32 | Size. |\n";

/// Every file below `dir` (path relative to it), with its contents and modification time, sorted.
pub fn files_below(dir: &Path) -> Vec<(String, Vec<u8>, SystemTime)> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let modified = std::fs::metadata(&path).unwrap().modified().unwrap();
                files.push((path.strip_prefix(dir).unwrap().display().to_string(), std::fs::read(&path).unwrap(), modified));
            }
        }
    }
    files.sort();
    files
}

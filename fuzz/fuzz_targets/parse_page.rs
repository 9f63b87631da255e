//! Arbitrary bytes -> one page: `parse_page` must never panic.
#![no_main]

use docgen::diagnostics::Diagnostics;
use docgen::load::SourceFile;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    for path in ["api/page.md", "resources/page.md"] {
        let mut diags = Diagnostics::default();
        let page = docgen::parse::parse_page(&SourceFile { path: path.into(), text: text.clone() }, &mut diags);
        // Every diagnostic is located in the page it came from.
        for d in diags.iter() {
            assert_eq!(d.file, path, "{d}");
            assert!(d.line >= 1, "{d}");
        }
        std::hint::black_box(page);
    }
});

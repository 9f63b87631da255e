//! The audit on the real 2021-07 corpus against its CSDL metadata (the answer
//! key): every figure must stay at or above its bar.

mod common;

/// Bars, in percent. Where the fidelity issue sets a bar and the figure meets
/// it, the bar is the (`issue`); elsewhere it is the figure measured
/// when it was last raised minus about half a point, so that the test catches
/// regressions (`guard`). Raise them as the reader improves (run `cargo xtask
/// audit --docs ../shared/corpus/graph-v1.0-2021-07 --metadata
/// ../shared/metadata/graph-v1.0-2021-07.csdl.xml` to see the current values).
const ENDPOINT_RECALL: f64 = 99.0; // issue; measured 100.0 (3022/3023)
const ENDPOINT_PRECISION: f64 = 97.0; // issue; measured 98.7 (3022/3061)
const TYPE_RECALL: f64 = 98.0; // issue; measured 99.9 (914/915)
const TYPE_PRECISION: f64 = 95.0; // guard; measured 95.7 (960/1003)
const PROPERTY_NAME_RECALL: f64 = 98.0; // issue; measured 98.2 (7364/7501)
const PROPERTY_NAME_PRECISION: f64 = 98.0; // issue; measured 98.8 (7364/7454)
const PROPERTY_TYPE_AGREEMENT: f64 = 97.0; // issue; measured 97.6 (7184/7364)
const ENUM_MEMBER_RECALL: f64 = 97.0; // guard, the 98 is not met; measured 97.5 (1606/1647)
const ENUM_MEMBER_PRECISION: f64 = 66.0; // guard; measured 66.7 (1606/2407)
const ENUM_TYPE_RECALL: f64 = 99.0; // guard; measured 100.0 (288/288)
const ENUM_TYPE_PRECISION: f64 = 89.5; // guard; measured 90.3 (288/319)
const PARAMETER_RECALL: f64 = 96.1; // guard, the 97 is not met; measured 96.6 (400/414)
const PARAMETER_PRECISION: f64 = 98.5; // guard; measured 99.0 (400/404)
const PARAMETER_TYPE_AGREEMENT: f64 = 96.7; // guard; measured 97.2 (381/392)
const RETURN_TYPE_AGREEMENT: f64 = 95.0; // issue; measured 96.0 (361/376)
const RESPONSE_EXAMPLES_VALID: f64 = 90.0; // issue; measured 94.7 (1124/1187)
const RESPONSE_EXAMPLES_DECLARED: f64 = 81.0; // guard; measured 81.6 (970/1188)

/// Lower bounds on what is counted, so that a reader that finds nothing cannot pass.
const MIN_REFERENCE_ENDPOINTS: usize = 2500;
const MIN_TYPES_WITH_A_PAGE: usize = 800;
const MIN_PROPERTY_PAIRS: usize = 6000;
const MIN_DOCUMENTED_ACTION_PARAMETERS: usize = 300;

#[test]
fn audit_of_the_2021_07_corpus_meets_the_bars() {
    let shared = common::shared();
    let docs = shared.join("corpus/graph-v1.0-2021-07");
    let metadata = shared.join("metadata/graph-v1.0-2021-07.csdl.xml");
    assert!(docs.is_dir(), "{} is missing", docs.display());
    assert!(metadata.is_file(), "{} is missing", metadata.display());

    let audit = docgen_tools::audit::run(&docs, &metadata).unwrap();
    let report = audit.table();
    let figure = |key: &str| audit.figure(key).unwrap_or_else(|| panic!("no figure `{key}`"));

    assert!(figure("endpoints").recall.unwrap().total >= MIN_REFERENCE_ENDPOINTS, "{report}");
    assert!(figure("types").recall.unwrap().total >= MIN_TYPES_WITH_A_PAGE, "{report}");
    assert!(figure("property_names").recall.unwrap().total >= MIN_PROPERTY_PAIRS, "{report}");
    assert!(figure("parameters").recall.unwrap().total >= MIN_DOCUMENTED_ACTION_PARAMETERS, "{report}");

    let bars = [
        ("endpoints", "recall", ENDPOINT_RECALL),
        ("endpoints", "precision", ENDPOINT_PRECISION),
        ("types", "recall", TYPE_RECALL),
        ("types", "precision", TYPE_PRECISION),
        ("property_names", "recall", PROPERTY_NAME_RECALL),
        ("property_names", "precision", PROPERTY_NAME_PRECISION),
        ("property_types", "agreement", PROPERTY_TYPE_AGREEMENT),
        ("enum_members", "recall", ENUM_MEMBER_RECALL),
        ("enum_members", "precision", ENUM_MEMBER_PRECISION),
        ("enum_types", "recall", ENUM_TYPE_RECALL),
        ("enum_types", "precision", ENUM_TYPE_PRECISION),
        ("parameters", "recall", PARAMETER_RECALL),
        ("parameters", "precision", PARAMETER_PRECISION),
        ("parameter_types", "agreement", PARAMETER_TYPE_AGREEMENT),
        ("return_types", "agreement", RETURN_TYPE_AGREEMENT),
        ("response_examples", "agreement", RESPONSE_EXAMPLES_VALID),
        ("response_examples_declared", "agreement", RESPONSE_EXAMPLES_DECLARED),
    ];
    let mut below = Vec::new();
    for (key, which, bar) in bars {
        let f = figure(key);
        let ratio = match which {
            "recall" => f.recall,
            "precision" => f.precision,
            _ => f.agreement,
        };
        let percent = ratio.and_then(|r| r.percent()).unwrap_or_else(|| panic!("`{key}` has no {which} figure\n{report}"));
        if percent < bar {
            below.push(format!("{} {which} {percent:.1}% is below the bar {bar:.1}%", f.label));
        }
    }
    assert!(below.is_empty(), "{}\n\n{report}", below.join("\n"));
}

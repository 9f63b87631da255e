//! Generated crates must compile cleanly: the seed's crate and the committed
//! `generated/` crate are checked with `-D warnings`, and the latter's own
//! tests (the runtime's unit tests and doctests) are run.

mod common;

#[test]
fn seed_crate_compiles_without_warnings() {
    let docs = common::seed_docs();
    let out = tempfile::tempdir().unwrap();
    let generation = docgen::generate(docs.path(), &docgen::emit::CrateOptions::default()).unwrap();
    docgen::output::write(out.path(), &generation.files).unwrap();
    common::cargo(out.path(), &["check", "--all-targets", "--all-features"]);
    common::cargo(out.path(), &["check", "--no-default-features"]);
}

/// Each product-area feature compiles on its own (with and without the client).
#[test]
fn every_area_feature_compiles_alone() {
    let generated = common::workspace_root().join("generated");
    let manifest = std::fs::read_to_string(generated.join("Cargo.toml")).unwrap();
    let full = manifest.lines().find_map(|l| l.strip_prefix("full = [")).expect("a `full` feature listing the areas");
    let areas: Vec<&str> = full.trim_end_matches(']').split(", ").map(|a| a.trim_matches('"')).collect();
    assert!(areas.len() >= 2, "{areas:?}");
    common::cargo(&generated, &["check", "--no-default-features"]);
    for area in areas {
        common::cargo(&generated, &["check", "--no-default-features", "--features", area]);
        common::cargo(&generated, &["check", "--no-default-features", "--features", &format!("client {area}")]);
    }
}

/// Without its default features the crate needs serde and serde_json and
/// nothing else: the HTTP client and the typed scalars are features.
#[test]
fn required_dependencies_are_serde_and_serde_json() {
    let generated = common::workspace_root().join("generated");
    let output = std::process::Command::new(env!("CARGO"))
        .args(["tree", "--no-default-features", "-e", "normal", "--depth", "1", "--prefix", "none", "--format", "{p}"])
        .current_dir(&generated)
        .output()
        .expect("cargo runs");
    let tree = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let dependencies: Vec<&str> = tree.lines().skip(1).filter_map(|line| line.split_whitespace().next()).collect();
    assert_eq!(dependencies, ["serde", "serde_json"], "{tree}");
}

/// Without `client` (the typed scalars or not) no proc macro is built:
/// `serde_derive` and `syn` were most of the time of checking one area.
#[test]
fn types_build_without_proc_macros() {
    let generated = common::workspace_root().join("generated");
    for features in [&["--no-default-features"][..], &["--no-default-features", "--features", "scalars"]] {
        let output = std::process::Command::new(env!("CARGO"))
            .args(["tree", "-e", "normal,build", "--prefix", "none", "--format", "{p}"])
            .args(features)
            .current_dir(&generated)
            .output()
            .expect("cargo runs");
        let tree = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        for proc_macro in ["serde_derive", "syn "] {
            assert!(!tree.contains(proc_macro), "{features:?} builds {proc_macro}:\n{tree}");
        }
    }
}

#[test]
fn committed_generated_crate_compiles_and_passes_its_tests() {
    let generated = common::workspace_root().join("generated");
    common::cargo(&generated, &["test", "--all-features"]);
    common::cargo(&generated, &["doc", "--no-deps"]);
    rustdoc_leads_from_me_to_create_upload_session();
}

/// `POST /me/messages/{message-id}/attachments/createUploadSession` is found in
/// the rustdoc by following `me`, `messages`, `attachments`: each page has the
/// method and links the page of the builder it returns (issue 20).
fn rustdoc_leads_from_me_to_create_upload_session() {
    let doc = common::workspace_root().join("target/generated-crates/doc/graph_client/operations");
    let steps = [
        ("fn.me.html", None, "users/struct.User.html"),
        ("users/struct.User.html", Some("method.messages"), "messages/struct.Messages.html"),
        ("users/messages/struct.Messages.html", Some("method.by_id"), "struct.Message.html"),
        ("users/messages/struct.Message.html", Some("method.attachments"), "attachments/struct.Attachments.html"),
    ];
    for (page, method, link) in steps {
        let html = std::fs::read_to_string(doc.join(page)).unwrap_or_else(|e| panic!("{page}: {e}"));
        if let Some(method) = method {
            assert!(html.contains(&format!("id=\"{method}\"")), "{page} has no {method}");
        }
        assert!(html.contains(&format!("href=\"{link}\"")), "{page} does not link {link}");
    }
    let last = std::fs::read_to_string(doc.join("users/messages/attachments/struct.Attachments.html")).unwrap();
    assert!(last.contains("id=\"method.create_upload_session\""), "Attachments has no create_upload_session");
    assert!(last.contains("/createUploadSession"), "the method's doc names its path");
}

/// The member constants are checked names: a misspelt member, or a member of
/// another type than the request returns, does not compile, while the right
/// ones (and free strings) do. Each program is checked as a user's crate that
/// depends on `generated/`.
#[test]
fn member_names_are_checked_by_the_compiler() {
    let generated = common::workspace_root().join("generated");
    let user = tempfile::tempdir().unwrap();
    let manifest = format!(
        "[package]\nname = \"user\"\nversion = \"0.0.0\"\nedition = \"2021\"\n\n[dependencies]\ngraph-client = {{ path = {:?}, default-features = false, features = [\"outlook\"] }}\nserde_json = \"1\"\n\n[workspace]\n",
        generated.display().to_string()
    );
    std::fs::write(user.path().join("Cargo.toml"), manifest).unwrap();
    std::fs::create_dir_all(user.path().join("src")).unwrap();
    let check = |body: &str| {
        let program = format!("use graph_client::{{operations, types, Patch}};\n\npub fn f() {{\n    {body}\n}}\n");
        std::fs::write(user.path().join("src/lib.rs"), program).unwrap();
        let output = std::process::Command::new(env!("CARGO"))
            .args(["check", "--quiet"])
            .current_dir(user.path())
            .env("CARGO_TARGET_DIR", common::workspace_root().join("target/generated-crates"))
            .output()
            .expect("cargo runs");
        (output.status.success(), String::from_utf8_lossy(&output.stderr).into_owned())
    };
    let right = "let _ = operations::me().messages().by_id(\"m\").attachments().list().select(&[types::Attachment::NAME]).order_by(&[types::Attachment::SIZE.desc()]);
    let _ = operations::me().messages().by_id(\"m\").attachments().list().select(&[\"name\", \"extension_x\"]);
    let _ = Patch::new(types::Attachment::default()).clear(types::Attachment::CONTENT_TYPE);";
    let (ok, errors) = check(right);
    assert!(ok, "{errors}");
    let (ok, errors) = check("let _ = operations::me().messages().by_id(\"m\").attachments().list().select(&[types::Attachment::NAMEE]);");
    assert!(!ok && errors.contains("NAMEE"), "a misspelt member compiled: {errors}");
    let (ok, errors) =
        check("let _ = operations::me().messages().by_id(\"m\").attachments().list().select(&[types::AttachmentItem::NAME]);");
    assert!(!ok && errors.contains("MemberOf"), "a member of another type compiled: {errors}");
    let (ok, errors) = check("let _ = Patch::new(types::Attachment::default()).clear(types::AttachmentItem::NAME);");
    assert!(!ok && errors.contains("mismatched types"), "another type's member was cleared: {errors}");
}

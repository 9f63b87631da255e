#![cfg(feature = "outlook")]
//! `@odata.type` polymorphism of the generated types: a derived value reaches
//! its concrete type, and upcasting keeps the discriminator and every field.

use graph_client::types::{Attachment, AttachmentKind, FileAttachment};

#[test]
fn attachments_reach_their_concrete_type() {
    let json = r##"{"@odata.type": "#microsoft.graph.fileAttachment", "id": "a1", "name": "notes.txt", "contentBytes": "aGk=", "custom": 7}"##;
    let attachment: Attachment = serde_json::from_str(json).unwrap();
    assert_eq!(attachment.name.as_deref(), Some("notes.txt"));
    let AttachmentKind::FileAttachment(file) = attachment.clone().into_kind() else { panic!("not a file attachment") };
    #[cfg(feature = "scalars")]
    assert_eq!(file.content_bytes.as_deref(), Some(b"hi".as_slice()), "base64 is read into bytes");
    assert_eq!(file.additional_properties["custom"], 7);

    // A derived type with no members of its own still reaches its type, and keeps its base's members.
    let link: Attachment = serde_json::from_str(r##"{"@odata.type": "#microsoft.graph.referenceAttachment", "name": "link"}"##).unwrap();
    assert!(matches!(link.into_kind(), AttachmentKind::ReferenceAttachment(r) if r.name.as_deref() == Some("link")));

    // A derived type the docs of this crate do not describe stays the base value.
    let other: Attachment = serde_json::from_str(r##"{"@odata.type": "#microsoft.graph.itemAttachment", "name": "mail"}"##).unwrap();
    assert!(matches!(other.into_kind(), AttachmentKind::Other(a) if a.name.as_deref() == Some("mail")));
}

#[test]
fn derived_values_upcast_with_their_discriminator() {
    let file = FileAttachment { name: Some("a.txt".into()), content_bytes: Some("aGk=".parse().unwrap()), ..Default::default() };
    let attachment: Attachment = file.into();
    assert_eq!(attachment.odata_type.as_deref(), Some(FileAttachment::ODATA_TYPE));
    let sent = serde_json::to_value(&attachment).unwrap();
    assert_eq!(sent, serde_json::json!({"@odata.type": "#microsoft.graph.fileAttachment", "name": "a.txt", "contentBytes": "aGk="}));
}

#[test]
fn unknown_enum_values_survive_a_round_trip() {
    use graph_client::types::AttachmentType;
    let value: AttachmentType = serde_json::from_str("\"hologram\"").unwrap();
    assert_eq!(value, AttachmentType::Unknown("hologram".into()));
    assert_eq!(serde_json::to_string(&value).unwrap(), "\"hologram\"");
    assert_eq!(serde_json::from_str::<AttachmentType>("\"file\"").unwrap(), AttachmentType::File);
}

#[cfg(feature = "scalars")]
#[test]
fn a_member_that_does_not_fit_the_concrete_type_leaves_the_value_whole() {
    let json = r##"{"@odata.type": "#microsoft.graph.fileAttachment", "name": "notes.txt", "contentBytes": "not base64!", "custom": 7}"##;
    let attachment: Attachment = serde_json::from_str(json).unwrap();
    let AttachmentKind::Other(unchanged) = attachment.clone().into_kind() else { panic!("read as a file attachment") };
    assert_eq!(unchanged, attachment, "nothing taken out of it");
    assert_eq!(serde_json::to_value(&unchanged).unwrap(), serde_json::from_str::<serde_json::Value>(json).unwrap());
}

#[test]
fn a_round_trip_through_the_base_type_keeps_every_member() {
    let json = r##"{"@odata.type": "#microsoft.graph.fileAttachment", "id": "a1", "contentBytes": "aGk=", "contentId": "c1", "custom": [1]}"##;
    let file: FileAttachment = serde_json::from_str(json).unwrap();
    let base: Attachment = file.clone().into();
    assert_eq!(base.additional_properties.len(), 3, "contentBytes, contentId and custom travel as JSON: {base:?}");
    let AttachmentKind::FileAttachment(back) = base.into_kind() else { panic!("not a file attachment") };
    assert_eq!(back, file);
}

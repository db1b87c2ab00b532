//! Text in the document holds no NUL character, as the server has it: every string schema with
//! no pattern, format or list of values of its own is given one that says so. (The patterns of
//! `constraints` exclude NUL themselves.)

use utoipa::openapi::schema::{AdditionalProperties, ArrayItems, SchemaType, Type};
use utoipa::openapi::OpenApi as Document;
use utoipa::openapi::{PathItem, RefOr, Schema};
use utoipa::Modify;

/// Any text without a NUL character.
pub const NO_NUL: &str = r"^[^\x00]*$";

pub struct TextWithoutNul;

impl Modify for TextWithoutNul {
    fn modify(&self, doc: &mut Document) {
        if let Some(components) = doc.components.as_mut() {
            for schema in components.schemas.values_mut() {
                visit(schema);
            }
        }
        for item in doc.paths.paths.values_mut() {
            for op in operations(item) {
                for p in op.parameters.iter_mut().flatten() {
                    if let Some(schema) = p.schema.as_mut() {
                        visit(schema);
                    }
                }
                if let Some(body) = op.request_body.as_mut() {
                    for content in body.content.values_mut() {
                        if let Some(schema) = content.schema.as_mut() {
                            visit(schema);
                        }
                    }
                }
            }
        }
    }
}

fn operations(item: &mut PathItem) -> impl Iterator<Item = &mut utoipa::openapi::path::Operation> {
    [
        item.get.as_mut(),
        item.post.as_mut(),
        item.put.as_mut(),
        item.patch.as_mut(),
        item.delete.as_mut(),
    ]
    .into_iter()
    .flatten()
}

fn is_text(t: &SchemaType) -> bool {
    match t {
        SchemaType::Type(t) => *t == Type::String,
        SchemaType::Array(types) => types.contains(&Type::String),
        SchemaType::AnyValue => false,
    }
}

fn visit(schema: &mut RefOr<Schema>) {
    let RefOr::T(schema) = schema else {
        return;
    };
    match schema {
        Schema::Object(o) => {
            if is_text(&o.schema_type)
                && o.pattern.is_none()
                && o.format.is_none()
                && o.enum_values.is_none()
            {
                o.pattern = Some(NO_NUL.to_string());
            }
            for p in o.properties.values_mut() {
                visit(p);
            }
            if let Some(AdditionalProperties::RefOr(s)) = o.additional_properties.as_deref_mut() {
                visit(s);
            }
        }
        Schema::Array(a) => {
            if let ArrayItems::RefOrSchema(items) = &mut a.items {
                visit(items);
            }
        }
        Schema::OneOf(x) => x.items.iter_mut().for_each(visit),
        Schema::AnyOf(x) => x.items.iter_mut().for_each(visit),
        Schema::AllOf(x) => x.items.iter_mut().for_each(visit),
        _ => {}
    }
}

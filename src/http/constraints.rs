//! The documented shape of input values: the patterns and bounds the domain's checks apply,
//! written as JSON Schema for the OpenAPI document, so that a value the document admits is one
//! the server accepts and a value it refuses is one the server refuses. The DTOs point their
//! fields here with `#[schema(schema_with = ...)]`.

use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn};
use utoipa::openapi::schema::{
    AllOfBuilder, AnyOfBuilder, ArrayBuilder, KnownFormat, ObjectBuilder, OneOfBuilder,
    SchemaFormat, SchemaType, Type,
};
use utoipa::openapi::{RefOr, Required, Schema};

use crate::domain::ledger::{ActivityType, CostBasisMethod};
use crate::domain::money::{MAX_INTEGER_DIGITS, MAX_SCALE};
use crate::domain::{AccountType, ChartRange, Symbol};

/// What `str::trim` removes (Unicode `White_Space`), as the body of a regex class. Spelled out
/// because `\s` differs between regex dialects (Python's also holds U+001C..U+001F).
const WS: &str = r"\t-\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000";

/// Control characters (`char::is_control`).
const CONTROL: &str = r"\x00-\x1f\x7f-\x9f";

fn string(pattern: String) -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(pattern))
}

/// A string with no rules (response headers).
pub fn plain_string() -> Schema {
    ObjectBuilder::new().schema_type(Type::String).into()
}

/// An integer with no rules (response headers).
pub fn plain_integer() -> Schema {
    ObjectBuilder::new().schema_type(Type::Integer).into()
}

fn null() -> Schema {
    ObjectBuilder::new().schema_type(Type::Null).into()
}

/// `schema`, or `null` (an optional field: absent and `null` alike mean "not given").
fn or_null(schema: impl Into<RefOr<Schema>>) -> Schema {
    OneOfBuilder::new().item(schema).item(null()).into()
}

/// Text that is trimmed, then `min..=max` characters long (min >= 1).
fn trimmed(min: usize, max: usize) -> String {
    let middle = max.saturating_sub(2);
    let first_extra = min.saturating_sub(2);
    let core = if min <= 1 {
        format!("[^{WS}\\x00]([^\\x00]{{0,{middle}}}[^{WS}\\x00])?")
    } else {
        format!("[^{WS}\\x00][^\\x00]{{{first_extra},{middle}}}[^{WS}\\x00]")
    };
    format!("^[{WS}]*{core}[{WS}]*$")
}

/// A name: trimmed, 1 to 255 characters (institutions, accounts).
pub fn name() -> Schema {
    string(trimmed(1, 255))
        .description(Some("1 to 255 characters once trimmed."))
        .into()
}

pub fn name_or_null() -> Schema {
    or_null(name())
}

/// A currency's name: trimmed, 1 to 100 characters.
pub fn currency_name() -> Schema {
    string(trimmed(1, 100)).into()
}

pub fn currency_name_or_null() -> Schema {
    or_null(currency_name())
}

/// A currency's symbol: trimmed, 1 to 10 characters.
pub fn currency_symbol() -> Schema {
    string(trimmed(1, 10)).into()
}

pub fn currency_symbol_or_null() -> Schema {
    or_null(currency_symbol())
}

/// An ISO 4217 code in any case, with surrounding space ignored (`eur` is `EUR`).
pub fn currency_code() -> Schema {
    string(format!("^[{WS}]*[A-Za-z]{{3}}[{WS}]*$"))
        .examples(["USD"])
        .into()
}

pub fn currency_code_or_null() -> Schema {
    or_null(currency_code())
}

/// `http://` or `https://` and a host, or a bare host name (stored as `https://` + it), no
/// spaces, at most 500 characters once trimmed and stored; an empty string means none. The bare
/// form is the domain's `is_bare_host`: dotted labels, an optional `:port`, then an optional
/// path, query or fragment; `https://` takes 8 of its 500 characters.
pub fn url_or_null() -> Schema {
    let with_scheme = string(format!(
        "^[{WS}]*(http://[^{WS}\\x00]{{1,493}}|https://[^{WS}\\x00]{{1,492}})?[{WS}]*$"
    ));
    let bare_shape = string(format!(
        "^[{WS}]*[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+(:[0-9]+)?([/?#][^{WS}\\x00]*)?[{WS}]*$"
    ));
    let bare_length = string(format!("^[{WS}]*[^{WS}\\x00]{{1,492}}[{WS}]*$"));
    or_null(
        AnyOfBuilder::new()
            .item(with_scheme)
            .item(AllOfBuilder::new().item(bare_shape).item(bare_length))
            .description(Some(
                "An http:// or https:// address, or a host name such as bank.example (stored as \
                 https://bank.example), of at most 500 characters as stored; empty or null for \
                 none.",
            )),
    )
}

/// 3 to 50 of `A-Za-z0-9_.-`, surrounding space ignored.
pub fn username() -> Schema {
    string(format!("^[{WS}]*[A-Za-z0-9_.-]{{3,50}}[{WS}]*$"))
        .examples(["ann_smith"])
        .into()
}

pub fn username_or_null() -> Schema {
    or_null(username())
}

/// An email address as the server checks one: one `@`, a non-empty local part, a dotted domain
/// with no empty label, no spaces or control characters, at most 254 characters (written here
/// as at most 64 before the `@` and two or three labels of at most 62 after it).
pub fn email() -> Schema {
    let local = format!("[^@{WS}{CONTROL}]");
    let label = format!("[^@.{WS}{CONTROL}]");
    // At most 64 + 1 + 3 x 62 + 2 = 253 characters: within the server's 254 however the
    // address is surrounded by space, which it trims.
    string(format!(
        "^[{WS}]*{local}{{1,64}}@{label}{{1,62}}(\\.{label}{{1,62}}){{1,2}}[{WS}]*$"
    ))
    .examples(["ann@example.com"])
    .into()
}

pub fn email_or_null() -> Schema {
    or_null(email())
}

/// The account types, any case, surrounding space ignored.
pub fn account_type() -> Schema {
    let names: Vec<&str> = AccountType::ALL.iter().map(|t| t.as_str()).collect();
    any_case_of(&names)
}

/// The cost-basis methods, any case, surrounding space ignored.
pub fn cost_basis_method_or_null() -> Schema {
    let names: Vec<&str> = CostBasisMethod::ALL.iter().map(|m| m.as_str()).collect();
    or_null(any_case_of(&names))
}

/// One of `names`, any case, surrounding space ignored.
pub fn any_case_of(names: &[&str]) -> Schema {
    let any_case: Vec<String> = names
        .iter()
        .map(|n| {
            n.chars()
                .map(|c| {
                    if c.is_ascii_alphabetic() {
                        format!("[{}{}]", c, c.to_ascii_uppercase())
                    } else {
                        c.to_string()
                    }
                })
                .collect()
        })
        .collect();
    string(format!("^[{WS}]*({})[{WS}]*$", any_case.join("|")))
        .description(Some(format!("One of {} (any case).", names.join(", "))))
        .examples([names[0]])
        .into()
}

pub fn account_type_or_null() -> Schema {
    or_null(account_type())
}

/// A decimal string: an optional `-` (when `signed`), at most `MAX_INTEGER_DIGITS` integer
/// digits with no leading zero, and at most `places` decimals once trailing zeros go.
fn decimal_pattern(signed: bool, places: u32) -> String {
    let sign = if signed { "-?" } else { "" };
    let more = MAX_INTEGER_DIGITS - 1;
    format!("^{sign}(0|[1-9][0-9]{{0,{more}}})(\\.[0-9]{{1,{places}}}0*)?$")
}

/// `10^-places`, spelled so that the document shows `1e-10`, not a rounding of it.
fn step(places: u32) -> f64 {
    format!("1e-{places}").parse().unwrap_or(1.0)
}

/// `10^MAX_INTEGER_DIGITS`: amounts stay below it.
fn limit() -> f64 {
    format!("1e{MAX_INTEGER_DIGITS}")
        .parse()
        .unwrap_or(f64::MAX)
}

/// A decimal given as a string or a JSON number.
fn decimal(text: ObjectBuilder, number: ObjectBuilder, description: &str) -> Schema {
    AnyOfBuilder::new()
        .item(text)
        .item(number)
        .description(Some(description))
        .into()
}

fn number() -> ObjectBuilder {
    ObjectBuilder::new().schema_type(Type::Number)
}

/// An amount of money that may not be negative: balances, cash, prices paid.
pub fn money() -> Schema {
    let places = MAX_SCALE;
    decimal(
        string(decimal_pattern(false, places)).examples(["1000.50"]),
        number()
            .minimum(Some(0))
            .exclusive_maximum(Some(limit()))
            .multiple_of(Some(step(places))),
        "A decimal string or a JSON number, 0 or more, below 10^18, at most 10 decimal places.",
    )
}

pub fn money_or_null() -> Schema {
    or_null(money())
}

/// A number of shares: more than 0, at most 6 decimal places.
pub fn shares() -> Schema {
    let more = MAX_INTEGER_DIGITS - 1;
    decimal(
        string(format!(
            "^([1-9][0-9]{{0,{more}}}(\\.[0-9]{{1,6}}0*)?|0\\.[0-9]{{0,5}}[1-9]0*)$"
        ))
        .examples(["10.5"]),
        number()
            .exclusive_minimum(Some(0))
            .exclusive_maximum(Some(limit()))
            .multiple_of(Some(step(6))),
        "A decimal string or a JSON number, more than 0, below 10^18, at most 6 decimal places.",
    )
}

pub fn shares_or_null() -> Schema {
    or_null(shares())
}

/// An interest rate in percent: 0 to 100, at most 2 decimal places.
pub fn interest_rate_or_null() -> Schema {
    or_null(decimal(
        string("^(100(\\.0+)?|[1-9]?[0-9](\\.[0-9]{1,2}0*)?)$".into()).examples(["4.25"]),
        number()
            .minimum(Some(0))
            .maximum(Some(100))
            .multiple_of(Some(step(2))),
        "Percent per year: a decimal string or a JSON number from 0 to 100, at most 2 decimal \
         places.",
    ))
}

/// A decimal query parameter of any sign.
pub fn signed_amount() -> Schema {
    string(decimal_pattern(true, MAX_SCALE))
        .description(Some(
            "A decimal number below 10^18 in size, at most 10 decimal places.",
        ))
        .examples(["100"])
        .into()
}

/// Years the server takes: 1900 to 9999.
const YEAR: &str = "(19[0-9]{2}|[2-9][0-9]{3})";

/// A month and a day that every year has.
const MONTH_DAY: &str =
    "((0[13578]|1[02])-(0[1-9]|[12][0-9]|3[01])|(0[469]|11)-(0[1-9]|[12][0-9]|30)|02-(0[1-9]|1[0-9]|2[0-8]))";

/// A date, `YYYY-MM-DD`, from year 1900 to 9999.
pub fn date() -> Schema {
    string(format!("^{YEAR}-{MONTH_DAY}$"))
        .description(Some("A date, `YYYY-MM-DD`, years 1900 to 9999."))
        .examples(["2024-01-31"])
        .into()
}

/// An instant: RFC 3339, or a date and time without an offset (read as UTC), or a bare date
/// (midnight UTC), from year 1900 to 9999.
pub fn timestamp() -> Schema {
    AnyOfBuilder::new()
        .item(
            string(format!("^{YEAR}-"))
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime))),
        )
        .item(string(format!(
            "^{YEAR}-{MONTH_DAY}([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]{{1,9}})?)?)?$"
        )))
        .description(Some(
            "RFC 3339 (`2024-01-31T14:30:00Z`); or without an offset, read as UTC \
             (`2024-01-31T14:30`, seconds and fractions optional); or a date (midnight UTC); \
             years 1900 to 9999.",
        ))
        .into()
}

pub fn timestamp_or_null() -> Schema {
    or_null(timestamp())
}

/// A date (`YYYY-MM-DD`) or an RFC 3339 instant, from year 1900 to 9999; blank means none.
pub fn date_or_timestamp() -> Schema {
    AnyOfBuilder::new()
        .description(Some(
            "A date (`YYYY-MM-DD`) or an RFC 3339 time, years 1900 to 9999; blank is not given.",
        ))
        .item(
            string(format!("^{YEAR}-")).format(Some(SchemaFormat::KnownFormat(KnownFormat::Date))),
        )
        .item(
            string(format!("^{YEAR}-"))
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime))),
        )
        .item(string(format!("^[{WS}]*$")))
        .into()
}

/// A bar size of the price routes; empty means the default, `1d`.
pub fn interval() -> Schema {
    string(format!(
        "^([{WS}]*(1m|5m|15m|30m|1h|60m|1d|1wk|1mo)[{WS}]*)?$"
    ))
    .description(Some(
        "One of 1m, 5m, 15m, 30m, 1h (or 60m), 1d, 1wk, 1mo; default 1d.",
    ))
    .examples(["1d"])
    .into()
}

/// A chart range of the price routes; empty means none.
pub fn chart_range() -> Schema {
    let names = ChartRange::ALL.map(ChartRange::as_str);
    string(format!("^([{WS}]*({})[{WS}]*)?$", names.join("|")))
        .description(Some(format!(
            "One of {}; empty is not given.",
            names.join(", ")
        )))
        .examples(["1y"])
        .into()
}

/// A security's id or its ticker symbol.
pub fn security_ref() -> Schema {
    AnyOfBuilder::new()
        .item(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .format(Some(SchemaFormat::KnownFormat(KnownFormat::Uuid))),
        )
        .item(symbol())
        .description(Some(
            "A security's UUID, or a ticker symbol (looked up on Yahoo when unknown).",
        ))
        .into()
}

pub fn security_ref_or_null() -> Schema {
    or_null(security_ref())
}

/// A ticker symbol, any case: at most 20 characters, an optional leading `^`, then letters and
/// digits joined by single `.`, `-` or `=`.
pub fn symbol() -> Schema {
    string(r"^\^?[A-Za-z0-9]+([.=-][A-Za-z0-9]+)*$".to_string())
        .max_length(Some(Symbol::MAX_LEN))
        .examples(["AAPL"])
        .into()
}

/// A query parameter with its schema (for `IntoParams` written by hand, which the derive
/// cannot give both a computed schema and `required`).
pub fn query_param(
    name: &str,
    required: bool,
    description: &str,
    schema: impl Into<RefOr<Schema>>,
) -> Parameter {
    ParameterBuilder::new()
        .name(name)
        .parameter_in(ParameterIn::Query)
        .required(if required {
            Required::True
        } else {
            Required::False
        })
        .description(Some(description))
        .schema(Some(schema))
        .build()
}

/// Where a field error is: `"body"`, `"query"` or `"path"`, then field names and array
/// indices.
pub fn error_location() -> Schema {
    ArrayBuilder::new()
        .items(
            OneOfBuilder::new()
                .item(ObjectBuilder::new().schema_type(Type::String))
                .item(
                    ObjectBuilder::new()
                        .schema_type(Type::Integer)
                        .minimum(Some(0)),
                ),
        )
        .into()
}

/// `schema` holding at least one of the alternatives of `any_of` too.
pub fn with_any_of(schema: impl Into<RefOr<Schema>>, any_of: Vec<Schema>) -> Schema {
    let mut alternatives = AnyOfBuilder::new();
    for a in any_of {
        alternatives = alternatives.item(a);
    }
    AllOfBuilder::new().item(schema).item(alternatives).into()
}

/// `schema` holding exactly one of the alternatives of `one_of` too.
pub fn with_one_of(schema: impl Into<RefOr<Schema>>, one_of: Vec<Schema>) -> Schema {
    let mut alternatives = OneOfBuilder::new();
    for a in one_of {
        alternatives = alternatives.item(a);
    }
    AllOfBuilder::new().item(schema).item(alternatives).into()
}

/// Text with at least one character `str::trim` keeps.
pub fn not_blank() -> ObjectBuilder {
    string(format!("^[^\\x00]*[^{WS}\\x00][^\\x00]*$"))
}

/// An object schema that only says `names` must be present.
pub fn requires(names: &[&str]) -> ObjectBuilder {
    let mut object = ObjectBuilder::new().schema_type(SchemaType::new(Type::Object));
    for name in names {
        object = object.required(*name);
    }
    object
}

/// The activity types, any case, surrounding space ignored.
pub fn activity_type() -> Schema {
    let names: Vec<&str> = ActivityType::ALL.iter().map(|t| t.as_str()).collect();
    any_case_of(&names)
}

pub fn activity_type_or_null() -> Schema {
    or_null(activity_type())
}

pub fn date_or_null() -> Schema {
    or_null(date())
}

/// Binds the user's id, then `DataVersion::MARKET_SCOPE`.
pub(crate) const DATA_VERSION: &str =
    "SELECT scope, version FROM data_versions WHERE scope IN ($1, $2)";

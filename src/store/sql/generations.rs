/// Binds the user's id, then `DataVersion::MARKET_SCOPE`.
pub(crate) const DATA_VERSION: &str =
    "SELECT scope, generation FROM data_generations WHERE scope IN ($1, $2)";

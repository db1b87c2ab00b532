/// Binds the user's id, then `DataVersion::MARKET_SCOPE`.
pub(crate) const DATA_VERSION: &str =
    "SELECT scope, version FROM data_versions WHERE scope IN ($1, $2)";
/// Binds the user's id: each of the user's accounts with its own counter, 0 when nothing
/// belonging to it was ever written.
pub(crate) const ACCOUNT_VERSIONS: &str =
    "SELECT a.id AS scope, COALESCE(v.version, 0) AS version \
     FROM accounts AS a LEFT JOIN data_versions AS v ON v.scope = a.id WHERE a.user_id = $1";

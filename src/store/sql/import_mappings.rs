/// Binds the user, the name, the columns (JSON) and the time: saving again replaces.
pub(crate) const SAVE: &str = "INSERT INTO import_mappings (user_id, name, columns, updated_at) \
     VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, name) \
     DO UPDATE SET columns = excluded.columns, updated_at = excluded.updated_at";

/// Binds the user: every saved mapping, by name.
pub(crate) const OF_USER: &str =
    "SELECT name, columns FROM import_mappings WHERE user_id = $1 ORDER BY name";

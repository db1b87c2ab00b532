-- A generic CSV's column mapping, saved by its user under a name (a broker's), so that the
-- next export from that broker is imported with `--map NAME`.

CREATE TABLE import_mappings (
    user_id     TEXT NOT NULL,
    name        TEXT NOT NULL,
    -- A JSON object: field -> column name.
    columns     TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    CONSTRAINT pk_import_mappings PRIMARY KEY (user_id, name),
    CONSTRAINT fk_import_mappings_user FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- A generic CSV's column mapping, saved by its user under a name (a broker's), so that the
-- next export from that broker is imported with `--map NAME`.

CREATE TABLE import_mappings (
    user_id     uuid         NOT NULL,
    name        text         NOT NULL,
    -- A JSON object: field -> column name.
    columns     text         NOT NULL,
    updated_at  timestamptz  NOT NULL,
    CONSTRAINT pk_import_mappings PRIMARY KEY (user_id, name),
    CONSTRAINT fk_import_mappings_user FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE
);

-- Splits and dividends of each security as the market data reports them with its chart, one
-- row per kind and ex-date: a sync stores them again harmlessly. Performance reads the splits
-- (stored closes are split-adjusted); proposals read both. Decimals are TEXT, as in the other
-- tables.

CREATE TABLE security_events (
    security_id  TEXT NOT NULL,
    kind         TEXT NOT NULL,
    "date"       TEXT NOT NULL,
    -- A split: `numerator` new shares for `denominator` old ones.
    numerator    TEXT,
    denominator  TEXT,
    -- A dividend: the amount per share, in `currency` (the security's quote unit).
    amount       TEXT,
    currency     TEXT,
    CONSTRAINT pk_security_events PRIMARY KEY (security_id, kind, "date"),
    CONSTRAINT fk_security_events_security FOREIGN KEY (security_id)
        REFERENCES securities (id) ON DELETE CASCADE,
    CONSTRAINT ck_security_events_kind CHECK (
        (kind = 'split' AND numerator IS NOT NULL AND denominator IS NOT NULL
            AND amount IS NULL)
        OR (kind = 'dividend' AND amount IS NOT NULL AND numerator IS NULL
            AND denominator IS NULL))
) STRICT, WITHOUT ROWID;

CREATE TRIGGER tr_security_events_data_version_insert AFTER INSERT ON security_events
BEGIN
    INSERT INTO data_versions (scope, version)
        VALUES ('00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_security_events_data_version_update AFTER UPDATE ON security_events
BEGIN
    INSERT INTO data_versions (scope, version)
        VALUES ('00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_security_events_data_version_delete AFTER DELETE ON security_events
BEGIN
    INSERT INTO data_versions (scope, version)
        VALUES ('00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

-- Splits and dividends of each security as the market data reports them with its chart, one
-- row per kind and ex-date: a sync stores them again harmlessly. Performance reads the splits
-- (stored closes are split-adjusted); proposals read both.

CREATE TABLE security_events (
    security_id  uuid           NOT NULL,
    kind         varchar(10)    NOT NULL,
    "date"       date           NOT NULL,
    -- A split: `numerator` new shares for `denominator` old ones.
    numerator    numeric(28,10),
    denominator  numeric(28,10),
    -- A dividend: the amount per share, in `currency` (the security's quote unit).
    amount       numeric(28,10),
    currency     varchar(10),
    CONSTRAINT pk_security_events PRIMARY KEY (security_id, kind, "date"),
    CONSTRAINT fk_security_events_security FOREIGN KEY (security_id)
        REFERENCES securities (id) ON DELETE CASCADE,
    CONSTRAINT ck_security_events_kind CHECK (
        (kind = 'split' AND numerator > 0 AND denominator > 0 AND amount IS NULL)
        OR (kind = 'dividend' AND amount IS NOT NULL AND numerator IS NULL
            AND denominator IS NULL))
);

CREATE TRIGGER tr_security_events_data_version
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON security_events
    FOR EACH STATEMENT EXECUTE FUNCTION raise_market_data_version();

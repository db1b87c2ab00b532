-- The ledger: activities are the source of truth of an investment account. Positions, lots,
-- cash, realized gains and income are derived from them on each read, never stored.
-- Amounts keep the scale they were entered with (numeric without a fixed scale would also do;
-- numeric(28,10) matches the other money columns).

ALTER TABLE accounts ADD COLUMN cost_basis_method text NOT NULL DEFAULT 'fifo'
    CONSTRAINT ck_accounts_cost_basis_method
        CHECK (cost_basis_method IN ('fifo', 'lifo', 'hifo', 'average'));

CREATE TABLE activities (
    id             uuid           NOT NULL,
    account_id     uuid           NOT NULL,
    activity_type  text           NOT NULL,
    "date"         date           NOT NULL,
    security_id    uuid,
    quantity       numeric(28,10),
    unit_price     numeric(28,10),
    amount         numeric(28,10),
    fee            numeric(28,10),
    currency       text           NOT NULL,
    fx_rate        numeric(28,10),
    split_ratio    text,
    notes          text,
    external_id    text,
    created_at     timestamptz    NOT NULL,
    updated_at     timestamptz    NOT NULL,
    CONSTRAINT pk_activities PRIMARY KEY (id),
    CONSTRAINT fk_activities_account FOREIGN KEY (account_id)
        REFERENCES accounts (id) ON DELETE CASCADE,
    CONSTRAINT fk_activities_security FOREIGN KEY (security_id) REFERENCES securities (id),
    CONSTRAINT ck_activities_type CHECK (activity_type IN ('buy', 'sell', 'dividend',
        'interest', 'fee', 'tax', 'deposit', 'withdrawal', 'transfer_in', 'transfer_out',
        'split')),
    -- An import's identity of a row: the same file imported twice adds nothing.
    CONSTRAINT uq_activities_account_external_id UNIQUE (account_id, external_id)
);
-- The replay of one account reads its activities in date order.
CREATE INDEX ix_activities_account_date ON activities (account_id, "date", created_at, id);
CREATE INDEX ix_activities_security ON activities (security_id);

CREATE TRIGGER tr_activities_data_version
    AFTER INSERT OR UPDATE OR DELETE ON activities
    FOR EACH ROW EXECUTE FUNCTION raise_account_owner_data_version();

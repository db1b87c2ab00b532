-- The ledger: activities are the source of truth of an investment account. Positions, lots,
-- cash, realized gains and income are derived from them on each read, never stored.
-- Decimals are TEXT, as in the other tables.

ALTER TABLE accounts ADD COLUMN cost_basis_method TEXT NOT NULL DEFAULT 'fifo'
    CONSTRAINT ck_accounts_cost_basis_method
        CHECK (cost_basis_method IN ('fifo', 'lifo', 'hifo', 'average'));

CREATE TABLE activities (
    id             TEXT NOT NULL,
    account_id     TEXT NOT NULL,
    activity_type  TEXT NOT NULL,
    "date"         TEXT NOT NULL,
    security_id    TEXT,
    quantity       TEXT,
    unit_price     TEXT,
    amount         TEXT,
    fee            TEXT,
    currency       TEXT NOT NULL,
    fx_rate        TEXT,
    split_ratio    TEXT,
    notes          TEXT,
    external_id    TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    CONSTRAINT pk_activities PRIMARY KEY (id),
    CONSTRAINT fk_activities_account FOREIGN KEY (account_id)
        REFERENCES accounts (id) ON DELETE CASCADE,
    CONSTRAINT fk_activities_security FOREIGN KEY (security_id) REFERENCES securities (id),
    CONSTRAINT ck_activities_type CHECK (activity_type IN ('buy', 'sell', 'dividend',
        'interest', 'fee', 'tax', 'deposit', 'withdrawal', 'transfer_in', 'transfer_out',
        'split')),
    -- An import's identity of a row: the same file imported twice adds nothing.
    CONSTRAINT uq_activities_account_external_id UNIQUE (account_id, external_id)
) STRICT;
-- The replay of one account reads its activities in date order.
CREATE INDEX ix_activities_account_date ON activities (account_id, "date", created_at, id);
CREATE INDEX ix_activities_security ON activities (security_id);

CREATE TRIGGER tr_activities_data_version_insert AFTER INSERT ON activities
BEGIN
    INSERT INTO data_versions (scope, version)
        SELECT user_id, 1 FROM accounts WHERE id = NEW.account_id
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_activities_data_version_update AFTER UPDATE ON activities
BEGIN
    INSERT INTO data_versions (scope, version)
        SELECT user_id, 1 FROM accounts WHERE id = OLD.account_id
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
    INSERT INTO data_versions (scope, version)
        SELECT user_id, 1 FROM accounts WHERE id = NEW.account_id AND NEW.account_id IS NOT OLD.account_id
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_activities_data_version_delete AFTER DELETE ON activities
BEGIN
    INSERT INTO data_versions (scope, version)
        SELECT user_id, 1 FROM accounts WHERE id = OLD.account_id
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

-- Proposed activities are derived on each read from the stored splits and dividends and the
-- ledgers; only a user's "no" to one is stored, so that it is not proposed again.

CREATE TABLE proposal_dismissals (
    account_id    TEXT NOT NULL,
    proposal_id   TEXT NOT NULL,
    dismissed_at  TEXT NOT NULL,
    CONSTRAINT pk_proposal_dismissals PRIMARY KEY (account_id, proposal_id),
    CONSTRAINT fk_proposal_dismissals_account FOREIGN KEY (account_id)
        REFERENCES accounts (id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE TRIGGER tr_proposal_dismissals_data_version_insert AFTER INSERT ON proposal_dismissals
BEGIN
    INSERT INTO data_versions (scope, version)
        SELECT user_id, 1 FROM accounts WHERE id = NEW.account_id
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_proposal_dismissals_data_version_update AFTER UPDATE ON proposal_dismissals
BEGIN
    INSERT INTO data_versions (scope, version)
        SELECT user_id, 1 FROM accounts WHERE id = NEW.account_id
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_proposal_dismissals_data_version_delete AFTER DELETE ON proposal_dismissals
BEGIN
    INSERT INTO data_versions (scope, version)
        SELECT user_id, 1 FROM accounts WHERE id = OLD.account_id
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

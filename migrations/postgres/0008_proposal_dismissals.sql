-- Proposed activities are derived on each read from the stored splits and dividends and the
-- ledgers; only a user's "no" to one is stored, so that it is not proposed again.

CREATE TABLE proposal_dismissals (
    account_id    uuid         NOT NULL,
    proposal_id   uuid         NOT NULL,
    dismissed_at  timestamptz  NOT NULL,
    CONSTRAINT pk_proposal_dismissals PRIMARY KEY (account_id, proposal_id),
    CONSTRAINT fk_proposal_dismissals_account FOREIGN KEY (account_id)
        REFERENCES accounts (id) ON DELETE CASCADE
);

CREATE TRIGGER tr_proposal_dismissals_data_version
    AFTER INSERT OR UPDATE OR DELETE ON proposal_dismissals
    FOR EACH ROW EXECUTE FUNCTION raise_account_owner_data_version();

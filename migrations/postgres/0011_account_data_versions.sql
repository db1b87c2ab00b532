-- Each account's own data version, beside its owner's: raised by every write to the rows that
-- belong to the account (activities, holdings, values), under the account's id as the scope.
-- A reader holding a user's ledger rows learns from it which accounts changed after a write,
-- and reads those again instead of the whole ledger. An account's rows deleted with the
-- account raise nothing: the account is gone, and so is what was held of it.

CREATE OR REPLACE FUNCTION raise_account_owner_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    owner uuid;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        SELECT user_id INTO owner FROM accounts WHERE id = OLD.account_id;
        IF owner IS NOT NULL THEN
            PERFORM raise_data_version(owner);
            PERFORM raise_data_version(OLD.account_id);
        END IF;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.account_id IS DISTINCT FROM OLD.account_id) THEN
        SELECT user_id INTO owner FROM accounts WHERE id = NEW.account_id;
        IF owner IS NOT NULL THEN
            PERFORM raise_data_version(owner);
            PERFORM raise_data_version(NEW.account_id);
        END IF;
    END IF;
    RETURN NULL;
END;
$$;

-- Owners first, then accounts, each in id order, so that two statements raising the same
-- counters take their locks in the same order.
CREATE OR REPLACE FUNCTION raise_activity_owners_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM raise_data_version(owners.user_id)
        FROM (SELECT DISTINCT a.user_id
              FROM old_rows AS r JOIN accounts AS a ON a.id = r.account_id
              ORDER BY a.user_id) AS owners;
        PERFORM raise_data_version(ledgers.id)
        FROM (SELECT DISTINCT a.id
              FROM old_rows AS r JOIN accounts AS a ON a.id = r.account_id
              ORDER BY a.id) AS ledgers;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM raise_data_version(owners.user_id)
        FROM (SELECT DISTINCT a.user_id
              FROM new_rows AS r JOIN accounts AS a ON a.id = r.account_id
              ORDER BY a.user_id) AS owners;
        PERFORM raise_data_version(ledgers.id)
        FROM (SELECT DISTINCT a.id
              FROM new_rows AS r JOIN accounts AS a ON a.id = r.account_id
              ORDER BY a.id) AS ledgers;
    END IF;
    RETURN NULL;
END;
$$;

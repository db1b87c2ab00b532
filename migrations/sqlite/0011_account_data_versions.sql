-- Each account's own data version, beside its owner's: raised by every write to the rows that
-- belong to the account (activities, holdings, values), under the account's id as the scope.
-- A reader holding a user's ledger rows learns from it which accounts changed after a write,
-- and reads those again instead of the whole ledger. An account's rows deleted with the
-- account raise nothing: the account is gone, and so is what was held of it.

CREATE TRIGGER tr_activities_account_version_insert AFTER INSERT ON activities
BEGIN
    INSERT INTO data_versions (scope, version)
        SELECT id, 1 FROM accounts WHERE id = NEW.account_id
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_activities_account_version_update AFTER UPDATE ON activities
BEGIN
    INSERT INTO data_versions (scope, version)
        SELECT id, 1 FROM accounts WHERE id = OLD.account_id
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
    INSERT INTO data_versions (scope, version)
        SELECT id, 1 FROM accounts WHERE id = NEW.account_id AND NEW.account_id IS NOT OLD.account_id
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_activities_account_version_delete AFTER DELETE ON activities
BEGIN
    INSERT INTO data_versions (scope, version)
        SELECT id, 1 FROM accounts WHERE id = OLD.account_id
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_holdings_account_version_insert AFTER INSERT ON holdings
BEGIN
    INSERT INTO data_versions (scope, version)
        SELECT id, 1 FROM accounts WHERE id = NEW.account_id
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_holdings_account_version_update AFTER UPDATE ON holdings
BEGIN
    INSERT INTO data_versions (scope, version)
        SELECT id, 1 FROM accounts WHERE id = OLD.account_id
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
    INSERT INTO data_versions (scope, version)
        SELECT id, 1 FROM accounts WHERE id = NEW.account_id AND NEW.account_id IS NOT OLD.account_id
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_holdings_account_version_delete AFTER DELETE ON holdings
BEGIN
    INSERT INTO data_versions (scope, version)
        SELECT id, 1 FROM accounts WHERE id = OLD.account_id
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_account_values_account_version_insert AFTER INSERT ON account_values
BEGIN
    INSERT INTO data_versions (scope, version)
        SELECT id, 1 FROM accounts WHERE id = NEW.account_id
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_account_values_account_version_update AFTER UPDATE ON account_values
BEGIN
    INSERT INTO data_versions (scope, version)
        SELECT id, 1 FROM accounts WHERE id = OLD.account_id
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
    INSERT INTO data_versions (scope, version)
        SELECT id, 1 FROM accounts WHERE id = NEW.account_id AND NEW.account_id IS NOT OLD.account_id
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_account_values_account_version_delete AFTER DELETE ON account_values
BEGIN
    INSERT INTO data_versions (scope, version)
        SELECT id, 1 FROM accounts WHERE id = OLD.account_id
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

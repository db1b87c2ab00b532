-- Data versions: the counters of 0002 under the one name the code gives them, and two more
-- tables that raise them. A user's data version is their own counter with the market counter
-- (under the nil uuid); an answer rendered for a user stays current while both are unchanged,
-- so every table such an answer reads must raise one of them in the writing transaction:
--   - users: a user's own row (base currency, flags) raises that user's counter; a new user
--     starts at zero, with nothing rendered for them yet;
--   - currencies: reference data shared by everyone, like rates, raises the market counter.
-- Counters only grow and keep their values across the rename. SQLite cannot rename a
-- constraint, so the table is made anew and its rows copied.

DROP TRIGGER tr_financial_institutions_generation_insert;
DROP TRIGGER tr_financial_institutions_generation_update;
DROP TRIGGER tr_financial_institutions_generation_delete;
DROP TRIGGER tr_accounts_generation_insert;
DROP TRIGGER tr_accounts_generation_update;
DROP TRIGGER tr_accounts_generation_delete;
DROP TRIGGER tr_account_values_generation_insert;
DROP TRIGGER tr_account_values_generation_update;
DROP TRIGGER tr_account_values_generation_delete;
DROP TRIGGER tr_holdings_generation_insert;
DROP TRIGGER tr_holdings_generation_update;
DROP TRIGGER tr_holdings_generation_delete;
DROP TRIGGER tr_securities_generation_insert;
DROP TRIGGER tr_securities_generation_update;
DROP TRIGGER tr_securities_generation_delete;
DROP TRIGGER tr_security_prices_generation_insert;
DROP TRIGGER tr_security_prices_generation_update;
DROP TRIGGER tr_security_prices_generation_delete;
DROP TRIGGER tr_exchange_rates_generation_insert;
DROP TRIGGER tr_exchange_rates_generation_update;
DROP TRIGGER tr_exchange_rates_generation_delete;

CREATE TABLE data_versions (
    scope    TEXT    NOT NULL,
    version  INTEGER NOT NULL,
    CONSTRAINT pk_data_versions PRIMARY KEY (scope)
) STRICT;
INSERT INTO data_versions (scope, version) SELECT scope, generation FROM data_generations;
DROP TABLE data_generations;

-- Institutions and accounts carry their owner.

CREATE TRIGGER tr_financial_institutions_data_version_insert AFTER INSERT ON financial_institutions
BEGIN
    INSERT INTO data_versions (scope, version)
        VALUES (NEW.user_id, 1)
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_financial_institutions_data_version_update AFTER UPDATE ON financial_institutions
BEGIN
    INSERT INTO data_versions (scope, version)
        VALUES (OLD.user_id, 1)
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
    INSERT INTO data_versions (scope, version)
        SELECT NEW.user_id, 1 WHERE NEW.user_id IS NOT OLD.user_id
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_financial_institutions_data_version_delete AFTER DELETE ON financial_institutions
BEGIN
    INSERT INTO data_versions (scope, version)
        VALUES (OLD.user_id, 1)
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_accounts_data_version_insert AFTER INSERT ON accounts
BEGIN
    INSERT INTO data_versions (scope, version)
        VALUES (NEW.user_id, 1)
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_accounts_data_version_update AFTER UPDATE ON accounts
BEGIN
    INSERT INTO data_versions (scope, version)
        VALUES (OLD.user_id, 1)
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
    INSERT INTO data_versions (scope, version)
        SELECT NEW.user_id, 1 WHERE NEW.user_id IS NOT OLD.user_id
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_accounts_data_version_delete AFTER DELETE ON accounts
BEGIN
    INSERT INTO data_versions (scope, version)
        VALUES (OLD.user_id, 1)
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

-- Values and holdings belong to an account. When the account itself is being deleted its
-- own trigger raises the owner's counter, and the lookup finds nothing.

CREATE TRIGGER tr_account_values_data_version_insert AFTER INSERT ON account_values
BEGIN
    INSERT INTO data_versions (scope, version)
        SELECT user_id, 1 FROM accounts WHERE id = NEW.account_id
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_account_values_data_version_update AFTER UPDATE ON account_values
BEGIN
    INSERT INTO data_versions (scope, version)
        SELECT user_id, 1 FROM accounts WHERE id = OLD.account_id
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
    INSERT INTO data_versions (scope, version)
        SELECT user_id, 1 FROM accounts WHERE id = NEW.account_id AND NEW.account_id IS NOT OLD.account_id
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_account_values_data_version_delete AFTER DELETE ON account_values
BEGIN
    INSERT INTO data_versions (scope, version)
        SELECT user_id, 1 FROM accounts WHERE id = OLD.account_id
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_holdings_data_version_insert AFTER INSERT ON holdings
BEGIN
    INSERT INTO data_versions (scope, version)
        SELECT user_id, 1 FROM accounts WHERE id = NEW.account_id
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_holdings_data_version_update AFTER UPDATE ON holdings
BEGIN
    INSERT INTO data_versions (scope, version)
        SELECT user_id, 1 FROM accounts WHERE id = OLD.account_id
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
    INSERT INTO data_versions (scope, version)
        SELECT user_id, 1 FROM accounts WHERE id = NEW.account_id AND NEW.account_id IS NOT OLD.account_id
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_holdings_data_version_delete AFTER DELETE ON holdings
BEGIN
    INSERT INTO data_versions (scope, version)
        SELECT user_id, 1 FROM accounts WHERE id = OLD.account_id
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

-- The user's own row: the user is the owner.

CREATE TRIGGER tr_users_data_version_update AFTER UPDATE ON users
BEGIN
    INSERT INTO data_versions (scope, version)
        VALUES (OLD.id, 1)
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_users_data_version_delete AFTER DELETE ON users
BEGIN
    INSERT INTO data_versions (scope, version)
        VALUES (OLD.id, 1)
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

-- Market data and currencies are shared by everyone.

CREATE TRIGGER tr_currencies_data_version_insert AFTER INSERT ON currencies
BEGIN
    INSERT INTO data_versions (scope, version)
        VALUES ('00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_currencies_data_version_update AFTER UPDATE ON currencies
BEGIN
    INSERT INTO data_versions (scope, version)
        VALUES ('00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_currencies_data_version_delete AFTER DELETE ON currencies
BEGIN
    INSERT INTO data_versions (scope, version)
        VALUES ('00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_securities_data_version_insert AFTER INSERT ON securities
BEGIN
    INSERT INTO data_versions (scope, version)
        VALUES ('00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_securities_data_version_update AFTER UPDATE ON securities
BEGIN
    INSERT INTO data_versions (scope, version)
        VALUES ('00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_securities_data_version_delete AFTER DELETE ON securities
BEGIN
    INSERT INTO data_versions (scope, version)
        VALUES ('00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_security_prices_data_version_insert AFTER INSERT ON security_prices
BEGIN
    INSERT INTO data_versions (scope, version)
        VALUES ('00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_security_prices_data_version_update AFTER UPDATE ON security_prices
BEGIN
    INSERT INTO data_versions (scope, version)
        VALUES ('00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_security_prices_data_version_delete AFTER DELETE ON security_prices
BEGIN
    INSERT INTO data_versions (scope, version)
        VALUES ('00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_exchange_rates_data_version_insert AFTER INSERT ON exchange_rates
BEGIN
    INSERT INTO data_versions (scope, version)
        VALUES ('00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_exchange_rates_data_version_update AFTER UPDATE ON exchange_rates
BEGIN
    INSERT INTO data_versions (scope, version)
        VALUES ('00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

CREATE TRIGGER tr_exchange_rates_data_version_delete AFTER DELETE ON exchange_rates
BEGIN
    INSERT INTO data_versions (scope, version)
        VALUES ('00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope) DO UPDATE SET version = version + 1;
END;

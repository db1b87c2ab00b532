-- Data versions: the counters of 0002 under the one name the code gives them, and two more
-- tables that raise them. A user's data version is their own counter with the market counter
-- (under the nil uuid); an answer rendered for a user stays current while both are unchanged,
-- so every table such an answer reads must raise one of them in the writing transaction:
--   - users: a user's own row (base currency, flags) raises that user's counter; a new user
--     starts at zero, with nothing rendered for them yet;
--   - currencies: reference data shared by everyone, like rates, raises the market counter.
-- Counters only grow and keep their values across the rename.

DROP TRIGGER tr_financial_institutions_generation ON financial_institutions;
DROP TRIGGER tr_accounts_generation ON accounts;
DROP TRIGGER tr_account_values_generation ON account_values;
DROP TRIGGER tr_holdings_generation ON holdings;
DROP TRIGGER tr_securities_generation ON securities;
DROP TRIGGER tr_security_prices_generation ON security_prices;
DROP TRIGGER tr_exchange_rates_generation ON exchange_rates;
DROP FUNCTION raise_owner_generation();
DROP FUNCTION raise_account_owner_generation();
DROP FUNCTION raise_market_generation();
DROP FUNCTION raise_data_generation(uuid);

ALTER TABLE data_generations RENAME TO data_versions;
ALTER TABLE data_versions RENAME COLUMN generation TO version;
ALTER TABLE data_versions RENAME CONSTRAINT pk_data_generations TO pk_data_versions;

CREATE FUNCTION raise_data_version(target uuid) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO data_versions (scope, version) VALUES (target, 1)
    ON CONFLICT (scope) DO UPDATE SET version = data_versions.version + 1;
$$;

-- Institutions and accounts carry their owner.
CREATE FUNCTION raise_owner_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM raise_data_version(OLD.user_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.user_id IS DISTINCT FROM OLD.user_id) THEN
        PERFORM raise_data_version(NEW.user_id);
    END IF;
    RETURN NULL;
END;
$$;

-- Values and holdings belong to an account. When the account itself is being deleted its
-- own trigger raises the owner's counter, and the lookup finds nothing.
CREATE FUNCTION raise_account_owner_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    owner uuid;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        SELECT user_id INTO owner FROM accounts WHERE id = OLD.account_id;
        IF owner IS NOT NULL THEN
            PERFORM raise_data_version(owner);
        END IF;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.account_id IS DISTINCT FROM OLD.account_id) THEN
        SELECT user_id INTO owner FROM accounts WHERE id = NEW.account_id;
        IF owner IS NOT NULL THEN
            PERFORM raise_data_version(owner);
        END IF;
    END IF;
    RETURN NULL;
END;
$$;

-- The user's own row: the user is the owner.
CREATE FUNCTION raise_user_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM raise_data_version(OLD.id);
    RETURN NULL;
END;
$$;

-- Market data is shared; a sync writes many rows in one statement, so once per statement.
CREATE FUNCTION raise_market_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM raise_data_version('00000000-0000-0000-0000-000000000000');
    RETURN NULL;
END;
$$;

CREATE TRIGGER tr_financial_institutions_data_version
    AFTER INSERT OR UPDATE OR DELETE ON financial_institutions
    FOR EACH ROW EXECUTE FUNCTION raise_owner_data_version();
CREATE TRIGGER tr_accounts_data_version
    AFTER INSERT OR UPDATE OR DELETE ON accounts
    FOR EACH ROW EXECUTE FUNCTION raise_owner_data_version();
CREATE TRIGGER tr_account_values_data_version
    AFTER INSERT OR UPDATE OR DELETE ON account_values
    FOR EACH ROW EXECUTE FUNCTION raise_account_owner_data_version();
CREATE TRIGGER tr_holdings_data_version
    AFTER INSERT OR UPDATE OR DELETE ON holdings
    FOR EACH ROW EXECUTE FUNCTION raise_account_owner_data_version();
CREATE TRIGGER tr_users_data_version
    AFTER UPDATE OR DELETE ON users
    FOR EACH ROW EXECUTE FUNCTION raise_user_data_version();
CREATE TRIGGER tr_currencies_data_version
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON currencies
    FOR EACH STATEMENT EXECUTE FUNCTION raise_market_data_version();
CREATE TRIGGER tr_securities_data_version
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON securities
    FOR EACH STATEMENT EXECUTE FUNCTION raise_market_data_version();
CREATE TRIGGER tr_security_prices_data_version
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON security_prices
    FOR EACH STATEMENT EXECUTE FUNCTION raise_market_data_version();
CREATE TRIGGER tr_exchange_rates_data_version
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON exchange_rates
    FOR EACH STATEMENT EXECUTE FUNCTION raise_market_data_version();

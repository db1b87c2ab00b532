-- Data generations: a counter per user that every write to the user's institutions, accounts,
-- values and holdings raises, and one for market data (securities, prices, exchange rates)
-- under the nil uuid. A reader that finds the generations unchanged knows that what it read
-- before is still current, whichever process or tool wrote since. Triggers raise them in the
-- writing transaction, so a new generation and the data it stands for commit together.
-- Rows are never deleted: a generation only grows.

CREATE TABLE data_generations (
    scope       uuid   NOT NULL,
    generation  bigint NOT NULL,
    CONSTRAINT pk_data_generations PRIMARY KEY (scope)
);

CREATE FUNCTION raise_data_generation(target uuid) RETURNS void
LANGUAGE sql AS $$
    INSERT INTO data_generations (scope, generation) VALUES (target, 1)
    ON CONFLICT (scope) DO UPDATE SET generation = data_generations.generation + 1;
$$;

-- Institutions and accounts carry their owner.
CREATE FUNCTION raise_owner_generation() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' THEN
        PERFORM raise_data_generation(OLD.user_id);
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.user_id IS DISTINCT FROM OLD.user_id) THEN
        PERFORM raise_data_generation(NEW.user_id);
    END IF;
    RETURN NULL;
END;
$$;

-- Values and holdings belong to an account. When the account itself is being deleted its
-- own trigger raises the owner's generation, and the lookup finds nothing.
CREATE FUNCTION raise_account_owner_generation() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    owner uuid;
BEGIN
    IF TG_OP <> 'INSERT' THEN
        SELECT user_id INTO owner FROM accounts WHERE id = OLD.account_id;
        IF owner IS NOT NULL THEN
            PERFORM raise_data_generation(owner);
        END IF;
    END IF;
    IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.account_id IS DISTINCT FROM OLD.account_id) THEN
        SELECT user_id INTO owner FROM accounts WHERE id = NEW.account_id;
        IF owner IS NOT NULL THEN
            PERFORM raise_data_generation(owner);
        END IF;
    END IF;
    RETURN NULL;
END;
$$;

-- Market data is shared; a sync writes many rows in one statement, so once per statement.
CREATE FUNCTION raise_market_generation() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM raise_data_generation('00000000-0000-0000-0000-000000000000');
    RETURN NULL;
END;
$$;

CREATE TRIGGER tr_financial_institutions_generation
    AFTER INSERT OR UPDATE OR DELETE ON financial_institutions
    FOR EACH ROW EXECUTE FUNCTION raise_owner_generation();
CREATE TRIGGER tr_accounts_generation
    AFTER INSERT OR UPDATE OR DELETE ON accounts
    FOR EACH ROW EXECUTE FUNCTION raise_owner_generation();
CREATE TRIGGER tr_account_values_generation
    AFTER INSERT OR UPDATE OR DELETE ON account_values
    FOR EACH ROW EXECUTE FUNCTION raise_account_owner_generation();
CREATE TRIGGER tr_holdings_generation
    AFTER INSERT OR UPDATE OR DELETE ON holdings
    FOR EACH ROW EXECUTE FUNCTION raise_account_owner_generation();
CREATE TRIGGER tr_securities_generation
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON securities
    FOR EACH STATEMENT EXECUTE FUNCTION raise_market_generation();
CREATE TRIGGER tr_security_prices_generation
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON security_prices
    FOR EACH STATEMENT EXECUTE FUNCTION raise_market_generation();
CREATE TRIGGER tr_exchange_rates_generation
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON exchange_rates
    FOR EACH STATEMENT EXECUTE FUNCTION raise_market_generation();

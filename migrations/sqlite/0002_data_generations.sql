-- Data generations: a counter per user that every write to the user's institutions, accounts,
-- values and holdings raises, and one for market data (securities, prices, exchange rates)
-- under the nil uuid. A reader that finds the generations unchanged knows that what it read
-- before is still current, whichever process or tool wrote since. Triggers raise them in the
-- writing transaction, so a new generation and the data it stands for commit together.
-- Rows are never deleted: a generation only grows. SQLite has row triggers only.

CREATE TABLE data_generations (
    scope       TEXT    NOT NULL,
    generation  INTEGER NOT NULL,
    CONSTRAINT pk_data_generations PRIMARY KEY (scope)
) STRICT;

CREATE TRIGGER tr_financial_institutions_generation_insert AFTER INSERT ON financial_institutions
BEGIN
    INSERT INTO data_generations (scope, generation)
        VALUES (NEW.user_id, 1)
        ON CONFLICT (scope) DO UPDATE SET generation = generation + 1;
END;

CREATE TRIGGER tr_financial_institutions_generation_update AFTER UPDATE ON financial_institutions
BEGIN
    INSERT INTO data_generations (scope, generation)
        VALUES (OLD.user_id, 1)
        ON CONFLICT (scope) DO UPDATE SET generation = generation + 1;
    INSERT INTO data_generations (scope, generation)
        SELECT NEW.user_id, 1 WHERE NEW.user_id IS NOT OLD.user_id
        ON CONFLICT (scope) DO UPDATE SET generation = generation + 1;
END;

CREATE TRIGGER tr_financial_institutions_generation_delete AFTER DELETE ON financial_institutions
BEGIN
    INSERT INTO data_generations (scope, generation)
        VALUES (OLD.user_id, 1)
        ON CONFLICT (scope) DO UPDATE SET generation = generation + 1;
END;

CREATE TRIGGER tr_accounts_generation_insert AFTER INSERT ON accounts
BEGIN
    INSERT INTO data_generations (scope, generation)
        VALUES (NEW.user_id, 1)
        ON CONFLICT (scope) DO UPDATE SET generation = generation + 1;
END;

CREATE TRIGGER tr_accounts_generation_update AFTER UPDATE ON accounts
BEGIN
    INSERT INTO data_generations (scope, generation)
        VALUES (OLD.user_id, 1)
        ON CONFLICT (scope) DO UPDATE SET generation = generation + 1;
    INSERT INTO data_generations (scope, generation)
        SELECT NEW.user_id, 1 WHERE NEW.user_id IS NOT OLD.user_id
        ON CONFLICT (scope) DO UPDATE SET generation = generation + 1;
END;

CREATE TRIGGER tr_accounts_generation_delete AFTER DELETE ON accounts
BEGIN
    INSERT INTO data_generations (scope, generation)
        VALUES (OLD.user_id, 1)
        ON CONFLICT (scope) DO UPDATE SET generation = generation + 1;
END;

-- Values and holdings belong to an account. When the account itself is being deleted its
-- own trigger raises the owner's generation, and the lookup finds nothing.

CREATE TRIGGER tr_account_values_generation_insert AFTER INSERT ON account_values
BEGIN
    INSERT INTO data_generations (scope, generation)
        SELECT user_id, 1 FROM accounts WHERE id = NEW.account_id
        ON CONFLICT (scope) DO UPDATE SET generation = generation + 1;
END;

CREATE TRIGGER tr_account_values_generation_update AFTER UPDATE ON account_values
BEGIN
    INSERT INTO data_generations (scope, generation)
        SELECT user_id, 1 FROM accounts WHERE id = OLD.account_id
        ON CONFLICT (scope) DO UPDATE SET generation = generation + 1;
    INSERT INTO data_generations (scope, generation)
        SELECT user_id, 1 FROM accounts WHERE id = NEW.account_id AND NEW.account_id IS NOT OLD.account_id
        ON CONFLICT (scope) DO UPDATE SET generation = generation + 1;
END;

CREATE TRIGGER tr_account_values_generation_delete AFTER DELETE ON account_values
BEGIN
    INSERT INTO data_generations (scope, generation)
        SELECT user_id, 1 FROM accounts WHERE id = OLD.account_id
        ON CONFLICT (scope) DO UPDATE SET generation = generation + 1;
END;

CREATE TRIGGER tr_holdings_generation_insert AFTER INSERT ON holdings
BEGIN
    INSERT INTO data_generations (scope, generation)
        SELECT user_id, 1 FROM accounts WHERE id = NEW.account_id
        ON CONFLICT (scope) DO UPDATE SET generation = generation + 1;
END;

CREATE TRIGGER tr_holdings_generation_update AFTER UPDATE ON holdings
BEGIN
    INSERT INTO data_generations (scope, generation)
        SELECT user_id, 1 FROM accounts WHERE id = OLD.account_id
        ON CONFLICT (scope) DO UPDATE SET generation = generation + 1;
    INSERT INTO data_generations (scope, generation)
        SELECT user_id, 1 FROM accounts WHERE id = NEW.account_id AND NEW.account_id IS NOT OLD.account_id
        ON CONFLICT (scope) DO UPDATE SET generation = generation + 1;
END;

CREATE TRIGGER tr_holdings_generation_delete AFTER DELETE ON holdings
BEGIN
    INSERT INTO data_generations (scope, generation)
        SELECT user_id, 1 FROM accounts WHERE id = OLD.account_id
        ON CONFLICT (scope) DO UPDATE SET generation = generation + 1;
END;

-- Market data is shared by everyone.

CREATE TRIGGER tr_securities_generation_insert AFTER INSERT ON securities
BEGIN
    INSERT INTO data_generations (scope, generation)
        VALUES ('00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope) DO UPDATE SET generation = generation + 1;
END;

CREATE TRIGGER tr_securities_generation_update AFTER UPDATE ON securities
BEGIN
    INSERT INTO data_generations (scope, generation)
        VALUES ('00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope) DO UPDATE SET generation = generation + 1;
END;

CREATE TRIGGER tr_securities_generation_delete AFTER DELETE ON securities
BEGIN
    INSERT INTO data_generations (scope, generation)
        VALUES ('00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope) DO UPDATE SET generation = generation + 1;
END;

CREATE TRIGGER tr_security_prices_generation_insert AFTER INSERT ON security_prices
BEGIN
    INSERT INTO data_generations (scope, generation)
        VALUES ('00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope) DO UPDATE SET generation = generation + 1;
END;

CREATE TRIGGER tr_security_prices_generation_update AFTER UPDATE ON security_prices
BEGIN
    INSERT INTO data_generations (scope, generation)
        VALUES ('00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope) DO UPDATE SET generation = generation + 1;
END;

CREATE TRIGGER tr_security_prices_generation_delete AFTER DELETE ON security_prices
BEGIN
    INSERT INTO data_generations (scope, generation)
        VALUES ('00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope) DO UPDATE SET generation = generation + 1;
END;

CREATE TRIGGER tr_exchange_rates_generation_insert AFTER INSERT ON exchange_rates
BEGIN
    INSERT INTO data_generations (scope, generation)
        VALUES ('00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope) DO UPDATE SET generation = generation + 1;
END;

CREATE TRIGGER tr_exchange_rates_generation_update AFTER UPDATE ON exchange_rates
BEGIN
    INSERT INTO data_generations (scope, generation)
        VALUES ('00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope) DO UPDATE SET generation = generation + 1;
END;

CREATE TRIGGER tr_exchange_rates_generation_delete AFTER DELETE ON exchange_rates
BEGIN
    INSERT INTO data_generations (scope, generation)
        VALUES ('00000000-0000-0000-0000-000000000000', 1)
        ON CONFLICT (scope) DO UPDATE SET generation = generation + 1;
END;

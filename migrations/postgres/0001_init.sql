-- Schema of finances on PostgreSQL. The SQLite schema (migrations/sqlite) has the same tables,
-- columns and constraint names, so that both stores report the same conflicts.

CREATE TABLE currencies (
    code      varchar(3)   NOT NULL,
    name      varchar(100) NOT NULL,
    symbol    varchar(10)  NOT NULL,
    decimals  smallint     NOT NULL,
    CONSTRAINT pk_currencies PRIMARY KEY (code),
    CONSTRAINT ck_currencies_decimals CHECK (decimals BETWEEN 0 AND 4)
);

CREATE TABLE exchange_rates (
    from_currency  varchar(3)     NOT NULL,
    to_currency    varchar(3)     NOT NULL,
    rate_date      date           NOT NULL,
    rate           numeric(28,10) NOT NULL,
    -- Also the index of every lookup: newest rate of a pair on or before a date.
    CONSTRAINT uq_exchange_rates_from_to_date PRIMARY KEY (from_currency, to_currency, rate_date),
    CONSTRAINT fk_exchange_rates_from FOREIGN KEY (from_currency) REFERENCES currencies (code),
    CONSTRAINT fk_exchange_rates_to FOREIGN KEY (to_currency) REFERENCES currencies (code),
    CONSTRAINT ck_exchange_rates_rate CHECK (rate > 0)
);
-- Deleting a currency checks its rates on both sides.
CREATE INDEX ix_exchange_rates_to ON exchange_rates (to_currency);

CREATE TABLE users (
    id             uuid         NOT NULL,
    email          varchar(254) NOT NULL,
    username       varchar(50)  NOT NULL,
    password_hash  text         NOT NULL,
    is_active      boolean      NOT NULL DEFAULT true,
    is_superuser   boolean      NOT NULL DEFAULT false,
    base_currency  varchar(3)   NOT NULL,
    created_at     timestamptz  NOT NULL,
    updated_at     timestamptz  NOT NULL,
    CONSTRAINT pk_users PRIMARY KEY (id),
    CONSTRAINT uq_users_email UNIQUE (email),
    CONSTRAINT uq_users_username UNIQUE (username),
    CONSTRAINT fk_users_base_currency FOREIGN KEY (base_currency) REFERENCES currencies (code)
);
CREATE INDEX ix_users_created_at ON users (created_at, id);
CREATE INDEX ix_users_base_currency ON users (base_currency);

CREATE TABLE financial_institutions (
    id          uuid         NOT NULL,
    user_id     uuid         NOT NULL,
    name        varchar(255) NOT NULL,
    url         varchar(500),
    created_at  timestamptz  NOT NULL,
    updated_at  timestamptz  NOT NULL,
    CONSTRAINT pk_financial_institutions PRIMARY KEY (id),
    CONSTRAINT fk_financial_institutions_user FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_financial_institutions_user_name ON financial_institutions (user_id, name, id);

CREATE TABLE accounts (
    id                     uuid           NOT NULL,
    user_id                uuid           NOT NULL,
    institution_id         uuid,
    name                   varchar(255)   NOT NULL,
    account_type           varchar(20)    NOT NULL,
    currency               varchar(3)     NOT NULL,
    is_investment_account  boolean        NOT NULL DEFAULT false,
    interest_rate          numeric(28,10),
    created_at             timestamptz    NOT NULL,
    updated_at             timestamptz    NOT NULL,
    CONSTRAINT pk_accounts PRIMARY KEY (id),
    CONSTRAINT fk_accounts_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_accounts_institution FOREIGN KEY (institution_id)
        REFERENCES financial_institutions (id) ON DELETE SET NULL,
    CONSTRAINT fk_accounts_currency FOREIGN KEY (currency) REFERENCES currencies (code),
    CONSTRAINT ck_accounts_type CHECK (account_type IN (
        'checking', 'savings', 'tfsa', 'rrsp', 'fhsa', 'margin', 'brokerage', 'retirement',
        'crypto', 'cash', 'other', 'credit_card', 'line_of_credit', 'payment_plan', 'mortgage',
        'loan'))
);
-- GET /accounts: a user's accounts by name, one index range scan.
CREATE INDEX ix_accounts_user_name ON accounts (user_id, name, id);
CREATE INDEX ix_accounts_institution ON accounts (institution_id);
CREATE INDEX ix_accounts_currency ON accounts (currency);

CREATE TABLE account_values (
    id            uuid           NOT NULL,
    account_id    uuid           NOT NULL,
    "timestamp"   timestamptz    NOT NULL,
    balance       numeric(28,10) NOT NULL,
    cash_balance  numeric(28,10),
    created_at    timestamptz    NOT NULL,
    updated_at    timestamptz    NOT NULL,
    CONSTRAINT pk_account_values PRIMARY KEY (id),
    -- Also the index of the newest value of an account.
    CONSTRAINT uq_account_values_account_timestamp UNIQUE (account_id, "timestamp"),
    CONSTRAINT fk_account_values_account FOREIGN KEY (account_id)
        REFERENCES accounts (id) ON DELETE CASCADE
);

CREATE TABLE securities (
    id              uuid           NOT NULL,
    symbol          varchar(20)    NOT NULL,
    name            text           NOT NULL,
    exchange        text,
    currency        varchar(10)    NOT NULL,
    security_type   varchar(20)    NOT NULL,
    sector          text,
    industry        text,
    market_cap      numeric(28,10),
    last_synced_at  timestamptz,
    created_at      timestamptz    NOT NULL,
    updated_at      timestamptz    NOT NULL,
    CONSTRAINT pk_securities PRIMARY KEY (id),
    CONSTRAINT uq_securities_symbol UNIQUE (symbol)
);

CREATE TABLE security_prices (
    security_id  uuid           NOT NULL,
    "interval"   varchar(4)     NOT NULL,
    "timestamp"  timestamptz    NOT NULL,
    open         numeric(28,10) NOT NULL,
    high         numeric(28,10) NOT NULL,
    low          numeric(28,10) NOT NULL,
    close        numeric(28,10) NOT NULL,
    adj_close    numeric(28,10),
    volume       bigint         NOT NULL,
    -- Also the index of price ranges and of the latest close of a security.
    CONSTRAINT uq_security_prices_security_interval_timestamp
        PRIMARY KEY (security_id, "interval", "timestamp"),
    CONSTRAINT fk_security_prices_security FOREIGN KEY (security_id)
        REFERENCES securities (id) ON DELETE CASCADE
);

CREATE TABLE holdings (
    id             uuid           NOT NULL,
    account_id     uuid           NOT NULL,
    security_id    uuid           NOT NULL,
    shares         numeric(28,10) NOT NULL,
    average_price  numeric(28,10) NOT NULL,
    "timestamp"    timestamptz    NOT NULL,
    created_at     timestamptz    NOT NULL,
    updated_at     timestamptz    NOT NULL,
    CONSTRAINT pk_holdings PRIMARY KEY (id),
    -- Also the index of the newest snapshot per security of an account.
    CONSTRAINT uq_holdings_account_security_timestamp
        UNIQUE (account_id, security_id, "timestamp"),
    CONSTRAINT fk_holdings_account FOREIGN KEY (account_id)
        REFERENCES accounts (id) ON DELETE CASCADE,
    CONSTRAINT fk_holdings_security FOREIGN KEY (security_id) REFERENCES securities (id)
);
-- GET /accounts/{id}/holdings: an account's snapshots newest first.
CREATE INDEX ix_holdings_account_timestamp ON holdings (account_id, "timestamp" DESC, id);
CREATE INDEX ix_holdings_security ON holdings (security_id);

CREATE TABLE refresh_tokens (
    jti         uuid        NOT NULL,
    user_id     uuid        NOT NULL,
    family_id   uuid        NOT NULL,
    expires_at  timestamptz NOT NULL,
    spent_at    timestamptz,
    revoked     boolean     NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL,
    CONSTRAINT pk_refresh_tokens PRIMARY KEY (jti),
    CONSTRAINT fk_refresh_tokens_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_refresh_tokens_user ON refresh_tokens (user_id);
CREATE INDEX ix_refresh_tokens_family ON refresh_tokens (family_id);

CREATE TABLE password_reset_tokens (
    id          uuid        NOT NULL,
    user_id     uuid        NOT NULL,
    token_hash  text        NOT NULL,
    expires_at  timestamptz NOT NULL,
    used        boolean     NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL,
    CONSTRAINT pk_password_reset_tokens PRIMARY KEY (id),
    CONSTRAINT uq_password_reset_tokens_hash UNIQUE (token_hash),
    CONSTRAINT fk_password_reset_tokens_user FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_password_reset_tokens_user ON password_reset_tokens (user_id);

-- Common ISO 4217 currencies with the digits of their minor unit.
INSERT INTO currencies (code, name, symbol, decimals) VALUES
    ('AED', 'UAE Dirham', 'د.إ', 2),
    ('ARS', 'Argentine Peso', '$', 2),
    ('AUD', 'Australian Dollar', 'A$', 2),
    ('BRL', 'Brazilian Real', 'R$', 2),
    ('CAD', 'Canadian Dollar', 'C$', 2),
    ('CHF', 'Swiss Franc', 'CHF', 2),
    ('CLP', 'Chilean Peso', '$', 0),
    ('CNY', 'Chinese Yuan', '¥', 2),
    ('COP', 'Colombian Peso', '$', 2),
    ('CZK', 'Czech Koruna', 'Kč', 2),
    ('DKK', 'Danish Krone', 'kr', 2),
    ('EGP', 'Egyptian Pound', 'E£', 2),
    ('EUR', 'Euro', '€', 2),
    ('GBP', 'British Pound', '£', 2),
    ('HKD', 'Hong Kong Dollar', 'HK$', 2),
    ('HUF', 'Hungarian Forint', 'Ft', 2),
    ('IDR', 'Indonesian Rupiah', 'Rp', 2),
    ('ILS', 'Israeli New Shekel', '₪', 2),
    ('INR', 'Indian Rupee', '₹', 2),
    ('ISK', 'Icelandic Krona', 'kr', 0),
    ('JPY', 'Japanese Yen', '¥', 0),
    ('KRW', 'South Korean Won', '₩', 0),
    ('KWD', 'Kuwaiti Dinar', 'KD', 3),
    ('MXN', 'Mexican Peso', 'MX$', 2),
    ('MYR', 'Malaysian Ringgit', 'RM', 2),
    ('NOK', 'Norwegian Krone', 'kr', 2),
    ('NZD', 'New Zealand Dollar', 'NZ$', 2),
    ('PHP', 'Philippine Peso', '₱', 2),
    ('PLN', 'Polish Zloty', 'zł', 2),
    ('RON', 'Romanian Leu', 'lei', 2),
    ('SAR', 'Saudi Riyal', '﷼', 2),
    ('SEK', 'Swedish Krona', 'kr', 2),
    ('SGD', 'Singapore Dollar', 'S$', 2),
    ('THB', 'Thai Baht', '฿', 2),
    ('TRY', 'Turkish Lira', '₺', 2),
    ('TWD', 'New Taiwan Dollar', 'NT$', 2),
    ('USD', 'US Dollar', '$', 2),
    ('ZAR', 'South African Rand', 'R', 2);

-- Schema of finances on SQLite: the tables, columns and constraint names of the PostgreSQL
-- schema. STRICT tables refuse a value of the wrong type instead of converting it. Decimals are
-- TEXT (a NUMERIC or REAL column would round them), uuids are hyphenated lower-case TEXT,
-- timestamps TEXT in RFC 3339 UTC with six fractional digits (so that they sort in time order),
-- dates TEXT as YYYY-MM-DD, booleans INTEGER 0/1.

CREATE TABLE currencies (
    code      TEXT    NOT NULL,
    name      TEXT    NOT NULL,
    symbol    TEXT    NOT NULL,
    decimals  INTEGER NOT NULL,
    CONSTRAINT pk_currencies PRIMARY KEY (code),
    CONSTRAINT ck_currencies_decimals CHECK (decimals BETWEEN 0 AND 4)
) STRICT;

CREATE TABLE exchange_rates (
    from_currency  TEXT NOT NULL,
    to_currency    TEXT NOT NULL,
    rate_date      TEXT NOT NULL,
    rate           TEXT NOT NULL,
    CONSTRAINT uq_exchange_rates_from_to_date PRIMARY KEY (from_currency, to_currency, rate_date),
    CONSTRAINT fk_exchange_rates_from FOREIGN KEY (from_currency) REFERENCES currencies (code),
    CONSTRAINT fk_exchange_rates_to FOREIGN KEY (to_currency) REFERENCES currencies (code)
) STRICT;
CREATE INDEX ix_exchange_rates_to ON exchange_rates (to_currency);

CREATE TABLE users (
    id             TEXT    NOT NULL,
    email          TEXT    NOT NULL,
    username       TEXT    NOT NULL,
    password_hash  TEXT    NOT NULL,
    is_active      INTEGER NOT NULL DEFAULT 1,
    is_superuser   INTEGER NOT NULL DEFAULT 0,
    base_currency  TEXT    NOT NULL,
    created_at     TEXT    NOT NULL,
    updated_at     TEXT    NOT NULL,
    CONSTRAINT pk_users PRIMARY KEY (id),
    CONSTRAINT uq_users_email UNIQUE (email),
    CONSTRAINT uq_users_username UNIQUE (username),
    CONSTRAINT fk_users_base_currency FOREIGN KEY (base_currency) REFERENCES currencies (code)
) STRICT;
CREATE INDEX ix_users_created_at ON users (created_at, id);
CREATE INDEX ix_users_base_currency ON users (base_currency);

CREATE TABLE financial_institutions (
    id          TEXT NOT NULL,
    user_id     TEXT NOT NULL,
    name        TEXT NOT NULL,
    url         TEXT,
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    CONSTRAINT pk_financial_institutions PRIMARY KEY (id),
    CONSTRAINT fk_financial_institutions_user FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE
) STRICT;
CREATE INDEX ix_financial_institutions_user_name ON financial_institutions (user_id, name, id);

CREATE TABLE accounts (
    id                     TEXT    NOT NULL,
    user_id                TEXT    NOT NULL,
    institution_id         TEXT,
    name                   TEXT    NOT NULL,
    account_type           TEXT    NOT NULL,
    currency               TEXT    NOT NULL,
    is_investment_account  INTEGER NOT NULL DEFAULT 0,
    interest_rate          TEXT,
    created_at             TEXT    NOT NULL,
    updated_at             TEXT    NOT NULL,
    CONSTRAINT pk_accounts PRIMARY KEY (id),
    CONSTRAINT fk_accounts_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT fk_accounts_institution FOREIGN KEY (institution_id)
        REFERENCES financial_institutions (id) ON DELETE SET NULL,
    CONSTRAINT fk_accounts_currency FOREIGN KEY (currency) REFERENCES currencies (code),
    CONSTRAINT ck_accounts_type CHECK (account_type IN (
        'checking', 'savings', 'tfsa', 'rrsp', 'fhsa', 'margin', 'brokerage', 'retirement',
        'crypto', 'cash', 'other', 'credit_card', 'line_of_credit', 'payment_plan', 'mortgage',
        'loan'))
) STRICT;
CREATE INDEX ix_accounts_user_name ON accounts (user_id, name, id);
CREATE INDEX ix_accounts_institution ON accounts (institution_id);
CREATE INDEX ix_accounts_currency ON accounts (currency);

CREATE TABLE account_values (
    id            TEXT NOT NULL,
    account_id    TEXT NOT NULL,
    "timestamp"   TEXT NOT NULL,
    balance       TEXT NOT NULL,
    cash_balance  TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    CONSTRAINT pk_account_values PRIMARY KEY (id),
    CONSTRAINT uq_account_values_account_timestamp UNIQUE (account_id, "timestamp"),
    CONSTRAINT fk_account_values_account FOREIGN KEY (account_id)
        REFERENCES accounts (id) ON DELETE CASCADE
) STRICT;

CREATE TABLE securities (
    id              TEXT NOT NULL,
    symbol          TEXT NOT NULL,
    name            TEXT NOT NULL,
    exchange        TEXT,
    currency        TEXT NOT NULL,
    security_type   TEXT NOT NULL,
    sector          TEXT,
    industry        TEXT,
    market_cap      TEXT,
    last_synced_at  TEXT,
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    CONSTRAINT pk_securities PRIMARY KEY (id),
    CONSTRAINT uq_securities_symbol UNIQUE (symbol)
) STRICT;

CREATE TABLE security_prices (
    security_id  TEXT    NOT NULL,
    "interval"   TEXT    NOT NULL,
    "timestamp"  TEXT    NOT NULL,
    open         TEXT    NOT NULL,
    high         TEXT    NOT NULL,
    low          TEXT    NOT NULL,
    close        TEXT    NOT NULL,
    adj_close    TEXT,
    volume       INTEGER NOT NULL,
    CONSTRAINT uq_security_prices_security_interval_timestamp
        PRIMARY KEY (security_id, "interval", "timestamp"),
    CONSTRAINT fk_security_prices_security FOREIGN KEY (security_id)
        REFERENCES securities (id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE TABLE holdings (
    id             TEXT NOT NULL,
    account_id     TEXT NOT NULL,
    security_id    TEXT NOT NULL,
    shares         TEXT NOT NULL,
    average_price  TEXT NOT NULL,
    "timestamp"    TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL,
    CONSTRAINT pk_holdings PRIMARY KEY (id),
    CONSTRAINT uq_holdings_account_security_timestamp
        UNIQUE (account_id, security_id, "timestamp"),
    CONSTRAINT fk_holdings_account FOREIGN KEY (account_id)
        REFERENCES accounts (id) ON DELETE CASCADE,
    CONSTRAINT fk_holdings_security FOREIGN KEY (security_id) REFERENCES securities (id)
) STRICT;
CREATE INDEX ix_holdings_account_timestamp ON holdings (account_id, "timestamp" DESC, id);
CREATE INDEX ix_holdings_security ON holdings (security_id);

CREATE TABLE refresh_tokens (
    jti         TEXT    NOT NULL,
    user_id     TEXT    NOT NULL,
    family_id   TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL,
    spent_at    TEXT,
    revoked     INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT    NOT NULL,
    CONSTRAINT pk_refresh_tokens PRIMARY KEY (jti),
    CONSTRAINT fk_refresh_tokens_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) STRICT;
CREATE INDEX ix_refresh_tokens_user ON refresh_tokens (user_id);
CREATE INDEX ix_refresh_tokens_family ON refresh_tokens (family_id);

CREATE TABLE password_reset_tokens (
    id          TEXT    NOT NULL,
    user_id     TEXT    NOT NULL,
    token_hash  TEXT    NOT NULL,
    expires_at  TEXT    NOT NULL,
    used        INTEGER NOT NULL DEFAULT 0,
    created_at  TEXT    NOT NULL,
    CONSTRAINT pk_password_reset_tokens PRIMARY KEY (id),
    CONSTRAINT uq_password_reset_tokens_hash UNIQUE (token_hash),
    CONSTRAINT fk_password_reset_tokens_user FOREIGN KEY (user_id)
        REFERENCES users (id) ON DELETE CASCADE
) STRICT;
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

-- The two newest daily closes of each security, kept beside it: every list and detail that
-- values holdings reads them, and one lookup into the price history per holding was most of
-- their database time. The store refreshes them in the transaction that writes a
-- security's bars (`sql::securities::REFRESH_CLOSES`); nothing else writes prices.

ALTER TABLE securities
    ADD COLUMN last_close      numeric(28,10),
    ADD COLUMN last_close_at   timestamptz,
    ADD COLUMN previous_close  numeric(28,10);

-- Only where prices are stored: the statement-level data-version trigger fires even when no
-- row changes, and a new database has nothing to announce.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM security_prices) THEN
        UPDATE securities SET
            last_close = (SELECT p.close FROM security_prices AS p WHERE p.security_id = securities.id
                AND p."interval" = '1d' ORDER BY p."timestamp" DESC LIMIT 1),
            last_close_at = (SELECT p."timestamp" FROM security_prices AS p
                WHERE p.security_id = securities.id AND p."interval" = '1d'
                ORDER BY p."timestamp" DESC LIMIT 1),
            previous_close = (SELECT p.close FROM security_prices AS p
                WHERE p.security_id = securities.id AND p."interval" = '1d'
                ORDER BY p."timestamp" DESC LIMIT 1 OFFSET 1);
    END IF;
END
$$;

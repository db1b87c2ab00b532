-- The two newest daily closes of each security, kept beside it: every list and detail that
-- values holdings reads them, and one lookup into the price history per holding was most of
-- their database time. The store refreshes them in the transaction that writes a
-- security's bars (`sql::securities::REFRESH_CLOSES`); nothing else writes prices.
-- Decimals and times are TEXT, as in the other tables.

ALTER TABLE securities ADD COLUMN last_close TEXT;
ALTER TABLE securities ADD COLUMN last_close_at TEXT;
ALTER TABLE securities ADD COLUMN previous_close TEXT;

UPDATE securities SET
    last_close = (SELECT p.close FROM security_prices AS p WHERE p.security_id = securities.id
        AND p."interval" = '1d' ORDER BY p."timestamp" DESC LIMIT 1),
    last_close_at = (SELECT p."timestamp" FROM security_prices AS p
        WHERE p.security_id = securities.id AND p."interval" = '1d'
        ORDER BY p."timestamp" DESC LIMIT 1),
    previous_close = (SELECT p.close FROM security_prices AS p
        WHERE p.security_id = securities.id AND p."interval" = '1d'
        ORDER BY p."timestamp" DESC LIMIT 1 OFFSET 1);

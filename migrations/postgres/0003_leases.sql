-- Leases: a named, time-limited claim of one holder on a piece of work (the sync of one
-- symbol: `sync:AAPL`), so that of all the processes sharing this database one does it at a
-- time. A lease whose time has run out is free again (its holder died or hangs); a holder
-- renews its lease while working and deletes it when done. Leases are no data anyone reads:
-- they raise no data generation.

CREATE TABLE leases (
    name        text        NOT NULL,
    holder      uuid        NOT NULL,
    expires_at  timestamptz NOT NULL,
    CONSTRAINT pk_leases PRIMARY KEY (name)
);

-- An import writes thousands of activities in one transaction. The row trigger raised the
-- owner's data version once per row, and each update of that one counter row was slower than
-- the last (every earlier version of it stays until the transaction ends): a 100,000-row
-- import took minutes in the trigger alone. The version is now raised once per statement,
-- for each owner of the statement's rows, which a multi-row insert makes a handful of times.

CREATE FUNCTION raise_activity_owners_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM raise_data_version(owners.user_id)
        FROM (SELECT DISTINCT a.user_id
              FROM old_rows AS r JOIN accounts AS a ON a.id = r.account_id) AS owners;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM raise_data_version(owners.user_id)
        FROM (SELECT DISTINCT a.user_id
              FROM new_rows AS r JOIN accounts AS a ON a.id = r.account_id) AS owners;
    END IF;
    RETURN NULL;
END;
$$;

DROP TRIGGER tr_activities_data_version ON activities;

CREATE TRIGGER tr_activities_data_version
    AFTER INSERT ON activities
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION raise_activity_owners_data_version();
CREATE TRIGGER tr_activities_data_version_update
    AFTER UPDATE ON activities
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION raise_activity_owners_data_version();
CREATE TRIGGER tr_activities_data_version_delete
    AFTER DELETE ON activities
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION raise_activity_owners_data_version();

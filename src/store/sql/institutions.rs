macro_rules! institution_columns {
    () => {
        "id, user_id, name, url, created_at, updated_at"
    };
}
pub(crate) use institution_columns;

pub(crate) const INSERT: &str = concat!(
    "INSERT INTO financial_institutions (",
    institution_columns!(),
    ") VALUES ($1, $2, $3, $4, $5, $6)"
);
pub(crate) const BY_ID: &str = concat!(
    "SELECT ",
    institution_columns!(),
    " FROM financial_institutions WHERE id = $1"
);
pub(crate) const COUNT_OF_USER: &str =
    "SELECT count(*) FROM financial_institutions WHERE user_id = $1";
pub(crate) const UPDATE: &str =
    "UPDATE financial_institutions SET name = $2, url = $3, updated_at = $4 WHERE id = $1";
/// Its accounts stay: the foreign key sets their institution_id to NULL.
pub(crate) const DELETE: &str = "DELETE FROM financial_institutions WHERE id = $1";

macro_rules! bar_columns {
    () => {
        "security_id, \"interval\", \"timestamp\", open, high, low, close, adj_close, volume"
    };
}
pub(crate) use bar_columns;

pub(crate) const COUNT: &str =
    "SELECT count(*) FROM security_prices WHERE security_id = $1 AND \"interval\" = $2";
pub(crate) const LATEST: &str = concat!(
    "SELECT ",
    bar_columns!(),
    " FROM security_prices \
     WHERE security_id = $1 AND \"interval\" = $2 ORDER BY \"timestamp\" DESC LIMIT 1"
);

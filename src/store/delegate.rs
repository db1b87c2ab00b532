//! The `Store` impl of a backend, forwarding every method to the backend's inherent method of
//! the same name, so that each backend keeps its SQL in small per-entity files while the trait
//! (one `async_trait` impl block) is written once.

macro_rules! impl_store {
    ($ty:ty, $backend:expr) => {
        #[async_trait::async_trait]
        impl $crate::store::Store for $ty {
            fn backend(&self) -> $crate::store::Backend {
                $backend
            }
            async fn ping(&self) -> StoreResult<()> {
                <$ty>::ping(self).await
            }
            async fn migrate(&self) -> StoreResult<()> {
                <$ty>::migrate(self).await
            }
            async fn data_version(&self, user_id: Uuid) -> StoreResult<DataVersion> {
                <$ty>::data_version(self, user_id).await
            }

            async fn insert_user(&self, user: &User) -> StoreResult<()> {
                <$ty>::insert_user(self, user).await
            }
            async fn user(&self, id: Uuid) -> StoreResult<Option<User>> {
                <$ty>::user(self, id).await
            }
            async fn user_by_email(&self, email: &str) -> StoreResult<Option<User>> {
                <$ty>::user_by_email(self, email).await
            }
            async fn user_by_username(&self, username: &str) -> StoreResult<Option<User>> {
                <$ty>::user_by_username(self, username).await
            }
            async fn users(&self, page: PageRequest) -> StoreResult<Page<User>> {
                <$ty>::users(self, page).await
            }
            async fn update_user(&self, user: &User) -> StoreResult<()> {
                <$ty>::update_user(self, user).await
            }
            async fn delete_user(&self, id: Uuid) -> StoreResult<()> {
                <$ty>::delete_user(self, id).await
            }

            async fn currencies(&self) -> StoreResult<Vec<Currency>> {
                <$ty>::currencies(self).await
            }
            async fn currency(&self, code: &CurrencyCode) -> StoreResult<Option<Currency>> {
                <$ty>::currency(self, code).await
            }
            async fn insert_currency(&self, currency: &Currency) -> StoreResult<()> {
                <$ty>::insert_currency(self, currency).await
            }
            async fn update_currency(&self, currency: &Currency) -> StoreResult<()> {
                <$ty>::update_currency(self, currency).await
            }
            async fn delete_currency(&self, code: &CurrencyCode) -> StoreResult<()> {
                <$ty>::delete_currency(self, code).await
            }
            async fn upsert_rate(&self, rate: &ExchangeRate) -> StoreResult<()> {
                <$ty>::upsert_rate(self, rate).await
            }
            async fn upsert_rates(&self, rates: &[ExchangeRate]) -> StoreResult<()> {
                <$ty>::upsert_rates(self, rates).await
            }
            async fn rate_on_or_before(
                &self,
                from: &CurrencyCode,
                to: &CurrencyCode,
                date: NaiveDate,
            ) -> StoreResult<Option<ExchangeRate>> {
                <$ty>::rate_on_or_before(self, from, to, date).await
            }
            async fn rates_from(
                &self,
                from: &CurrencyCode,
                date: NaiveDate,
            ) -> StoreResult<Vec<ExchangeRate>> {
                <$ty>::rates_from(self, from, date).await
            }
            async fn rate_history(
                &self,
                from: &CurrencyCode,
                to: &CurrencyCode,
            ) -> StoreResult<Vec<ExchangeRate>> {
                <$ty>::rate_history(self, from, to).await
            }

            async fn insert_institution(&self, inst: &Institution) -> StoreResult<()> {
                <$ty>::insert_institution(self, inst).await
            }
            async fn institution(&self, id: Uuid) -> StoreResult<Option<Institution>> {
                <$ty>::institution(self, id).await
            }
            async fn institutions(
                &self,
                user_id: Uuid,
                page: PageRequest,
            ) -> StoreResult<Page<Institution>> {
                <$ty>::institutions(self, user_id, page).await
            }
            async fn update_institution(&self, inst: &Institution) -> StoreResult<()> {
                <$ty>::update_institution(self, inst).await
            }
            async fn delete_institution(&self, id: Uuid) -> StoreResult<()> {
                <$ty>::delete_institution(self, id).await
            }

            async fn insert_account(&self, account: &Account) -> StoreResult<()> {
                <$ty>::insert_account(self, account).await
            }
            async fn account(&self, id: Uuid) -> StoreResult<Option<Account>> {
                <$ty>::account(self, id).await
            }
            async fn accounts(
                &self,
                user_id: Uuid,
                page: PageRequest,
            ) -> StoreResult<Page<Account>> {
                <$ty>::accounts(self, user_id, page).await
            }
            async fn update_account(&self, account: &Account) -> StoreResult<()> {
                <$ty>::update_account(self, account).await
            }
            async fn delete_account(&self, id: Uuid) -> StoreResult<()> {
                <$ty>::delete_account(self, id).await
            }

            async fn insert_account_value(&self, value: &AccountValue) -> StoreResult<()> {
                <$ty>::insert_account_value(self, value).await
            }
            async fn insert_account_values(&self, values: &[AccountValue]) -> StoreResult<()> {
                <$ty>::insert_account_values(self, values).await
            }
            async fn account_value(&self, id: Uuid) -> StoreResult<Option<AccountValue>> {
                <$ty>::account_value(self, id).await
            }
            async fn account_values(
                &self,
                account_id: Uuid,
                start: Option<DateTime<Utc>>,
                end: Option<DateTime<Utc>>,
                page: PageRequest,
            ) -> StoreResult<Page<AccountValue>> {
                <$ty>::account_values(self, account_id, start, end, page).await
            }
            async fn latest_account_values(
                &self,
                account_ids: &[Uuid],
            ) -> StoreResult<HashMap<Uuid, AccountValue>> {
                <$ty>::latest_account_values(self, account_ids).await
            }
            async fn update_account_value(&self, value: &AccountValue) -> StoreResult<()> {
                <$ty>::update_account_value(self, value).await
            }
            async fn delete_account_value(&self, id: Uuid) -> StoreResult<()> {
                <$ty>::delete_account_value(self, id).await
            }

            async fn insert_security(&self, security: &Security) -> StoreResult<()> {
                <$ty>::insert_security(self, security).await
            }
            async fn security(&self, id: Uuid) -> StoreResult<Option<Security>> {
                <$ty>::security(self, id).await
            }
            async fn security_by_symbol(&self, symbol: &Symbol) -> StoreResult<Option<Security>> {
                <$ty>::security_by_symbol(self, symbol).await
            }
            async fn securities_by_ids(&self, ids: &[Uuid]) -> StoreResult<Vec<Security>> {
                <$ty>::securities_by_ids(self, ids).await
            }
            async fn securities(&self, page: PageRequest) -> StoreResult<Page<Security>> {
                <$ty>::securities(self, page).await
            }
            async fn search_securities(
                &self,
                query: &str,
                limit: u64,
            ) -> StoreResult<Vec<Security>> {
                <$ty>::search_securities(self, query, limit).await
            }
            async fn update_security(&self, security: &Security) -> StoreResult<()> {
                <$ty>::update_security(self, security).await
            }
            async fn save_sync(
                &self,
                security: &Security,
                bars: &[PriceBar],
            ) -> StoreResult<UpsertCount> {
                <$ty>::save_sync(self, security, bars).await
            }
            async fn prices(
                &self,
                security_id: Uuid,
                interval: Interval,
                start: Option<DateTime<Utc>>,
                end: Option<DateTime<Utc>>,
            ) -> StoreResult<Vec<PriceBar>> {
                <$ty>::prices(self, security_id, interval, start, end).await
            }
            async fn count_prices(
                &self,
                security_id: Uuid,
                interval: Interval,
            ) -> StoreResult<u64> {
                <$ty>::count_prices(self, security_id, interval).await
            }
            async fn latest_price(
                &self,
                security_id: Uuid,
                interval: Interval,
            ) -> StoreResult<Option<PriceBar>> {
                <$ty>::latest_price(self, security_id, interval).await
            }
            async fn newest_closes(
                &self,
                security_ids: &[Uuid],
                n: i64,
            ) -> StoreResult<Vec<LatestClose>> {
                <$ty>::newest_closes(self, security_ids, n).await
            }

            async fn insert_holding(&self, holding: &Holding) -> StoreResult<()> {
                <$ty>::insert_holding(self, holding).await
            }
            async fn holding(&self, id: Uuid) -> StoreResult<Option<Holding>> {
                <$ty>::holding(self, id).await
            }
            async fn holdings(
                &self,
                account_id: Uuid,
                current_only: bool,
                page: PageRequest,
            ) -> StoreResult<Page<Holding>> {
                <$ty>::holdings(self, account_id, current_only, page).await
            }
            async fn current_holdings_of_user(&self, user_id: Uuid) -> StoreResult<Vec<Holding>> {
                <$ty>::current_holdings_of_user(self, user_id).await
            }
            async fn held_security_ids(&self) -> StoreResult<Vec<Uuid>> {
                <$ty>::held_security_ids(self).await
            }
            async fn update_holding(&self, holding: &Holding) -> StoreResult<()> {
                <$ty>::update_holding(self, holding).await
            }
            async fn delete_holding(&self, id: Uuid) -> StoreResult<()> {
                <$ty>::delete_holding(self, id).await
            }

            async fn insert_refresh_token(&self, token: &RefreshTokenRecord) -> StoreResult<()> {
                <$ty>::insert_refresh_token(self, token).await
            }
            async fn refresh_token(&self, jti: Uuid) -> StoreResult<Option<RefreshTokenRecord>> {
                <$ty>::refresh_token(self, jti).await
            }
            async fn spend_refresh_token(&self, jti: Uuid, at: DateTime<Utc>) -> StoreResult<bool> {
                <$ty>::spend_refresh_token(self, jti, at).await
            }
            async fn revoke_token_family(&self, family_id: Uuid) -> StoreResult<u64> {
                <$ty>::revoke_token_family(self, family_id).await
            }
            async fn revoke_user_tokens(&self, user_id: Uuid) -> StoreResult<u64> {
                <$ty>::revoke_user_tokens(self, user_id).await
            }

            async fn insert_reset_token(&self, token: &PasswordResetToken) -> StoreResult<()> {
                <$ty>::insert_reset_token(self, token).await
            }
            async fn take_reset_token(
                &self,
                token_hash: &str,
                now: DateTime<Utc>,
            ) -> StoreResult<Option<PasswordResetToken>> {
                <$ty>::take_reset_token(self, token_hash, now).await
            }

            async fn acquire_lease(
                &self,
                name: &str,
                holder: Uuid,
                ttl: std::time::Duration,
            ) -> StoreResult<bool> {
                <$ty>::acquire_lease(self, name, holder, ttl).await
            }
            async fn release_lease(&self, name: &str, holder: Uuid) -> StoreResult<()> {
                <$ty>::release_lease(self, name, holder).await
            }
        }
    };
}

//! Configuration, layered: defaults in code < config file < `FINANCES_*` environment <
//! command-line flags. `config.example.toml` documents every key with its default.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use serde::Deserialize;

use crate::domain::CurrencyCode;
use crate::secret::{Secret, SecretUrl};

/// The example file, shipped in the binary so `finances` can show it and tests can check it.
pub const EXAMPLE: &str = include_str!("../config.example.toml");

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid config file {path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("invalid value for {name}: {message}")]
    Env { name: String, message: String },
    #[error("invalid configuration: {0}")]
    Invalid(String),
    #[error("no data directory: set FINANCES_DATA_DIR or --data-dir")]
    NoDataDir,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Where the SQLite file, logs, the generated JWT secret and the mail outbox live.
    pub data_dir: Option<PathBuf>,
    pub database: DatabaseConfig,
    pub cache: CacheConfig,
    pub yahoo: YahooConfig,
    pub auth: AuthConfig,
    pub server: ServerConfig,
    pub mail: MailConfig,
    pub currency: CurrencyConfig,
    pub log: LogConfig,
    /// Keymap and colours of the terminal UI; checked by the TUI's own settings type.
    pub tui: toml::Table,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// `postgres://...` or `sqlite://path`; unset means `finances.db` in the data directory.
    pub url: Option<SecretUrl>,
    pub max_connections: u32,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct CacheConfig {
    /// Unset means an in-process cache.
    pub redis_url: Option<SecretUrl>,
    pub intraday_ttl_secs: u64,
    pub daily_ttl_secs: u64,
    pub quote_ttl_secs: u64,
    pub search_ttl_secs: u64,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct YahooConfig {
    /// One base URL standing for all of Yahoo's hosts; unset means the real ones.
    pub base_url: Option<String>,
    pub timeout_secs: u64,
    pub user_agent: String,
    pub max_retries: u32,
    /// Longest an API request, a search or a quote waits for Yahoo, retries included.
    pub request_deadline_secs: u64,
    /// Longest `finances sync` (and the terminal UI's sync) spends on one security.
    pub sync_deadline_secs: u64,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct AuthConfig {
    /// Unset means a secret generated once and kept in the data directory (mode 0600).
    pub jwt_secret: Option<Secret>,
    pub access_token_minutes: u64,
    pub refresh_token_days: u64,
    pub reset_token_minutes: u64,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    pub bind: SocketAddr,
    /// Origins allowed by CORS; empty allows none.
    pub cors_origins: Vec<String>,
    pub body_limit_bytes: usize,
    /// Largest file an import takes, in MiB.
    pub import_limit_mb: usize,
    /// 0 turns a limit off.
    pub rate_limit_auth_per_minute: u32,
    pub rate_limit_sync_per_minute: u32,
    /// Lookups reaching Yahoo per minute per user.
    pub rate_limit_lookups_per_minute: u32,
    /// Megabytes of rendered list responses kept for reuse while the data is unchanged;
    /// 0, the default, keeps none (list responses still carry an `ETag` and answer `304`).
    pub response_cache_mb: u64,
    /// After SIGTERM or SIGINT, seconds requests in flight may still run before they are
    /// answered 503 and the server exits.
    pub shutdown_grace_secs: u64,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct MailConfig {
    /// `smtp://user:pass@host:port`; unset means the `outbox/` folder in the data directory.
    pub smtp_url: Option<SecretUrl>,
    pub from: String,
    /// Link sent in reset mails; `{token}` is replaced by the token.
    pub reset_url: String,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct CurrencyConfig {
    /// Totals and net worth are shown in this currency.
    pub base: CurrencyCode,
    /// Currencies whose rates against the base `finances sync` keeps, besides those in use.
    pub sync: Vec<CurrencyCode>,
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    /// A tracing filter: `info`, `debug`, `finances=debug,sqlx=warn`, ...
    pub level: String,
    /// Unset means `logs/` in the data directory.
    pub dir: Option<PathBuf>,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            data_dir: None,
            database: DatabaseConfig::default(),
            cache: CacheConfig::default(),
            yahoo: YahooConfig::default(),
            auth: AuthConfig::default(),
            server: ServerConfig::default(),
            mail: MailConfig::default(),
            currency: CurrencyConfig::default(),
            log: LogConfig::default(),
            tui: toml::Table::new(),
        }
    }
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        Self {
            url: None,
            max_connections: 10,
        }
    }
}

impl Default for CacheConfig {
    fn default() -> Self {
        Self {
            redis_url: None,
            intraday_ttl_secs: 15 * 60,
            daily_ttl_secs: 24 * 3600,
            quote_ttl_secs: 6 * 3600,
            search_ttl_secs: 3600,
        }
    }
}

impl Default for YahooConfig {
    fn default() -> Self {
        Self {
            base_url: None,
            timeout_secs: 10,
            user_agent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36".into(),
            max_retries: 3,
            request_deadline_secs: 10,
            sync_deadline_secs: 30,
        }
    }
}

impl Default for AuthConfig {
    fn default() -> Self {
        Self {
            jwt_secret: None,
            access_token_minutes: 30,
            refresh_token_days: 7,
            reset_token_minutes: 30,
        }
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 8000)),
            cors_origins: Vec::new(),
            body_limit_bytes: 1024 * 1024,
            import_limit_mb: 32,
            rate_limit_auth_per_minute: 5,
            rate_limit_sync_per_minute: 10,
            rate_limit_lookups_per_minute: 30,
            response_cache_mb: 0,
            shutdown_grace_secs: 5,
        }
    }
}

impl Default for MailConfig {
    fn default() -> Self {
        Self {
            smtp_url: None,
            from: "finances <no-reply@localhost>".into(),
            reset_url: "http://localhost:3000/reset-password?token={token}".into(),
        }
    }
}

impl Default for CurrencyConfig {
    fn default() -> Self {
        let codes = ["USD", "EUR", "GBP", "CAD", "CHF", "JPY"];
        Self {
            base: CurrencyCode::usd(),
            sync: codes
                .iter()
                .filter_map(|c| CurrencyCode::parse(c).ok())
                .collect(),
        }
    }
}

impl Default for LogConfig {
    fn default() -> Self {
        Self {
            level: "info".into(),
            dir: None,
        }
    }
}

/// Values from the command line, which win over everything else.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    pub config_file: Option<PathBuf>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub redis_url: Option<String>,
    pub bind: Option<SocketAddr>,
    pub log_level: Option<String>,
}

impl Config {
    /// Parses a config file's text; unknown keys and wrong types are errors naming the key.
    pub fn from_toml(text: &str, path: &Path) -> Result<Self, ConfigError> {
        toml::from_str(text).map_err(|e| ConfigError::Parse {
            path: path.to_path_buf(),
            message: one_line(&e.to_string()),
        })
    }

    /// Loads every layer. `env` is a lookup so tests need not touch the process environment.
    pub fn load(
        overrides: &Overrides,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        let explicit = overrides
            .config_file
            .clone()
            .or_else(|| env("FINANCES_CONFIG").map(PathBuf::from));
        let path = explicit.clone().or_else(default_config_file);
        let mut config = match path {
            Some(path) => match std::fs::read_to_string(&path) {
                Ok(text) => Self::from_toml(&text, &path)?,
                // Only an explicitly named file must exist.
                Err(e) if e.kind() == std::io::ErrorKind::NotFound && explicit.is_none() => {
                    Self::default()
                }
                Err(source) => return Err(ConfigError::Read { path, source }),
            },
            None => Self::default(),
        };
        config.apply_env(&env)?;
        config.apply_overrides(overrides);
        config.validate()?;
        Ok(config)
    }

    fn apply_env(&mut self, env: &impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        let get = |name: &str| env(name).filter(|v| !v.trim().is_empty());
        if let Some(v) = get("FINANCES_DATA_DIR") {
            self.data_dir = Some(PathBuf::from(v));
        }
        if let Some(v) = get("FINANCES_DATABASE_URL") {
            self.database.url = Some(SecretUrl::new(v));
        }
        if let Some(v) = get("FINANCES_REDIS_URL") {
            self.cache.redis_url = Some(SecretUrl::new(v));
        }
        if let Some(v) = get("FINANCES_JWT_SECRET") {
            self.auth.jwt_secret = Some(Secret::new(v));
        }
        if let Some(v) = get("FINANCES_BIND") {
            self.server.bind = parse_env("FINANCES_BIND", &v)?;
        }
        if let Some(v) = get("FINANCES_YAHOO_BASE_URL") {
            self.yahoo.base_url = Some(v);
        }
        if let Some(v) = get("FINANCES_RATE_LIMIT_AUTH_PER_MINUTE") {
            self.server.rate_limit_auth_per_minute =
                parse_env("FINANCES_RATE_LIMIT_AUTH_PER_MINUTE", &v)?;
        }
        if let Some(v) = get("FINANCES_RATE_LIMIT_SYNC_PER_MINUTE") {
            self.server.rate_limit_sync_per_minute =
                parse_env("FINANCES_RATE_LIMIT_SYNC_PER_MINUTE", &v)?;
        }
        if let Some(v) = get("FINANCES_RATE_LIMIT_LOOKUPS_PER_MINUTE") {
            self.server.rate_limit_lookups_per_minute =
                parse_env("FINANCES_RATE_LIMIT_LOOKUPS_PER_MINUTE", &v)?;
        }
        if let Some(v) = get("FINANCES_RESPONSE_CACHE_MB") {
            self.server.response_cache_mb = parse_env("FINANCES_RESPONSE_CACHE_MB", &v)?;
        }
        if let Some(v) = get("FINANCES_CORS_ORIGINS") {
            self.server.cors_origins = v.split(',').map(|s| s.trim().to_string()).collect();
        }
        if let Some(v) = get("FINANCES_BASE_CURRENCY") {
            self.currency.base = parse_env("FINANCES_BASE_CURRENCY", &v)?;
        }
        if let Some(v) = get("FINANCES_LOG_LEVEL") {
            self.log.level = v;
        }
        if let Some(v) = get("FINANCES_LOG_DIR") {
            self.log.dir = Some(PathBuf::from(v));
        }
        Ok(())
    }

    fn apply_overrides(&mut self, o: &Overrides) {
        if let Some(v) = &o.data_dir {
            self.data_dir = Some(v.clone());
        }
        if let Some(v) = &o.database_url {
            self.database.url = Some(SecretUrl::new(v.clone()));
        }
        if let Some(v) = &o.redis_url {
            self.cache.redis_url = Some(SecretUrl::new(v.clone()));
        }
        if let Some(v) = o.bind {
            self.server.bind = v;
        }
        if let Some(v) = &o.log_level {
            self.log.level = v.clone();
        }
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if self.database.max_connections == 0 {
            return Err(ConfigError::Invalid(
                "database.max_connections must be at least 1".into(),
            ));
        }
        if self.yahoo.timeout_secs == 0 {
            return Err(ConfigError::Invalid(
                "yahoo.timeout_secs must be at least 1".into(),
            ));
        }
        for (key, secs) in [
            (
                "yahoo.request_deadline_secs",
                self.yahoo.request_deadline_secs,
            ),
            ("yahoo.sync_deadline_secs", self.yahoo.sync_deadline_secs),
        ] {
            if secs == 0 {
                return Err(ConfigError::Invalid(format!("{key} must be at least 1")));
            }
        }
        if let Some(base) = &self.yahoo.base_url {
            url::Url::parse(base).map_err(|e| {
                ConfigError::Invalid(format!("yahoo.base_url '{base}' is not a URL: {e}"))
            })?;
        }
        tracing_subscriber::EnvFilter::try_new(&self.log.level).map_err(|e| {
            ConfigError::Invalid(format!(
                "log.level '{}' is not a filter: {e}",
                self.log.level
            ))
        })?;
        Ok(())
    }

    /// The data directory: configured, or the platform's (e.g. `~/.local/share/finances`).
    pub fn data_dir(&self) -> Result<PathBuf, ConfigError> {
        match &self.data_dir {
            Some(dir) => Ok(dir.clone()),
            None => directories::ProjectDirs::from("", "", "finances")
                .map(|d| d.data_dir().to_path_buf())
                .ok_or(ConfigError::NoDataDir),
        }
    }

    pub fn log_dir(&self) -> Result<PathBuf, ConfigError> {
        match &self.log.dir {
            Some(dir) => Ok(dir.clone()),
            None => Ok(self.data_dir()?.join("logs")),
        }
    }

    /// The database URL: configured, or the SQLite file in the data directory.
    pub fn database_url(&self) -> Result<String, ConfigError> {
        match &self.database.url {
            Some(url) => Ok(url.expose().to_string()),
            None => Ok(format!(
                "sqlite://{}",
                self.data_dir()?.join("finances.db").display()
            )),
        }
    }
}

/// The platform's config file (e.g. `~/.config/finances/config.toml`).
pub fn default_config_file() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "finances").map(|d| d.config_dir().join("config.toml"))
}

fn parse_env<T: FromStr>(name: &str, value: &str) -> Result<T, ConfigError>
where
    T::Err: std::fmt::Display,
{
    value.trim().parse().map_err(|e: T::Err| ConfigError::Env {
        name: name.to_string(),
        message: format!("'{value}': {e}"),
    })
}

fn one_line(message: &str) -> String {
    message
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.chars().all(|c| c == '|' || c == '^' || c == ' '))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn example_file_is_exactly_the_defaults() {
        let parsed = Config::from_toml(EXAMPLE, Path::new("config.example.toml")).unwrap();
        assert_eq!(parsed, Config::default());
    }

    #[test]
    fn example_file_mentions_every_key() {
        let defaults = [
            "data_dir",
            "url",
            "max_connections",
            "redis_url",
            "intraday_ttl_secs",
            "daily_ttl_secs",
            "quote_ttl_secs",
            "search_ttl_secs",
            "base_url",
            "timeout_secs",
            "user_agent",
            "max_retries",
            "request_deadline_secs",
            "sync_deadline_secs",
            "jwt_secret",
            "access_token_minutes",
            "refresh_token_days",
            "reset_token_minutes",
            "bind",
            "cors_origins",
            "body_limit_bytes",
            "import_limit_mb",
            "rate_limit_auth_per_minute",
            "rate_limit_sync_per_minute",
            "rate_limit_lookups_per_minute",
            "response_cache_mb",
            "shutdown_grace_secs",
            "smtp_url",
            "from",
            "reset_url",
            "base",
            "sync",
            "level",
            "dir",
        ];
        for key in defaults {
            assert!(
                EXAMPLE.lines().any(|l| l
                    .trim_start_matches(['#', ' '])
                    .starts_with(&format!("{key} ="))),
                "config.example.toml does not document `{key}`"
            );
        }
    }

    #[test]
    fn unknown_keys_and_wrong_types_name_the_culprit() {
        let err = Config::from_toml("[database]\nurll = \"x\"\n", Path::new("c.toml")).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("urll") && msg.contains("c.toml"), "{msg}");
        assert!(!msg.contains('\n'));
        let err = Config::from_toml("[server]\nbind = 8000\n", Path::new("c.toml")).unwrap_err();
        assert!(err.to_string().contains("bind"), "{err}");
    }

    #[test]
    fn layers_apply_in_order() {
        let dir = std::env::temp_dir().join(format!("finances-config-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("config.toml");
        std::fs::write(
            &file,
            "[server]\nbind = \"127.0.0.1:9000\"\nrate_limit_auth_per_minute = 7\n[log]\nlevel = \"debug\"\n",
        )
        .unwrap();
        let overrides = Overrides {
            config_file: Some(file.clone()),
            bind: Some("127.0.0.1:9100".parse().unwrap()),
            ..Overrides::default()
        };
        let env = env_of(&[
            ("FINANCES_BIND", "127.0.0.1:9050"),
            ("FINANCES_LOG_LEVEL", "warn"),
            ("FINANCES_DATA_DIR", "/srv/fin"),
        ]);
        let c = Config::load(&overrides, env).unwrap();
        assert_eq!(c.server.bind.port(), 9100, "flag beats env");
        assert_eq!(c.log.level, "warn", "env beats file");
        assert_eq!(c.server.rate_limit_auth_per_minute, 7, "file beats default");
        assert_eq!(c.server.rate_limit_sync_per_minute, 10, "default");
        assert_eq!(c.database_url().unwrap(), "sqlite:///srv/fin/finances.db");
        std::fs::remove_dir_all(dir).unwrap();
    }

    /// Overrides naming an empty config file, so a config on the test machine cannot leak in.
    fn isolated() -> Overrides {
        let file =
            std::env::temp_dir().join(format!("finances-empty-{}.toml", uuid::Uuid::new_v4()));
        std::fs::write(&file, "").unwrap();
        Overrides {
            config_file: Some(file),
            ..Overrides::default()
        }
    }

    #[test]
    fn bad_environment_and_missing_file_are_errors() {
        let err = Config::load(&isolated(), env_of(&[("FINANCES_BIND", "nope")])).unwrap_err();
        assert!(err.to_string().contains("FINANCES_BIND"));
        let missing = Overrides {
            config_file: Some(PathBuf::from("/nonexistent/finances.toml")),
            ..Overrides::default()
        };
        assert!(matches!(
            Config::load(&missing, env_of(&[])).unwrap_err(),
            ConfigError::Read { .. }
        ));
    }

    #[test]
    fn the_response_cache_size_takes_whole_megabytes_only() {
        for bad in ["lots", "-1", "1.5"] {
            let err = Config::load(&isolated(), env_of(&[("FINANCES_RESPONSE_CACHE_MB", bad)]))
                .unwrap_err();
            assert!(
                err.to_string().contains("FINANCES_RESPONSE_CACHE_MB"),
                "{bad:?}: {err}"
            );
        }
        let err = Config::from_toml(
            "[server]\nresponse_cache_mb = \"big\"\n",
            Path::new("c.toml"),
        )
        .unwrap_err();
        assert!(err.to_string().contains("response_cache_mb"), "{err}");
        let off =
            Config::load(&isolated(), env_of(&[("FINANCES_RESPONSE_CACHE_MB", "0")])).unwrap();
        assert_eq!(off.server.response_cache_mb, 0);
        // Off by default, so the variable must be what turns it on.
        assert_eq!(Config::default().server.response_cache_mb, 0);
        let on =
            Config::load(&isolated(), env_of(&[("FINANCES_RESPONSE_CACHE_MB", "16")])).unwrap();
        assert_eq!(on.server.response_cache_mb, 16);
    }

    #[test]
    fn secrets_stay_out_of_debug() {
        let env = env_of(&[
            ("FINANCES_JWT_SECRET", "topsecret-jwt"),
            ("FINANCES_DATABASE_URL", "postgres://u:pw-hunter2@h/db"),
            ("FINANCES_DATA_DIR", "/tmp/x"),
        ]);
        let c = Config::load(&isolated(), env).unwrap();
        let dbg = format!("{c:?}");
        assert!(
            !dbg.contains("topsecret-jwt") && !dbg.contains("pw-hunter2"),
            "{dbg}"
        );
    }
}

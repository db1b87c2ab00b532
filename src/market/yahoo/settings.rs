use std::time::Duration;

use url::Url;

/// How to reach Yahoo Finance.
#[derive(Debug, Clone)]
pub struct YahooSettings {
    /// One URL standing for every Yahoo host (query1, query2, fc), for a local replay server.
    /// `None` means the real hosts.
    pub base_url: Option<Url>,
    /// Whole-request timeout.
    pub timeout: Duration,
    pub connect_timeout: Duration,
    pub user_agent: String,
    /// Further attempts after a 429, a 5xx or a network failure.
    pub retries: usize,
    /// First backoff delay; it doubles per attempt, with jitter.
    pub min_retry_delay: Duration,
    /// Longest wait between attempts, also the cap on an honoured `Retry-After`.
    pub max_retry_delay: Duration,
}

impl Default for YahooSettings {
    fn default() -> Self {
        Self {
            base_url: None,
            timeout: Duration::from_secs(15),
            connect_timeout: Duration::from_secs(5),
            user_agent: "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) \
                         Chrome/126.0 Safari/537.36"
                .to_string(),
            retries: 3,
            min_retry_delay: Duration::from_millis(500),
            max_retry_delay: Duration::from_secs(20),
        }
    }
}

/// The hosts each kind of request goes to.
#[derive(Debug, Clone)]
pub(crate) struct Hosts {
    /// Charts, quotes, summaries and search.
    pub api: Url,
    /// The crumb endpoint.
    pub crumb: Url,
    /// Where the session cookie is handed out.
    pub cookie: Url,
}

impl Hosts {
    pub fn from_settings(settings: &YahooSettings) -> Self {
        match &settings.base_url {
            Some(base) => Self {
                api: base.clone(),
                crumb: base.clone(),
                cookie: base.clone(),
            },
            None => Self {
                api: Url::parse("https://query2.finance.yahoo.com/").expect("static URL"),
                crumb: Url::parse("https://query1.finance.yahoo.com/").expect("static URL"),
                cookie: Url::parse("https://fc.yahoo.com/").expect("static URL"),
            },
        }
    }
}

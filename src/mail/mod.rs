//! Outgoing mail. The default mailer writes each message as a file into an outbox folder
//! (the data directory's `outbox/`), where an operator or a mail relay picks it up.

use async_trait::async_trait;

mod outbox;

pub use self::outbox::OutboxMailer;

/// One plain-text message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("cannot write the message to {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
}

#[async_trait]
pub trait Mailer: Send + Sync + 'static {
    async fn send(&self, mail: &Mail) -> Result<(), MailError>;
    /// Where messages go, for messages.
    fn describe(&self) -> String;
}

//! A mailer that writes one RFC 5322-style file per message into a folder.

use std::path::{Path, PathBuf};

use async_trait::async_trait;
use chrono::Utc;
use uuid::Uuid;

use super::{Mail, MailError, Mailer};

pub struct OutboxMailer {
    dir: PathBuf,
    from: String,
}

impl OutboxMailer {
    pub fn new(dir: impl Into<PathBuf>, from: impl Into<String>) -> Self {
        Self {
            dir: dir.into(),
            from: from.into(),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

#[async_trait]
impl Mailer for OutboxMailer {
    async fn send(&self, mail: &Mail) -> Result<(), MailError> {
        let now = Utc::now();
        let name = format!(
            "{}-{}.eml",
            now.format("%Y%m%dT%H%M%S%.6fZ"),
            Uuid::new_v4()
        );
        let text = format!(
            "From: {}\r\nTo: {}\r\nSubject: {}\r\nDate: {}\r\nMessage-ID: <{}@finances>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{}\r\n",
            self.from,
            mail.to,
            mail.subject,
            now.to_rfc2822(),
            Uuid::new_v4(),
            mail.body
        );
        let io = |path: &Path| {
            let path = path.display().to_string();
            move |source| MailError::Io { path, source }
        };
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(io(&self.dir))?;
        // Written under a temporary name first, so that a reader never sees half a message.
        let tmp = self.dir.join(format!(".{name}.tmp"));
        let path = self.dir.join(&name);
        tokio::fs::write(&tmp, text).await.map_err(io(&tmp))?;
        tokio::fs::rename(&tmp, &path).await.map_err(io(&path))?;
        Ok(())
    }

    fn describe(&self) -> String {
        format!("outbox {}", self.dir.display())
    }
}

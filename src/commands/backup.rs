//! `finances export --all` and `finances restore FILE`: a user's backup written to a file or
//! standard output, optionally under a passphrase, and taken back into an empty store.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};

use crate::cli::{ExportArgs, RestoreArgs};
use crate::domain::User;
use crate::service::backup::{self, Backup, BackupError, Passphrase};
use crate::service::{Entity, ServiceError, Services};
use crate::store::Backend;

use super::{CommandError, CommandResult, Printer};

/// `export`: only `--all` so far; other forms of export will sit beside it.
pub async fn export(
    out: &mut Printer<'_>,
    services: &Services,
    args: ExportArgs,
) -> CommandResult<()> {
    if !args.all {
        return Err(ServiceError::bad_request(
            "all",
            "say what to export: --all writes a backup of everything a user owns (the only \
             form so far)",
        )
        .into());
    }
    let user = user_to_export(services, args.user.as_deref()).await?;
    let backup = services.backup.export(&user).await?;
    let counts = backup.counts();
    let mut bytes = backup.to_json();
    drop(backup);
    if args.encrypt {
        let passphrase = passphrase(&args.passphrase_from_env, true)?;
        bytes = blocking(move || backup::seal(&bytes, &passphrase)).await?;
    }
    match args.output {
        Some(path) => {
            write_private(&path, &bytes)?;
            out.line(format_args!(
                "wrote the backup of {} to {}: {counts}",
                user.username.as_str(),
                path.display()
            ))?;
        }
        None => out.raw(&bytes)?,
    }
    Ok(())
}

/// `restore`: reads, decrypts when it must, checks the whole backup, then stores it.
pub async fn restore(
    out: &mut Printer<'_>,
    services: &Services,
    args: RestoreArgs,
) -> CommandResult<()> {
    let bytes = read_input(&args.file)?;
    let bytes = if backup::is_encrypted(&bytes) {
        let passphrase = passphrase(&args.passphrase_from_env, false)?;
        blocking(move || backup::open(&bytes, &passphrase)).await?
    } else {
        bytes
    };
    let backup = blocking(move || Backup::from_json(&bytes)).await?;
    let restored = services.backup.restore(&backup).await?;
    out.line(format_args!(
        "restored {} <{}> into this {} store: {}",
        restored.user.username.as_str(),
        restored.user.email.as_str(),
        services.backend(),
        restored.counts
    ))?;
    Ok(())
}

/// The user named, or on a personal (SQLite) store its owner; never one created for it.
async fn user_to_export(services: &Services, login: Option<&str>) -> CommandResult<User> {
    let found = match login {
        Some(login) => services.users.find(login).await?,
        None if services.backend() == Backend::Sqlite => {
            services.users.existing_local_owner().await?
        }
        None => {
            return Err(ServiceError::bad_request(
                "user",
                "this database is shared: name the user to export with --user",
            )
            .into())
        }
    };
    found.ok_or_else(|| {
        let message = match login {
            Some(login) => format!("no user '{login}'"),
            None => "this store holds no user to export".to_string(),
        };
        ServiceError::not_found(Entity::User, message).into()
    })
}

/// CPU-bound work (key derivation, parsing a large document) off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, BackupError> + Send + 'static,
) -> CommandResult<T> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(ServiceError::internal)?
        .map_err(Into::into)
}

/// The passphrase from the variable `var` when it is set, else typed on the terminal (twice
/// when it protects a new backup, so that a typo does not lock it).
fn passphrase(var: &str, confirm: bool) -> CommandResult<Passphrase> {
    if let Some(value) = std::env::var_os(var) {
        let text = value
            .into_string()
            .map_err(|_| CommandError::Passphrase(format!("{var} is not valid UTF-8")))?;
        return Ok(Passphrase::new(text)?);
    }
    // The prompt goes to the terminal itself, so standard input may be the backup.
    if !std::io::stdin().is_terminal() && !std::io::stderr().is_terminal() {
        return Err(CommandError::Passphrase(format!(
            "a passphrase is needed: set {var}, or run this on a terminal to type it"
        )));
    }
    let read = |prompt: &str| {
        rpassword::prompt_password(prompt)
            .map_err(|e| CommandError::Passphrase(format!("cannot read the passphrase: {e}")))
    };
    let first = read("Passphrase: ")?;
    if confirm && read("Repeat it: ")? != first {
        return Err(CommandError::Passphrase(
            "the passphrases differ".to_string(),
        ));
    }
    Ok(Passphrase::new(first)?)
}

fn read_input(path: &Path) -> CommandResult<Vec<u8>> {
    let mut bytes = Vec::new();
    let read = if path.as_os_str() == "-" {
        std::io::stdin().lock().read_to_end(&mut bytes).map(|_| ())
    } else {
        std::fs::File::open(path).and_then(|mut f| f.read_to_end(&mut bytes).map(|_| ()))
    };
    read.map_err(|source| CommandError::File {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(bytes)
}

/// Writes `bytes` to `path` whole or not at all, readable by its owner only: a backup holds
/// the password hash. A file beside it takes the bytes and then its place.
fn write_private(path: &Path, bytes: &[u8]) -> CommandResult<()> {
    let file_error = |source| CommandError::File {
        path: path.to_path_buf(),
        source,
    };
    let name = path
        .file_name()
        .ok_or_else(|| file_error(std::io::Error::other("names no file")))?;
    let mut partial_name = std::ffi::OsString::from(".");
    partial_name.push(name);
    partial_name.push(format!(".partial-{}", std::process::id()));
    let partial: PathBuf = path.with_file_name(partial_name);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let written = options.open(&partial).and_then(|mut file| {
        file.write_all(bytes)?;
        file.sync_all()
    });
    let placed = written.and_then(|()| std::fs::rename(&partial, path));
    if let Err(e) = placed {
        let _ = std::fs::remove_file(&partial);
        return Err(file_error(e));
    }
    Ok(())
}

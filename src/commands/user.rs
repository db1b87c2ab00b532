//! `finances user ...`: user administration from the command line.

use std::io::{BufRead, IsTerminal};

use crate::domain::{Email, Password, Username};
use crate::service::users::UserService;
use crate::service::{Entity, ServiceError, ServiceResult};

use super::{CommandResult, Printer};

/// Where a password comes from when not given as a flag.
pub fn read_password(prompt: &str) -> ServiceResult<String> {
    let stdin = std::io::stdin();
    if stdin.is_terminal() {
        let first = rpassword::prompt_password(format!("{prompt}: ")).map_err(|e| {
            ServiceError::bad_request("password", format!("cannot read the password: {e}"))
        })?;
        let again = rpassword::prompt_password("Repeat it: ").map_err(|e| {
            ServiceError::bad_request("password", format!("cannot read the password: {e}"))
        })?;
        if first != again {
            return Err(ServiceError::bad_request(
                "password",
                "the passwords differ",
            ));
        }
        Ok(first)
    } else {
        let mut line = String::new();
        stdin.lock().read_line(&mut line).map_err(|e| {
            ServiceError::bad_request(
                "password",
                format!("cannot read the password from stdin: {e}"),
            )
        })?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }
}

pub async fn add(
    out: &mut Printer<'_>,
    users: &UserService,
    email: &str,
    username: &str,
    password: Option<String>,
    admin: bool,
) -> CommandResult<()> {
    // Check everything that needs no password before asking for one.
    let email = Email::parse(email)?;
    let username = Username::parse(username)?;
    let password = match password {
        Some(p) => p,
        None => read_password("Password")?,
    };
    let password = Password::parse(&password)?;
    let user = users.register(email, username, password, admin).await?;
    out.line(format_args!(
        "created {}user {} <{}> ({})",
        if user.is_superuser { "super" } else { "" },
        user.username.as_str(),
        user.email.as_str(),
        user.id
    ))?;
    Ok(())
}

pub async fn list(out: &mut Printer<'_>, users: &UserService) -> CommandResult<()> {
    let all = users.list_all().await?;
    let rows = all
        .iter()
        .map(|u| {
            vec![
                u.username.as_str().to_string(),
                u.email.as_str().to_string(),
                yes_no(u.is_active),
                yes_no(u.is_superuser),
                u.created_at.format("%Y-%m-%d %H:%M").to_string(),
                u.id.to_string(),
            ]
        })
        .collect();
    out.table(
        Some(&["username", "email", "active", "superuser", "created", "id"]),
        rows,
    )?;
    out.line(format_args!(
        "{} user{}",
        all.len(),
        if all.len() == 1 { "" } else { "s" }
    ))?;
    Ok(())
}

pub async fn passwd(
    out: &mut Printer<'_>,
    users: &UserService,
    login: &str,
    password: Option<String>,
) -> CommandResult<()> {
    let user = find(users, login).await?;
    let password = match password {
        Some(p) => p,
        None => read_password("New password")?,
    };
    let user = users
        .set_password(user.id, Password::parse(&password)?)
        .await?;
    out.line(format_args!(
        "password of {} changed; their sessions were signed out",
        user.username.as_str()
    ))?;
    Ok(())
}

pub async fn set_admin(
    out: &mut Printer<'_>,
    users: &UserService,
    login: &str,
    revoke: bool,
) -> CommandResult<()> {
    let user = find(users, login).await?;
    let user = users.set_superuser(user.id, !revoke).await?;
    out.line(format_args!(
        "{} is {} a superuser",
        user.username.as_str(),
        if user.is_superuser {
            "now"
        } else {
            "no longer"
        }
    ))?;
    Ok(())
}

async fn find(users: &UserService, login: &str) -> ServiceResult<crate::domain::User> {
    users
        .find(login)
        .await?
        .ok_or_else(|| ServiceError::not_found(Entity::User, format!("no user '{login}'")))
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

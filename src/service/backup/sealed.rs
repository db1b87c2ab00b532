//! Backups protected by a passphrase: the age format (scrypt recipient), ASCII-armored so that
//! an encrypted backup is text that can go to standard output and through a pipe as a plain
//! one does.

use std::io::{Read, Write};

use age::armor::{ArmoredReader, ArmoredWriter, Format};
use age::secrecy::SecretString;
use age::DecryptError;

use super::BackupError;

/// The first line of an armored age file.
const ARMOR_BEGIN: &[u8] = b"-----BEGIN AGE ENCRYPTED FILE-----";
/// The first line of a binary age file.
const BINARY_BEGIN: &[u8] = b"age-encryption.org/";

/// A passphrase that is not empty, kept out of `Debug` output and wiped when dropped.
pub struct Passphrase(SecretString);

impl Passphrase {
    pub fn new(text: String) -> Result<Self, BackupError> {
        if text.is_empty() {
            return Err(BackupError::EmptyPassphrase);
        }
        Ok(Self(SecretString::from(text)))
    }
}

impl std::fmt::Debug for Passphrase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Passphrase(<redacted>)")
    }
}

/// Whether `bytes` are an age file, armored or not (leading blank space allowed).
pub fn is_encrypted(bytes: &[u8]) -> bool {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let bytes = &bytes[start..];
    bytes.starts_with(ARMOR_BEGIN) || bytes.starts_with(BINARY_BEGIN)
}

/// `plain` encrypted to `passphrase`, as armored text. The key is derived with the work factor
/// age picks for this machine: about a second.
pub fn seal(plain: &[u8], passphrase: &Passphrase) -> Result<Vec<u8>, BackupError> {
    let encryptor = age::Encryptor::with_user_passphrase(passphrase.0.clone());
    let armored = ArmoredWriter::wrap_output(
        Vec::with_capacity(plain.len() * 4 / 3 + 1024),
        Format::AsciiArmor,
    )
    .map_err(BackupError::Encrypt)?;
    let mut writer = encryptor
        .wrap_output(armored)
        .map_err(BackupError::Encrypt)?;
    writer.write_all(plain).map_err(BackupError::Encrypt)?;
    writer
        .finish()
        .and_then(ArmoredWriter::finish)
        .map_err(BackupError::Encrypt)
}

/// The plain bytes of an age file encrypted to a passphrase.
pub fn open(sealed: &[u8], passphrase: &Passphrase) -> Result<Vec<u8>, BackupError> {
    let decryptor = age::Decryptor::new_buffered(ArmoredReader::new(sealed))
        .map_err(|e| BackupError::Decrypt(e.to_string()))?;
    if !decryptor.is_scrypt() {
        return Err(BackupError::Decrypt(
            "it is encrypted to keys, not to a passphrase".to_string(),
        ));
    }
    let identity = age::scrypt::Identity::new(passphrase.0.clone());
    let mut reader = decryptor
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .map_err(|e| match e {
            DecryptError::DecryptionFailed | DecryptError::NoMatchingKeys => {
                BackupError::WrongPassphrase
            }
            other => BackupError::Decrypt(other.to_string()),
        })?;
    let mut plain = Vec::with_capacity(sealed.len());
    reader
        .read_to_end(&mut plain)
        .map_err(|e| BackupError::Decrypt(format!("the file is damaged: {e}")))?;
    Ok(plain)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pass(s: &str) -> Passphrase {
        Passphrase::new(s.to_string()).unwrap()
    }

    #[test]
    fn sealed_text_opens_with_its_passphrase_only() {
        let plain = b"{\"format\":\"finances-backup\"}\n";
        let sealed = seal(plain, &pass("correct horse")).unwrap();
        assert!(sealed.starts_with(ARMOR_BEGIN));
        assert!(sealed.is_ascii());
        assert!(is_encrypted(&sealed));
        assert!(!is_encrypted(plain));
        assert_eq!(open(&sealed, &pass("correct horse")).unwrap(), plain);
        assert!(matches!(
            open(&sealed, &pass("wrong horse")),
            Err(BackupError::WrongPassphrase)
        ));
    }

    #[test]
    fn an_empty_passphrase_is_refused() {
        assert!(matches!(
            Passphrase::new(String::new()),
            Err(BackupError::EmptyPassphrase)
        ));
    }
}

//! Accounts and sessions: signing up and in (with the limits on attempts), signing out,
//! and whose session a token is. Passwords are kept as Argon2id hashes and sessions as
//! SHA-256 hashes of their tokens; the token itself only ever goes to the client.

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::{
    config::Settings,
    store::{StoreError, Stores},
};
use app::{
    domain::{parse_password, parse_user_name, FieldError},
    protocol::{Credentials, UserRef},
};

/// The account rules over one store.
pub struct Accounts<'a> {
    pub stores: &'a Stores,
    pub settings: &'a Settings,
    /// A real hash to verify against when a name is unknown, so failures take as long;
    /// made on the first such sign-in.
    pub dummy_hash: &'a tokio::sync::OnceCell<String>,
}

/// A session begun: who, and the token for the client to keep (never stored as such).
pub struct Session {
    pub user: UserRef,
    pub token: String,
}

/// Why signing up or in did not happen.
#[derive(Debug)]
pub enum AccountError {
    Invalid(Vec<FieldError>),
    NameTaken,
    /// The name and password do not match an account.
    Mismatch,
    /// Too many attempts: try again after this many seconds.
    TooMany {
        retry_after: u64,
    },
    Store(StoreError),
    /// Hashing failed (the blocking pool went away).
    Internal(String),
}

impl From<StoreError> for AccountError {
    fn from(error: StoreError) -> AccountError {
        AccountError::Store(error)
    }
}

impl Accounts<'_> {
    /// A new account, signed in; `address` is the client's, for the attempt limits.
    pub async fn sign_up(
        &self,
        input: &Credentials,
        address: &str,
    ) -> Result<Session, AccountError> {
        self.reserve_attempt(None, address).await?;
        let errors: Vec<_> = [
            parse_user_name(&input.name).err(),
            parse_password(&input.password).err(),
        ]
        .into_iter()
        .flatten()
        .collect();
        if !errors.is_empty() {
            return Err(AccountError::Invalid(errors));
        }
        let hash = hash_password(input.password.clone()).await?;
        let id = uuid::Uuid::now_v7().to_string();
        let now = self.settings.clock.now();
        let user = match self
            .stores
            .accounts
            .create_user(&id, &input.name, &hash, now)
            .await
        {
            Err(StoreError::NameTaken) => return Err(AccountError::NameTaken),
            other => other?,
        };
        self.start_session(user).await
    }

    /// A new session for the account; the client's old session, if any, ends (a session
    /// id planted before signing in is worth nothing after).
    pub async fn sign_in(
        &self,
        input: &Credentials,
        address: &str,
        old_token: Option<&str>,
    ) -> Result<Session, AccountError> {
        self.reserve_attempt(Some(&input.name), address).await?;
        let record = self.stores.accounts.find_user(&input.name).await?;
        // Unknown names are checked against a real hash too, so timing does not reveal
        // who has an account.
        let (hash, user) = match record {
            Some(record) => (record.password_hash, Some(record.user)),
            None => (self.dummy_hash().await?, None),
        };
        let verified = verify_password(input.password.clone(), hash).await?;
        // A failure stays recorded: it was counted when reserved.
        let Some(user) = user.filter(|_| verified) else {
            return Err(AccountError::Mismatch);
        };
        self.stores
            .accounts
            .clear_auth_failures(&input.name)
            .await?;
        if let Some(old) = old_token {
            self.sign_out(old).await?;
        }
        self.start_session(user).await
    }

    /// Ends the session the token belongs to, if any.
    pub async fn sign_out(&self, token: &str) -> Result<(), StoreError> {
        self.stores
            .accounts
            .delete_session(&token_hash(token))
            .await
    }

    /// Up to ten people whose names start with `prefix`, ignoring case, A to Z: whom to
    /// share with.
    pub async fn people_starting(&self, prefix: &str) -> Result<Vec<UserRef>, StoreError> {
        self.stores.accounts.users_starting(prefix, 10).await
    }

    /// The user whose live session the token is.
    pub async fn session_user(&self, token: &str) -> Result<Option<UserRef>, StoreError> {
        let now = self.settings.clock.now();
        self.stores
            .accounts
            .session_user(&token_hash(token), now)
            .await
    }

    /// Counts this attempt first, then checks the limits with it included: of attempts
    /// sent at once, each sees every one recorded before it, so no more than the limit get
    /// past (checking before recording let 37 of 40 parallel guesses through). Too many
    /// once an account has too many recent failed sign-ins or an address too many
    /// attempts; a refused attempt is forgotten again, so refusals alone do not lengthen a
    /// lock-out.
    async fn reserve_attempt(
        &self,
        account: Option<&str>,
        address: &str,
    ) -> Result<(), AccountError> {
        let settings = self.settings;
        let accounts = &self.stores.accounts;
        let now = settings.clock.now();
        let reserved = accounts.record_auth_attempt(account, address, now).await?;
        let since = now - settings.auth_window;
        let (failures, attempts) = accounts
            .auth_attempts(account.unwrap_or_default(), address, since)
            .await?;
        if (account.is_some() && failures > settings.account_failure_limit)
            || attempts > settings.address_attempt_limit
        {
            tracing::warn!(account = account.unwrap_or_default(), %address, failures, attempts, "sign-in rate limited");
            accounts.forget_auth_attempt(reserved).await?;
            return Err(AccountError::TooMany {
                retry_after: settings.auth_window.num_seconds().max(1) as u64,
            });
        }
        Ok(())
    }

    async fn start_session(&self, user: UserRef) -> Result<Session, AccountError> {
        let mut bytes = [0u8; 32];
        rand::rngs::OsRng.fill_bytes(&mut bytes);
        let token = hex(&bytes);
        let now = self.settings.clock.now();
        let expires = now + self.settings.session_ttl;
        self.stores
            .accounts
            .create_session(&token_hash(&token), &user.id, now, expires)
            .await?;
        Ok(Session { user, token })
    }

    async fn dummy_hash(&self) -> Result<String, AccountError> {
        let hash = self
            .dummy_hash
            .get_or_try_init(|| hash_password("not a real password".into()));
        hash.await.cloned()
    }
}

pub(super) fn token_hash(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Argon2id with the crate's defaults (19 MiB, 2 passes), off the async workers.
pub async fn hash_password(password: String) -> Result<String, AccountError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
    })
    .await
    .map_err(internal)?
    .map_err(internal)
}

async fn verify_password(password: String, hash: String) -> Result<bool, AccountError> {
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&hash).map_err(internal)?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await
    .map_err(internal)?
}

fn internal(error: impl std::fmt::Display) -> AccountError {
    AccountError::Internal(error.to_string())
}

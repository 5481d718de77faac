//! Creating tenants: shared by `kairos tenant create` and the demo seed.

use jiff::tz::TimeZone;
use kairos_core::ids::{TenantId, UserId};
use kairos_core::text::{DisplayName, EmailAddress, Slug, Username};
use kairos_core::zone::TimeZoneName;
use kairos_store::{NewApiToken, NewOwner, NewTenant, Store, TenantWithOwner};
use serde::Serialize;

use super::access::{NO_PASSWORD, hash_password, issue_token};
use super::{AppError, AppResult};

/// What `kairos tenant create` prints.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProvisionedTenant {
    pub tenant_id: TenantId,
    /// The owner's scheduling profile.
    pub user_id: UserId,
    /// An owner API token (shown once).
    pub api_token: String,
    #[serde(skip)]
    pub created: Option<TenantWithOwner>,
}

/// The raw inputs of a new tenant, validated here.
#[derive(Debug)]
pub struct TenantRequest<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub admin_email: &'a str,
    pub admin_password: Option<&'a str>,
    pub timezone: &'a str,
}

fn invalid(field: &str, error: kairos_core::ParseError) -> AppError {
    AppError::validation(field, error.message())
}

/// A username for the owner's profile from their email's local part (`ada.l@x` → `ada-l`).
fn username_from_email(email: &EmailAddress) -> AppResult<Username> {
    let local = email.as_str().split('@').next().unwrap_or_default();
    let mut name: String = local
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    name.truncate(64);
    let name = name.trim_matches('-').to_owned();
    Username::parse(&name)
        .or_else(|_| Username::parse("owner"))
        .map_err(|e| invalid("adminEmail", e))
}

/// Creates a tenant, its owner account and profile, and an owner API token.
pub async fn create_tenant(
    store: &dyn Store,
    request: TenantRequest<'_>,
) -> AppResult<ProvisionedTenant> {
    let slug = Slug::parse(request.slug).map_err(|e| invalid("slug", e))?;
    let name = DisplayName::parse(request.name).map_err(|e| invalid("name", e))?;
    let email = EmailAddress::parse(request.admin_email).map_err(|e| invalid("adminEmail", e))?;
    let timezone = TimeZoneName::parse(request.timezone).map_err(|e| invalid("timezone", e))?;
    let password_hash = match request.admin_password {
        Some(password) => hash_password(password)?,
        None => NO_PASSWORD.to_owned(),
    };
    let display_name = DisplayName::parse(email.as_str().split('@').next().unwrap_or("Owner"))
        .map_err(|e| invalid("adminEmail", e))?;
    let created = store
        .create_tenant(
            NewTenant { slug, name },
            NewOwner {
                username: username_from_email(&email)?,
                email,
                password_hash,
                display_name,
                timezone,
            },
        )
        .await
        .map_err(AppError::from_store("tenant"))?;
    let token = issue_token();
    store
        .create_api_token(
            created.tenant.id,
            NewApiToken {
                account_id: created.account.id,
                name: "initial owner token".to_owned(),
                digest: token.digest,
            },
        )
        .await?;
    Ok(ProvisionedTenant {
        tenant_id: created.tenant.id,
        user_id: created.user.id,
        api_token: token.secret,
        created: Some(created),
    })
}

/// The machine's IANA zone name, or UTC when it has none.
pub fn system_zone_name() -> String {
    TimeZone::system()
        .iana_name()
        .filter(|name| TimeZoneName::parse(name).is_ok())
        .unwrap_or("UTC")
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_come_from_the_email_local_part() {
        let email = EmailAddress::parse("Ada.Lovelace+x@example.com").unwrap();
        assert_eq!(
            username_from_email(&email).unwrap().as_str(),
            "ada-lovelace-x"
        );
        let odd = EmailAddress::parse("__@example.com").unwrap();
        assert_eq!(username_from_email(&odd).unwrap().as_str(), "owner");
    }
}

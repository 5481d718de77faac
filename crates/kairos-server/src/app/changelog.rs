//! The audit trail every change writes, for owners and admins.

use kairos_store::{Change, ChangeFilter, Page, PageRequest};

use super::{AppResult, Caller};
use crate::state::AppState;

/// Changelog rows, newest first, optionally of one entity (owners and admins only).
pub async fn list(
    state: &AppState,
    caller: &Caller,
    filter: ChangeFilter,
    page: PageRequest,
) -> AppResult<Page<Change>> {
    caller.require_tenant_manager()?;
    Ok(state
        .store
        .list_changes(caller.tenant(), filter, page)
        .await?)
}

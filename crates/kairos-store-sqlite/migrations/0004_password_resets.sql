-- Password-reset links for the console's "forgot your password" page. Only the SHA-256 digest of
-- a link's secret is stored; the secret itself is only in the email. A link is spent by deleting
-- its row, in the same transaction that replaces the password.

CREATE TABLE password_resets (
    digest      BLOB PRIMARY KEY,
    tenant_id   TEXT NOT NULL,
    account_id  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts(tenant_id, id) ON DELETE CASCADE
) STRICT;
CREATE INDEX idx_password_resets_account ON password_resets(tenant_id, account_id);

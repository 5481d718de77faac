-- Password-reset links for the console's "forgot your password" page. Only the SHA-256 digest of
-- a link's secret is stored; the secret itself is only in the email. A link is spent by deleting
-- its row, in the same transaction that replaces the password.
--
-- Like sessions, this table carries no row-level security: a link is how a request finds its
-- tenant in the first place. Everything it leads to is changed under the tenant's context.

CREATE TABLE password_resets (
    digest      BYTEA PRIMARY KEY CHECK (octet_length(digest) = 32),
    tenant_id   UUID NOT NULL,
    account_id  UUID NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL,
    expires_at  TIMESTAMPTZ NOT NULL,
    FOREIGN KEY (tenant_id, account_id) REFERENCES accounts(tenant_id, id) ON DELETE CASCADE
);
CREATE INDEX idx_password_resets_account ON password_resets(tenant_id, account_id);

GRANT SELECT, INSERT, DELETE ON password_resets TO kairos_app;

-- Certificate reissue (SPEC 9): the key's request, kept until the certificate is issued, and when it was
-- issued and written into the key.
ALTER TABLE certificates ADD COLUMN csr TEXT NULL AFTER pem,
  ADD COLUMN csr_sha256 CHAR(64) CHARACTER SET ascii NULL AFTER csr,
  ADD COLUMN issued_at DATETIME(6) NULL AFTER csr_sha256,
  ADD COLUMN installed_at DATETIME(6) NULL AFTER issued_at;

-- Renewal reminders (SPEC 9): when the account was told that a certificate can be renewed (once).
ALTER TABLE certificates ADD COLUMN reminded_at DATETIME(6) NULL AFTER installed_at;

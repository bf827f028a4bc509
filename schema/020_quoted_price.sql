-- The price a customer was shown when submitting an application: the order approval makes is for this amount,
-- whatever the admin sets meanwhile (NULL for applications submitted before this column, which take the
-- price in force). A rejected application is quoted again when it is submitted again.
ALTER TABLE applications ADD COLUMN IF NOT EXISTS quoted_fen BIGINT NULL AFTER years;

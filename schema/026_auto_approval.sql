-- Rule-based approval of returning customers (issue 25).  One row of rules the administrator sets; off until
-- turned on.  An application submitted while they are on is approved at once only when every condition holds
-- (see src/apply/autoapprove.c); what was checked is kept with the application for the reviewer.
CREATE TABLE approval_rules (
  id TINYINT UNSIGNED PRIMARY KEY,
  enabled TINYINT(1) NOT NULL DEFAULT 0,
  reuse_days INT UNSIGNED NOT NULL COMMENT 'days since the last approval by a person that its data may be reused',
  fresh_kinds VARCHAR(400) CHARACTER SET ascii NOT NULL COMMENT 'documents uploaded anew for every renewal',
  max_years TINYINT UNSIGNED NOT NULL,
  max_centres TINYINT UNSIGNED NOT NULL,
  max_amount_fen BIGINT NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  updated_by BIGINT UNSIGNED NULL
) ENGINE=InnoDB;

INSERT INTO approval_rules (id, enabled, reuse_days, fresh_kinds, max_years, max_centres, max_amount_fen, updated_at)
VALUES (1, 0, 365, 'application_form,responsibility_letter', 3, 8, 300000, UTC_TIMESTAMP(6));

ALTER TABLE applications
  ADD COLUMN rule_check TEXT NULL COMMENT 'the rules'' last verdict on this application (JSON)',
  ADD COLUMN rule_approved TINYINT(1) NOT NULL DEFAULT 0 COMMENT 'approved by the rules, not by a person',
  ADD KEY applications_rule (rule_approved, submitted_at);

-- Bank statements (SPEC 7): every import from the command line, the upload or
-- the inbox; every credit booked once (its key is unique); where its money went.

CREATE TABLE statements (
  id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  file_sha256 CHAR(64) CHARACTER SET ascii NOT NULL,
  source ENUM('cli','upload','inbox') NOT NULL,
  file_name VARCHAR(255) NOT NULL DEFAULT '',
  kind VARCHAR(20) NOT NULL DEFAULT '' COMMENT 'camt.053.001.02 ...',
  status ENUM('queued','running','done','failed') NOT NULL DEFAULT 'queued',
  progress TINYINT UNSIGNED NOT NULL DEFAULT 0,
  entries INT UNSIGNED NOT NULL DEFAULT 0,
  credits INT UNSIGNED NOT NULL DEFAULT 0,
  matched INT UNSIGNED NOT NULL DEFAULT 0,
  partial INT UNSIGNED NOT NULL DEFAULT 0,
  overpaid INT UNSIGNED NOT NULL DEFAULT 0,
  needs_review INT UNSIGNED NOT NULL DEFAULT 0,
  unmatched INT UNSIGNED NOT NULL DEFAULT 0,
  duplicate INT UNSIGNED NOT NULL DEFAULT 0,
  ignored INT UNSIGNED NOT NULL DEFAULT 0,
  error VARCHAR(1000) NULL,
  created_by BIGINT UNSIGNED NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  finished_at DATETIME(6) NULL,
  UNIQUE KEY statements_sha (file_sha256),
  KEY statements_created (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE credits (
  id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  credit_key CHAR(64) CHARACTER SET ascii NOT NULL COMMENT 'SHA-256 of account + AcctSvcrRef, else of the content + occurrence',
  statement_id BIGINT UNSIGNED NOT NULL,
  entry_no INT UNSIGNED NOT NULL,
  account VARCHAR(140) NOT NULL,
  amount_fen BIGINT NOT NULL,
  currency CHAR(3) CHARACTER SET ascii NOT NULL,
  booking_date DATE NULL,
  value_date DATE NULL,
  acct_svcr_ref VARCHAR(140) NOT NULL DEFAULT '',
  end_to_end_id VARCHAR(140) NOT NULL DEFAULT '',
  remittance TEXT NOT NULL,
  debtor_name VARCHAR(560) NOT NULL DEFAULT '',
  debtor_account VARCHAR(140) NOT NULL DEFAULT '',
  reversal TINYINT(1) NOT NULL DEFAULT 0,
  status ENUM('matched','partial','overpaid','needs_review','unmatched','dismissed') NOT NULL,
  suggested_order_id BIGINT UNSIGNED NULL,
  surplus_fen BIGINT NOT NULL DEFAULT 0,
  payer_mismatch TINYINT(1) NOT NULL DEFAULT 0,
  reason VARCHAR(255) NOT NULL DEFAULT '',
  created_at DATETIME(6) NOT NULL,
  UNIQUE KEY credits_key (credit_key),
  KEY credits_statement (statement_id),
  KEY credits_status (status, id),
  CONSTRAINT credits_statement_fk FOREIGN KEY (statement_id) REFERENCES statements (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Money applied to an order: from a bank credit now, from online payments later.
CREATE TABLE payments (
  id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  credit_id BIGINT UNSIGNED NOT NULL,
  order_id BIGINT UNSIGNED NOT NULL,
  amount_fen BIGINT NOT NULL,
  created_at DATETIME(6) NOT NULL,
  UNIQUE KEY payments_credit_order (credit_id, order_id),
  KEY payments_order (order_id),
  CONSTRAINT payments_credit_fk FOREIGN KEY (credit_id) REFERENCES credits (id),
  CONSTRAINT payments_order_fk FOREIGN KEY (order_id) REFERENCES orders (id)
) ENGINE=InnoDB;

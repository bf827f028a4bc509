-- Orders (created on approval), the hash-chained audit log, customers'
-- messages, invoice requests and prices that staff can edit.

CREATE SEQUENCE order_no_seq START WITH 1 INCREMENT BY 1 MINVALUE 1 MAXVALUE 9999999 NOCYCLE CACHE 20;

CREATE TABLE orders (
  id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  order_no CHAR(8) NOT NULL COMMENT 'seven-digit sequence + Damm check digit',
  application_id BIGINT UNSIGNED NOT NULL,
  account_id BIGINT UNSIGNED NOT NULL,
  status ENUM('awaiting_payment','partially_paid','paid','issuing','completed','expired','cancelled') NOT NULL DEFAULT 'awaiting_payment',
  amount_fen BIGINT NOT NULL COMMENT 'fixed at approval',
  paid_fen BIGINT NOT NULL DEFAULT 0,
  payer_name VARCHAR(100) NOT NULL,
  payer_mismatch TINYINT(1) NOT NULL DEFAULT 0,
  years TINYINT UNSIGNED NOT NULL,
  created_at DATETIME(6) NOT NULL,
  expires_at DATETIME(6) NOT NULL,
  paid_at DATETIME(6) NULL,
  updated_at DATETIME(6) NOT NULL,
  UNIQUE KEY orders_no (order_no),
  UNIQUE KEY orders_application (application_id),
  KEY orders_account (account_id, created_at),
  KEY orders_status (status, expires_at),
  CONSTRAINT orders_application_fk FOREIGN KEY (application_id) REFERENCES applications (id),
  CONSTRAINT orders_account_fk FOREIGN KEY (account_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The new certificates an order will issue (one per key per certificate).
ALTER TABLE certificates ADD COLUMN order_id BIGINT UNSIGNED NULL AFTER renews_id,
  ADD KEY certificates_order (order_id),
  ADD CONSTRAINT certificates_order_fk FOREIGN KEY (order_id) REFERENCES orders (id);

CREATE TABLE invoices (
  id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  order_id BIGINT UNSIGNED NOT NULL,
  invoice_type ENUM('normal','special') NOT NULL,
  title VARCHAR(100) NOT NULL,
  tax_no VARCHAR(20) NOT NULL DEFAULT '',
  address VARCHAR(200) NOT NULL DEFAULT '',
  phone VARCHAR(30) NOT NULL DEFAULT '',
  bank VARCHAR(100) NOT NULL DEFAULT '',
  bank_account VARCHAR(40) NOT NULL DEFAULT '',
  delivery_method ENUM('pickup','courier') NOT NULL,
  delivery_address VARCHAR(200) NOT NULL DEFAULT '',
  status ENUM('pending','issued') NOT NULL DEFAULT 'pending',
  invoice_no VARCHAR(40) NULL,
  issued_at DATETIME(6) NULL,
  issued_by BIGINT UNSIGNED NULL,
  UNIQUE KEY invoices_order (order_id),
  UNIQUE KEY invoices_no (invoice_no),
  CONSTRAINT invoices_order_fk FOREIGN KEY (order_id) REFERENCES orders (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE messages (
  id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  account_id BIGINT UNSIGNED NOT NULL,
  at DATETIME(6) NOT NULL,
  kind VARCHAR(40) NOT NULL,
  title VARCHAR(200) NOT NULL,
  body VARCHAR(1000) NOT NULL DEFAULT '',
  link VARCHAR(200) NOT NULL DEFAULT '',
  read_at DATETIME(6) NULL,
  KEY messages_account (account_id, id),
  CONSTRAINT messages_account_fk FOREIGN KEY (account_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Prices staff have set; when absent the configuration's price.* apply.
CREATE TABLE prices (
  id TINYINT UNSIGNED PRIMARY KEY,
  base_per_year BIGINT NOT NULL,
  addon_per_year BIGINT NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  updated_by BIGINT UNSIGNED NULL
) ENGINE=InnoDB;

-- Every state change and staff action, chained: hash = SHA-256 over the
-- row's fields and the previous row's hash.  audit_head holds the last
-- hash, so appends serialise on its one row and truncation shows.
CREATE TABLE audit_log (
  id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  at VARCHAR(26) NOT NULL COMMENT 'UTC, YYYY-MM-DD HH:MM:SS.ffffff, exactly as hashed',
  actor_id BIGINT UNSIGNED NULL,
  actor VARCHAR(100) NOT NULL,
  action VARCHAR(60) NOT NULL,
  object_type VARCHAR(40) NOT NULL,
  object_id VARCHAR(40) NOT NULL,
  ip VARCHAR(45) NOT NULL DEFAULT '',
  before_state TEXT NULL,
  after_state TEXT NULL,
  prev_hash CHAR(64) NOT NULL,
  hash CHAR(64) NOT NULL,
  KEY audit_actor (actor_id, id),
  KEY audit_object (object_type, object_id, id),
  KEY audit_action (action, id),
  KEY audit_at (at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE audit_head (
  id TINYINT UNSIGNED PRIMARY KEY,
  last_id BIGINT UNSIGNED NOT NULL,
  last_hash CHAR(64) NOT NULL
) ENGINE=InnoDB;
INSERT INTO audit_head (id, last_id, last_hash) VALUES (1, 0, REPEAT('0', 64));

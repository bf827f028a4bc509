-- Renewal applications (the wizard), their add-on trading centres,
-- attachments and status history.

CREATE TABLE applications (
  id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  account_id BIGINT UNSIGNED NOT NULL,
  status ENUM('draft','submitted','approved','rejected','cancelled') NOT NULL DEFAULT 'draft',
  closed TINYINT(1) NOT NULL DEFAULT 0 COMMENT 'set when its order ends, freeing the certificate',
  certificate_id BIGINT UNSIGNED NOT NULL,
  company_name VARCHAR(100) NOT NULL DEFAULT '',
  license_no VARCHAR(18) NOT NULL DEFAULT '',
  applicant_name VARCHAR(50) NOT NULL DEFAULT '',
  id_card_no VARCHAR(18) NOT NULL DEFAULT '',
  phone VARCHAR(30) NOT NULL DEFAULT '',
  email VARCHAR(254) NOT NULL DEFAULT '',
  department VARCHAR(50) NOT NULL DEFAULT '',
  license_type ENUM('three_in_one','separate') NULL,
  payer_name VARCHAR(100) NOT NULL DEFAULT '',
  years TINYINT UNSIGNED NOT NULL DEFAULT 1,
  invoice_type ENUM('normal','special') NULL,
  invoice_title VARCHAR(100) NOT NULL DEFAULT '',
  invoice_tax_no VARCHAR(20) NOT NULL DEFAULT '',
  invoice_address VARCHAR(200) NOT NULL DEFAULT '',
  invoice_phone VARCHAR(30) NOT NULL DEFAULT '',
  invoice_bank VARCHAR(100) NOT NULL DEFAULT '',
  invoice_bank_account VARCHAR(40) NOT NULL DEFAULT '',
  delivery_method ENUM('pickup','courier') NULL,
  delivery_address VARCHAR(200) NOT NULL DEFAULT '',
  reject_reason VARCHAR(500) NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  submitted_at DATETIME(6) NULL,
  -- One certificate has at most one open application.
  open_certificate_id BIGINT UNSIGNED AS
    (IF(status <> 'cancelled' AND closed = 0, certificate_id, NULL)) PERSISTENT,
  UNIQUE KEY applications_open_certificate (open_certificate_id),
  KEY applications_account (account_id, created_at),
  KEY applications_status (status, submitted_at),
  CONSTRAINT applications_account_fk FOREIGN KEY (account_id) REFERENCES users (id),
  CONSTRAINT applications_certificate_fk FOREIGN KEY (certificate_id) REFERENCES certificates (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE application_centres (
  application_id BIGINT UNSIGNED NOT NULL,
  centre_id INT UNSIGNED NOT NULL,
  PRIMARY KEY (application_id, centre_id),
  CONSTRAINT application_centres_app_fk FOREIGN KEY (application_id) REFERENCES applications (id) ON DELETE CASCADE,
  CONSTRAINT application_centres_centre_fk FOREIGN KEY (centre_id) REFERENCES trading_centres (id)
) ENGINE=InnoDB;

CREATE TABLE attachments (
  id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  application_id BIGINT UNSIGNED NOT NULL,
  kind VARCHAR(40) NOT NULL,
  content_type VARCHAR(40) NOT NULL,
  bytes BIGINT UNSIGNED NOT NULL,
  sha256 CHAR(64) NOT NULL,
  stored_name VARCHAR(64) NOT NULL COMMENT 'relative to attachments.dir',
  created_at DATETIME(6) NOT NULL,
  UNIQUE KEY attachments_kind (application_id, kind),
  CONSTRAINT attachments_app_fk FOREIGN KEY (application_id) REFERENCES applications (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE application_events (
  id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  application_id BIGINT UNSIGNED NOT NULL,
  at DATETIME(6) NOT NULL,
  actor_id BIGINT UNSIGNED NULL,
  status_from VARCHAR(20) NULL,
  status_to VARCHAR(20) NOT NULL,
  note VARCHAR(500) NULL,
  KEY application_events_app (application_id, id),
  CONSTRAINT application_events_app_fk FOREIGN KEY (application_id) REFERENCES applications (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

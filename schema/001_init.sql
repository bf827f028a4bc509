-- Accounts, sessions, login throttling, the job queue, trading centres and
-- the certificates customers hold.  Times are UTC.

CREATE TABLE users (
  id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  login VARCHAR(100) NOT NULL COMMENT 'enterprise name, user name or staff name',
  display_name VARCHAR(200) NOT NULL,
  role ENUM('enterprise','individual','reviewer','finance','admin') NOT NULL,
  password_hash VARCHAR(128) NOT NULL,
  disabled TINYINT(1) NOT NULL DEFAULT 0,
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  UNIQUE KEY users_login (login)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE sessions (
  token_hash BINARY(32) PRIMARY KEY COMMENT 'SHA-256 of the cookie token; the token is never stored',
  user_id BIGINT UNSIGNED NOT NULL,
  created_at DATETIME NOT NULL,
  last_seen DATETIME NOT NULL,
  expires_at DATETIME NOT NULL COMMENT 'absolute limit',
  ip VARCHAR(45) NOT NULL,
  KEY sessions_user (user_id),
  KEY sessions_expires (expires_at),
  CONSTRAINT sessions_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

CREATE TABLE login_failures (
  id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  account VARCHAR(100) NOT NULL,
  ip VARCHAR(45) NOT NULL,
  at DATETIME(6) NOT NULL,
  KEY login_failures_account (account, at),
  KEY login_failures_ip (ip, at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE jobs (
  id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  kind VARCHAR(40) NOT NULL,
  payload TEXT NOT NULL DEFAULT '{}',
  dedup_key VARCHAR(190) NULL COMMENT 'enqueueing the same key twice gives one job',
  status ENUM('queued','running','done','failed','dead') NOT NULL DEFAULT 'queued',
  attempts INT NOT NULL DEFAULT 0,
  run_after DATETIME(6) NOT NULL,
  lease_until DATETIME(6) NULL,
  locked_by VARCHAR(120) NULL,
  progress TINYINT UNSIGNED NOT NULL DEFAULT 0,
  last_error VARCHAR(1000) NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  finished_at DATETIME(6) NULL,
  UNIQUE KEY jobs_dedup (dedup_key),
  KEY jobs_claim (status, run_after),
  KEY jobs_lease (status, lease_until)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Every run of a 'probe' job: proves a job runs exactly once across daemons.
CREATE TABLE job_probe_runs (
  id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  job_id BIGINT UNSIGNED NOT NULL,
  runner VARCHAR(120) NOT NULL,
  at DATETIME(6) NOT NULL,
  KEY job_probe_runs_job (job_id)
) ENGINE=InnoDB;

CREATE TABLE trading_centres (
  id INT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  sort INT NOT NULL DEFAULT 0,
  active TINYINT(1) NOT NULL DEFAULT 1,
  UNIQUE KEY trading_centres_name (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO trading_centres (name, sort) VALUES
  ('武威市公共资源交易中心', 1), ('金昌市公共资源交易中心', 2),
  ('平凉市公共资源交易中心', 3), ('天水市公共资源交易中心', 4),
  ('白银市公共资源交易中心', 5), ('临夏州公共资源交易中心', 6),
  ('甘南州公共资源交易中心', 7), ('敦煌市公共资源交易中心', 8);

CREATE TABLE certificates (
  id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  account_id BIGINT UNSIGNED NOT NULL,
  token ENUM('primary','secondary') NOT NULL DEFAULT 'primary',
  trading_centre_id INT UNSIGNED NULL COMMENT 'NULL for the main certificate',
  serial VARCHAR(80) NULL COMMENT 'hex; NULL until issued',
  subject VARCHAR(1000) NOT NULL,
  issuer VARCHAR(1000) NULL,
  not_before DATETIME NULL,
  not_after DATETIME NULL,
  status ENUM('active','superseded','expired','revoked','awaiting_csr','issued','installed') NOT NULL,
  renews_id BIGINT UNSIGNED NULL,
  pem MEDIUMTEXT NULL,
  sha256 CHAR(64) NULL COMMENT 'of the DER certificate',
  created_at DATETIME(6) NOT NULL DEFAULT UTC_TIMESTAMP(6),
  UNIQUE KEY certificates_account_sha (account_id, sha256),
  KEY certificates_account (account_id, status),
  CONSTRAINT certificates_account_fk FOREIGN KEY (account_id) REFERENCES users (id),
  CONSTRAINT certificates_centre_fk FOREIGN KEY (trading_centre_id) REFERENCES trading_centres (id),
  CONSTRAINT certificates_renews_fk FOREIGN KEY (renews_id) REFERENCES certificates (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

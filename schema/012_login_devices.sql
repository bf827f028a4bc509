-- Login throttling without lock-out (issue 13): every try is recorded before the password is hashed (pending),
-- then as a failure or a success; a browser that has logged into an account before carries a device cookie
-- whose SHA-256 is kept here, and its tries are counted on their own budget.
RENAME TABLE login_failures TO login_attempts;
ALTER TABLE login_attempts
  MODIFY account VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL COMMENT 'as typed (exact)',
  ADD COLUMN device BINARY(32) NULL COMMENT 'SHA-256 of a device cookie known for this account' AFTER ip,
  ADD COLUMN outcome ENUM('pending', 'failure', 'success') NOT NULL DEFAULT 'failure' AFTER device,
  ADD KEY login_attempts_device (device, at);

CREATE TABLE login_devices (
  token_hash BINARY(32) NOT NULL COMMENT 'SHA-256 of the certrenew_device cookie',
  user_id BIGINT UNSIGNED NOT NULL,
  created_at DATETIME NOT NULL,
  last_used DATETIME NOT NULL,
  PRIMARY KEY (token_hash, user_id),
  KEY login_devices_user (user_id, last_used),
  CONSTRAINT login_devices_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;

-- Online payments (SPEC 8): one row a provider transaction, booked once whatever the provider resends.
CREATE TABLE online_payments (
  id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  provider ENUM('alipay','wechat') NOT NULL,
  trade_no VARCHAR(64) CHARACTER SET ascii NOT NULL COMMENT 'the provider''s transaction id',
  order_id BIGINT UNSIGNED NOT NULL,
  amount_fen BIGINT NOT NULL,
  payer VARCHAR(128) NOT NULL DEFAULT '' COMMENT 'the buyer as the provider names them (masked)',
  status ENUM('booked','unapplied') NOT NULL COMMENT 'unapplied: received for an order that could not take it (finance refunds it)',
  source ENUM('notify','query','return') NOT NULL,
  reason VARCHAR(255) NOT NULL DEFAULT '',
  paid_at DATETIME NULL COMMENT 'the provider''s payment time',
  created_at DATETIME(6) NOT NULL,
  UNIQUE KEY online_payments_trade (provider, trade_no),
  KEY online_payments_order (order_id),
  CONSTRAINT online_payments_order_fk FOREIGN KEY (order_id) REFERENCES orders (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- A payment comes from a bank credit or from an online payment.
ALTER TABLE payments MODIFY credit_id BIGINT UNSIGNED NULL,
  ADD COLUMN online_payment_id BIGINT UNSIGNED NULL AFTER credit_id,
  ADD UNIQUE KEY payments_online (online_payment_id),
  ADD CONSTRAINT payments_online_fk FOREIGN KEY (online_payment_id) REFERENCES online_payments (id);

-- The trades opened with a provider for an order (for the active query and for closing them).
CREATE TABLE pay_attempts (
  id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  order_id BIGINT UNSIGNED NOT NULL,
  provider ENUM('alipay','wechat') NOT NULL,
  device ENUM('desktop','mobile') NOT NULL,
  amount_fen BIGINT NOT NULL COMMENT 'what was asked of the provider',
  created_at DATETIME(6) NOT NULL,
  returned_at DATETIME(6) NULL COMMENT 'the customer came back from the provider''s page',
  queried_at DATETIME(6) NULL,
  KEY pay_attempts_order (order_id),
  CONSTRAINT pay_attempts_order_fk FOREIGN KEY (order_id) REFERENCES orders (id)
) ENGINE=InnoDB;

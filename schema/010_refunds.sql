-- Refunds of online payments (issue 10): money an order could not take (paid twice), sent back through its
-- provider.  refund_no is what the provider is given (out_request_no / out_refund_no): a retried request
-- reuses it, so the provider refunds once.
CREATE TABLE refunds (
  id BIGINT UNSIGNED AUTO_INCREMENT PRIMARY KEY,
  online_payment_id BIGINT UNSIGNED NOT NULL,
  refund_no VARCHAR(64) CHARACTER SET ascii NOT NULL,
  amount_fen BIGINT NOT NULL,
  reason VARCHAR(255) NOT NULL,
  status ENUM('pending','succeeded','failed') NOT NULL,
  provider_ref VARCHAR(64) NOT NULL DEFAULT '',
  failure VARCHAR(255) NOT NULL DEFAULT '',
  requested_by BIGINT UNSIGNED NULL,
  created_at DATETIME(6) NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  UNIQUE KEY refunds_no (refund_no),
  KEY refunds_payment (online_payment_id),
  CONSTRAINT refunds_payment_fk FOREIGN KEY (online_payment_id) REFERENCES online_payments (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- An expired order's open trades are closed with their provider, once.
ALTER TABLE pay_attempts ADD COLUMN closed_at DATETIME(6) NULL AFTER queried_at;

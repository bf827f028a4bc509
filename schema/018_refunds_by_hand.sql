-- Every surplus refundable, and a paid order cancelled with its money given back (issue 19).
-- A bank credit's surplus (or a credit no order can take) is refunded by a transfer finance makes by hand:
-- the refund is recorded with the bank's reference of that transfer and the day it was made, and the credit
-- is then 'refunded'.  A paid order whose certificate is not yet issued can be cancelled by finance with
-- all its money refunded: the order is then 'refunded'.
ALTER TABLE refunds
  MODIFY online_payment_id BIGINT UNSIGNED NULL,
  ADD COLUMN IF NOT EXISTS credit_id BIGINT UNSIGNED NULL AFTER online_payment_id,
  ADD COLUMN IF NOT EXISTS made_on DATE NULL COMMENT 'a refund by hand: the day finance made the transfer' AFTER failure,
  ADD KEY IF NOT EXISTS refunds_credit (credit_id),
  ADD CONSTRAINT refunds_credit_fk FOREIGN KEY (credit_id) REFERENCES credits (id),
  ADD CONSTRAINT refunds_one_source CHECK ((online_payment_id IS NULL) <> (credit_id IS NULL));
ALTER TABLE credits
  MODIFY status ENUM('matched','partial','overpaid','needs_review','unmatched','dismissed','refunded') NOT NULL;
ALTER TABLE orders
  MODIFY status ENUM('awaiting_payment','partially_paid','paid','issuing','completed','expired','cancelled','refunded')
    NOT NULL DEFAULT 'awaiting_payment';
-- An export's running balance: the first line whose 余额 does not follow the row before (a row is missing).
ALTER TABLE statements
  ADD COLUMN IF NOT EXISTS balance_break_line INT NULL AFTER net_fen;

-- An online payment above what its order still owed (an order partly paid by bank, then paid in full
-- through a trade opened before): the order takes what it owed, the rest is surplus, flagged, listed for
-- finance and refundable through the provider, as a bank credit's surplus is (issue 19).  Status overpaid:
-- surplus_fen of amount_fen reached no order.
ALTER TABLE online_payments
  MODIFY status ENUM('booked','unapplied','overpaid') NOT NULL
    COMMENT 'unapplied: no order took it; overpaid: the order took amount_fen - surplus_fen; both are refundable',
  ADD COLUMN IF NOT EXISTS surplus_fen BIGINT NOT NULL DEFAULT 0 AFTER amount_fen;

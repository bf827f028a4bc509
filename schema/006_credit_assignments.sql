-- Who assigned a credit to an order by hand: such an assignment can be undone while the order is not
-- yet being issued.
ALTER TABLE credits ADD COLUMN assigned_by BIGINT UNSIGNED NULL AFTER reason,
  ADD COLUMN assigned_at DATETIME(6) NULL AFTER assigned_by;

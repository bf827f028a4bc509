-- The balances a statement states (camt Bal: OPBD or PRCD opening, CLBD closing) and the net of its booked
-- entries, so that each statement is checked to add up (opening + credits - debits = closing) and to continue
-- the last one of its account (its opening equals that one's closing): a gap means a statement is missing
-- (issue 19).  NULL where the file states no balances.
ALTER TABLE statements
  ADD COLUMN IF NOT EXISTS balance_account VARCHAR(140) NULL COMMENT 'the account, digits as written without spaces and hyphens',
  ADD COLUMN IF NOT EXISTS opening_fen BIGINT NULL,
  ADD COLUMN IF NOT EXISTS opening_date DATE NULL,
  ADD COLUMN IF NOT EXISTS closing_fen BIGINT NULL,
  ADD COLUMN IF NOT EXISTS closing_date DATE NULL,
  ADD COLUMN IF NOT EXISTS net_fen BIGINT NULL COMMENT 'booked credits minus booked debits of the statement',
  ADD KEY IF NOT EXISTS statements_balance (balance_account, closing_date);

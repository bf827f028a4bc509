-- The matcher's suggestions for a credit that names no order (SPEC 7, rules 2 and 3) come from indexed
-- look-ups, not from every open order loaded into memory: open orders of the credit's amount by the payer's
-- name, with the spaces a bank or a person puts in names taken out (ASCII, tab, U+3000 ideographic space); the
-- collation already folds case and full-width letters.  The matcher compares names exactly again after.
ALTER TABLE orders
  ADD COLUMN payer_key VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci
    AS (REPLACE(REPLACE(REPLACE(payer_name, ' ', ''), CHAR(9), ''), '　', '')) PERSISTENT,
  ADD KEY orders_open_payer (status, amount_fen, payer_key);

-- The matcher's suggestions for a credit that names no order (SPEC 7, rules 2 and 3) come from indexed
-- look-ups, not from every open order loaded into memory: open orders of the credit's amount by the payer's
-- name, with the spaces a bank or a person puts in names taken out (ASCII, tab, U+3000 ideographic space); the
-- collation already folds case and full-width letters.  The matcher compares names exactly again after.
-- (Only string literals in the expression: CHAR(9) is dumped as CONVERT(CHAR(9) USING utf8mb4), whose
-- collation is the server's default, and a restore of the dump then fails on the mix of collations.)
ALTER TABLE orders
  ADD COLUMN payer_key VARCHAR(100) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci
    AS (REPLACE(REPLACE(REPLACE(payer_name, ' ', ''), '\t', ''), '　', '')) PERSISTENT,
  ADD KEY orders_open_payer (status, amount_fen, payer_key);

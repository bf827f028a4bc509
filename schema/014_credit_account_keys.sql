-- A credit's identity holds the agency's account without the spaces and hyphens files write into it
-- (SPEC 7): one transfer in a camt file ("6228 4800 1234 5678 901") and in an export
-- ("6228480012345678901") is one credit.  Rows keyed before with the account as written are re-keyed:
-- their old key is recomputed from the stored columns to find how it was made (the transaction's own
-- reference; the entry's reference and the transaction's place in it; or the content and its occurrence),
-- and the same key is made again with the account's digits.  Every row is kept.  A transfer the old key let
-- in twice keeps its old key and names the credit it repeats in duplicate_of, for `certrenewctl ledger
-- check` to report: its money reached an order twice, and only finance can undo that.
ALTER TABLE credits ADD COLUMN IF NOT EXISTS duplicate_of BIGINT UNSIGNED NULL
  COMMENT 'the credit this one repeats (one transfer booked twice before migration 014); ledger check reports it'
  AFTER credit_key;

DROP TABLE IF EXISTS credit_rekey;
CREATE TABLE credit_rekey (
  id BIGINT UNSIGNED NOT NULL PRIMARY KEY,
  new_key CHAR(64) CHARACTER SET ascii NOT NULL,
  dup_of BIGINT UNSIGNED NULL,
  KEY credit_rekey_key (new_key, id)
) ENGINE=InnoDB;

-- The transaction's own reference: "3:ref|" account reference.
INSERT IGNORE INTO credit_rekey (id, new_key)
SELECT id, SHA2(CONCAT('3:ref|', LENGTH(na), ':', na, '|', LENGTH(acct_svcr_ref), ':', acct_svcr_ref, '|'), 256)
FROM (SELECT id, credit_key, account, acct_svcr_ref, REPLACE(REPLACE(account, ' ', ''), '-', '') AS na
      FROM credits WHERE duplicate_of IS NULL AND acct_svcr_ref <> '') x
WHERE na <> account
  AND credit_key = CONVERT(SHA2(CONCAT('3:ref|', LENGTH(account), ':', account, '|', LENGTH(acct_svcr_ref), ':',
                               acct_svcr_ref, '|'), 256) USING ascii);

-- The entry's reference and the transaction's place in its batch.
INSERT IGNORE INTO credit_rekey (id, new_key)
SELECT x.id, SHA2(CONCAT('3:ref|', LENGTH(x.na), ':', x.na, '|', LENGTH(x.acct_svcr_ref), ':', x.acct_svcr_ref, '|',
                         LENGTH(s.seq), ':', s.seq, '|'), 256)
FROM (SELECT id, credit_key, account, acct_svcr_ref, REPLACE(REPLACE(account, ' ', ''), '-', '') AS na
      FROM credits WHERE duplicate_of IS NULL AND acct_svcr_ref <> '') x
JOIN seq_1_to_1000 s
WHERE x.na <> x.account AND x.id NOT IN (SELECT id FROM credit_rekey)
  AND x.credit_key = CONVERT(SHA2(CONCAT('3:ref|', LENGTH(x.account), ':', x.account, '|', LENGTH(x.acct_svcr_ref), ':',
                                 x.acct_svcr_ref, '|', LENGTH(s.seq), ':', s.seq, '|'), 256) USING ascii);

-- No reference: the content (booking date, amount, remittance, debtor) and its occurrence in the file.
INSERT IGNORE INTO credit_rekey (id, new_key)
SELECT x.id, SHA2(CONCAT('7:content|', LENGTH(x.na), ':', x.na, '|64:', x.content, '|', LENGTH(s.seq), ':', s.seq,
                         '|'), 256)
FROM (SELECT id, credit_key, account, REPLACE(REPLACE(account, ' ', ''), '-', '') AS na,
             SHA2(CONCAT(LENGTH(bd), ':', bd, '|', LENGTH(amt), ':', amt, '|', LENGTH(remittance), ':', remittance,
                         '|', LENGTH(debtor_name), ':', debtor_name, '|'), 256) AS content
      FROM (SELECT c.*, IFNULL(DATE_FORMAT(booking_date, '%Y-%m-%d'), '') AS bd, CAST(amount_fen AS CHAR) AS amt
            FROM credits c WHERE duplicate_of IS NULL AND acct_svcr_ref = '') y) x
JOIN seq_1_to_1000 s
WHERE x.na <> x.account
  AND x.credit_key = CONVERT(SHA2(CONCAT('7:content|', LENGTH(x.account), ':', x.account, '|64:', x.content, '|',
                                 LENGTH(s.seq), ':', s.seq, '|'), 256) USING ascii);

-- A new key some credit holds already (a transfer booked again from a file that wrote the account
-- without spaces), or that an earlier re-keyed row takes: a duplicate, kept and reported.
UPDATE credit_rekey r SET r.dup_of = (SELECT MIN(c.id) FROM credits c WHERE c.credit_key = r.new_key);
UPDATE credit_rekey r SET r.dup_of = (SELECT MIN(o.id) FROM credit_rekey o WHERE o.new_key = r.new_key AND o.id < r.id)
WHERE r.dup_of IS NULL;
UPDATE credits c JOIN credit_rekey r ON r.id = c.id SET c.credit_key = r.new_key WHERE r.dup_of IS NULL;
UPDATE credits c JOIN credit_rekey r ON r.id = c.id SET c.duplicate_of = r.dup_of WHERE r.dup_of IS NOT NULL;
DROP TABLE credit_rekey;

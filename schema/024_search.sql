-- Staff search (issue 23): every lookup is answered from an index, at any size.
--
-- The users list (staff first, then customers, each by id) read in its order from an index.
ALTER TABLE users
  ADD COLUMN IF NOT EXISTS is_customer TINYINT(1) AS (role IN ('enterprise', 'individual')) PERSISTENT,
  ADD KEY IF NOT EXISTS users_list (is_customer, id);

-- Customers by any part of a name: the two-character pieces (bigrams) of every name an account has (its
-- login, its display name, the company and applicant names of its applications), spaces taken out as in
-- orders.payer_key.  A search looks up the rarest piece of what was typed and checks the whole text on
-- those accounts only.  certrenew adds an account's pieces whenever one of its names is written; old
-- pieces stay (a search still checks the current names).
CREATE TABLE IF NOT EXISTS account_grams (
  gram VARCHAR(2) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,
  account_id BIGINT UNSIGNED NOT NULL,
  PRIMARY KEY (gram, account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT IGNORE INTO account_grams (gram, account_id)
SELECT SUBSTRING(n.k, s.seq, 2), n.id FROM (
  SELECT id, REPLACE(REPLACE(REPLACE(login, ' ', ''), '\t', ''), '　', '') k FROM users
  UNION SELECT id, REPLACE(REPLACE(REPLACE(display_name, ' ', ''), '\t', ''), '　', '') FROM users
  UNION SELECT account_id, REPLACE(REPLACE(REPLACE(company_name, ' ', ''), '\t', ''), '　', '')
    FROM applications
  UNION SELECT account_id, REPLACE(REPLACE(REPLACE(applicant_name, ' ', ''), '\t', ''), '　', '')
    FROM applications
) n JOIN seq_1_to_200 s ON s.seq < CHAR_LENGTH(n.k);

-- Customers by licence code (USCC), ID number and phone; orders by payer, by status and by date, newest first
-- (keyset by id); credits by payer, amount, bank reference, booking date and the order suggested for them.
-- The review queue in its order (oldest first by the time submitted), a page at a time from an index.
ALTER TABLE applications
  ADD COLUMN IF NOT EXISTS queued_at DATETIME(6) AS (IFNULL(submitted_at, created_at)) PERSISTENT,
  ADD KEY IF NOT EXISTS applications_queue (status, queued_at),
  ADD KEY IF NOT EXISTS applications_license (license_no, account_id),
  ADD KEY IF NOT EXISTS applications_id_card (id_card_no, account_id),
  ADD KEY IF NOT EXISTS applications_phone (phone, account_id);
ALTER TABLE orders
  ADD KEY IF NOT EXISTS orders_payer (payer_key, id),
  ADD KEY IF NOT EXISTS orders_state (status, id),
  ADD KEY IF NOT EXISTS orders_created (created_at);
ALTER TABLE credits
  ADD COLUMN IF NOT EXISTS payer_key VARCHAR(140) CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci
    AS (LEFT(REPLACE(REPLACE(REPLACE(debtor_name, ' ', ''), '\t', ''), '　', ''), 140)) PERSISTENT,
  ADD KEY IF NOT EXISTS credits_payer (payer_key, id),
  ADD KEY IF NOT EXISTS credits_amount (amount_fen, id),
  ADD KEY IF NOT EXISTS credits_ref (acct_svcr_ref(64)),
  ADD KEY IF NOT EXISTS credits_booked (booking_date, id),
  ADD KEY IF NOT EXISTS credits_suggested (suggested_order_id);
-- Audit rows by who did them, as the log names them (staff's accounts, "system", "certrenewctl:root").
ALTER TABLE audit_log ADD KEY IF NOT EXISTS audit_actor_name (actor, id);
-- Finance's invoices in their order (pending first, by the time the order was paid) from an index: due_at is
-- the time its order was paid (NULL while it is not), kept by certrenew when an order is paid or a payment undone.
ALTER TABLE invoices
  ADD COLUMN IF NOT EXISTS due_at DATETIME(6) NULL,
  ADD KEY IF NOT EXISTS invoices_due (status, due_at);
UPDATE invoices i JOIN orders o ON o.id = i.order_id
  SET i.due_at = IFNULL(o.paid_at, o.created_at) WHERE o.status IN ('paid', 'issuing', 'completed');
-- Old audit rows moved out of the live table (certrenewctl audit archive, the daily purge after
-- [retention] audit_live_days): the same rows and ids, compressed, one hash chain with the live ones
-- (certrenewctl audit verify walks this table first, then audit_log).
CREATE TABLE IF NOT EXISTS audit_archive LIKE audit_log;
ALTER TABLE audit_archive ROW_FORMAT=COMPRESSED;

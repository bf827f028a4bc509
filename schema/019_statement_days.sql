-- What each statement says of each day on the agency's account (booked CNY entries by booking date): the daily
-- report closes the credits it counted for a day against what the bank stated for it.
CREATE TABLE IF NOT EXISTS statement_days (
  statement_id BIGINT UNSIGNED NOT NULL,
  day DATE NOT NULL,
  credits_n INT NOT NULL,
  credits_fen BIGINT NOT NULL,
  debits_fen BIGINT NOT NULL,
  PRIMARY KEY (statement_id, day),
  KEY statement_days_day (day),
  CONSTRAINT statement_days_statement_fk FOREIGN KEY (statement_id) REFERENCES statements (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

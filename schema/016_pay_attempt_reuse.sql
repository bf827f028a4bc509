-- Opening trades is bounded (issue 19): the page or code a trade was opened with is kept, and a customer who
-- asks again for the same order, provider, device and amount gets it again instead of another provider call.
ALTER TABLE pay_attempts ADD COLUMN IF NOT EXISTS pay_url TEXT NULL
  COMMENT 'the provider''s page (Alipay) or code (WeChat Pay) this trade was opened with' AFTER amount_fen;

-- The audit chain's encoding (issue 13): rows from now on are hashed over length-prefixed fields (2), keyed with
-- an HMAC under audit.key_file when one is configured (3); the first rows keep their '|'-joined form (1).
ALTER TABLE audit_log ADD COLUMN hash_v TINYINT UNSIGNED NOT NULL DEFAULT 1 AFTER hash;

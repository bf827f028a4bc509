-- The number of add-on trading centres of an application, kept on the row so
-- that the list on 我的证书 needs no subquery per application.
ALTER TABLE applications ADD COLUMN addons TINYINT UNSIGNED NOT NULL DEFAULT 0 AFTER years;
UPDATE applications a SET addons = (SELECT COUNT(*) FROM application_centres c WHERE c.application_id = a.id);

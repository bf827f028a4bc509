-- Paperwork the customer no longer types (issue 24): the forms are printed filled from the application with
-- a QR code of it, and the QR code read back from the stamped scan is kept with the document.
ALTER TABLE attachments
  ADD COLUMN qr_text VARCHAR(120) CHARACTER SET ascii NULL COMMENT 'the QR code read from a printed form''s scan',
  -- The upload sweep asks of every file whether a row names it: without this, a scan of the table each
  -- (52,934 files on a grown test database took minutes).
  ADD KEY attachments_stored (stored_name);

-- The forms' wording, edited by the administrator like any help page (the agency's own text).  Above it each
-- form prints a table of the application (company, licence code, applicant, ID number, phone, the certificate
-- renewed, add-on centres, years), below it the places for the seal and the signatures.  {company},
-- {license_no}, {applicant}, {id_card_no}, {phone}, {email}, {department}, {certificate}, {centres}, {years},
-- {agency}, {date} and {application_id} are filled in from the application.
INSERT INTO help_pages (name, title, body, updated_at) VALUES
('form-application_form', '企业数字证书申请表', CONCAT_WS('\n',
'{company}（统一社会信用代码：{license_no}）现向{agency}申请更新上表所列数字证书，开通年限 {years} 年，加开地州市证书：{centres}。',
'',
'## 申请单位声明',
'- 本单位提交的上述信息及所附材料真实、准确、完整，如有变更将及时通知{agency}。',
'- 本单位已阅读并同意《数字证书责任书》，愿意承担因申请信息不实而产生的一切责任。',
'- 本单位指定{applicant}（身份证号：{id_card_no}，联系电话：{phone}）为本次办理的经办人。',
'',
'本申请表须加盖单位公章（鲜章）后扫描上传，复印件无效。'), UTC_TIMESTAMP(6)),
('form-application_form-individual', '个人数字证书申请表', CONCAT_WS('\n',
'本人{applicant}（身份证号：{id_card_no}）现向{agency}申请更新上表所列数字证书，开通年限 {years} 年，加开地州市证书：{centres}。',
'',
'## 申请人声明',
'- 本人提交的上述信息及所附材料真实、准确、完整，如有变更将及时通知{agency}。',
'- 本人已阅读并同意《数字证书责任书》，愿意承担因申请信息不实而产生的一切责任。',
'',
'本申请表须由申请人本人签字后扫描上传。'), UTC_TIMESTAMP(6)),
('form-responsibility_letter', '数字证书责任书', CONCAT_WS('\n',
'数字证书是证书持有人在网络上的身份凭证，与其在交易平台上的签字盖章具有同等法律效力。为保障各方权益，证书持有人（以下称“持有人”）承诺如下：',
'',
'## 一、妥善保管',
'- 持有人应妥善保管数字证书介质（UKey）及其口令，不得转借、转让或出租他人使用。',
'- 因持有人保管不善造成证书被他人使用的，由持有人承担由此产生的一切后果。',
'',
'## 二、及时挂失与变更',
'- 证书介质遗失、口令泄露或怀疑被他人使用的，持有人应立即通知{agency}申请注销。',
'- 持有人的名称、统一社会信用代码、经办人等信息变更时，应及时申请证书变更或更新。',
'',
'## 三、合法使用',
'- 持有人仅将数字证书用于公共资源交易等合法用途，不得用于任何违法活动。',
'',
'持有人已阅读并理解本责任书的全部内容，同意遵守上述约定。'), UTC_TIMESTAMP(6)),
('form-power_of_attorney', '授权委托书', CONCAT_WS('\n',
'委托单位：{company}（统一社会信用代码：{license_no}）',
'',
'本单位现委托{applicant}（身份证号：{id_card_no}，联系电话：{phone}）作为本单位的代理人，全权代表本单位向{agency}办理上表所列数字证书的更新手续，包括提交申请材料、确认申请信息、领取证书及发票等事项。',
'',
'代理人在上述委托权限内所办理的一切手续及签署的相关文件，本单位均予以承认，并承担相应的法律责任。',
'',
'委托期限：自本委托书签署之日起至本次证书更新办理完毕之日止。代理人无转委托权。'), UTC_TIMESTAMP(6));

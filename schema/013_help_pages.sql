-- Help pages the administrator edits without a rebuild (issue 12): the seed's guidance after payment.
-- The body is plain text with a little markup (## heading, "- " list items, blank lines between
-- paragraphs); {hotline}, {service_hours}, {driver_url} and {agency} are filled in from [agency].
CREATE TABLE help_pages (
  name VARCHAR(40) CHARACTER SET ascii NOT NULL PRIMARY KEY,
  title VARCHAR(100) NOT NULL,
  body TEXT NOT NULL,
  updated_at DATETIME(6) NOT NULL,
  updated_by BIGINT UNSIGNED NULL,
  CONSTRAINT help_pages_user_fk FOREIGN KEY (updated_by) REFERENCES users (id) ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

INSERT INTO help_pages (name, title, body, updated_at) VALUES ('after-payment', '付款后如何更新证书', CONCAT_WS('\n',
'付款到账后，新证书即可签发。请按以下步骤把新证书写入您的证书锁（UKey）。',
'',
'## 一、付款确认',
'- 在线支付（支付宝、微信支付）：付款后即时确认。',
'- 银行转账：银行的到账数据到达后自动确认，通常在二十分钟以内；请务必在转账备注中填写 8 位订单号。',
'订单页面会自动更新，无需刷新。',
'',
'## 二、安装新版驱动和离线盖章工具',
'办理更新前，请先登录 {driver_url} 下载并安装新版 UKey 驱动以及离线盖章工具，确保您的证书更新有效。',
'',
'## 三、在“证书服务”中更新证书',
'- 打开“订单信息”，进入已付款的订单，在下方“证书服务”中操作。',
'- 插入证书锁，点击“更新证书”；系统在证书锁中生成密钥、提交证书请求、签发新证书并写入证书锁，每一步都会显示进度。',
'- 没有证书锁助手时，可上传证书请求文件，签发后下载证书，写入证书锁后点击“已写入证书锁”。',
'',
'## 四、输入两次口令',
'更新过程中会先后两次弹出口令框，两次间隔为 2 秒至 30 秒。请在第二次弹出口令框后尽快输入口令；如过长时间未输入口令，请先关闭口令框再重新输入。',
'',
'## 五、主锁和副锁逐个更新',
'如需同时更新主锁和副锁，请逐个办理：一次只插入一把证书锁，完成后再插入另一把。',
'',
'## 六、遇到问题',
'- 如果数据不能正常推送，请致电 {hotline}。',
'- 工作时间：{service_hours}。'), UTC_TIMESTAMP(6));

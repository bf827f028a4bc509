#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account/account.h"
#include "bytes.h"
#include "dockinds.h"
#include "forms.h"
#include "help.h"
#include "paper.h"
#include "timefmt.h"

/* The printed kinds, and who signs each. */
static const struct {
	const char *kind;
	const char *signers_enterprise;
	const char *signers_individual;
} printed[] = {
    {"application_form", "申请单位（盖章）：\n\n法定代表人或授权代表（签字）：", "申请人（签字）："},
    {"responsibility_letter", "申请单位（盖章）：\n\n法定代表人或授权代表（签字）：", "申请人（签字）："},
    {"power_of_attorney", "委托单位（盖章）：\n\n法定代表人（签字或盖章）：\n\n受托人（签字）：", NULL},
};
#define NPRINTED ((int)(sizeof printed / sizeof printed[0]))

static int
printed_index(const char *kind)
{
	for (int i = 0; i < NPRINTED; i++)
		if (strcmp(printed[i].kind, kind) == 0)
			return i;
	return -1;
}

int
cr_form_printed(const char *kind)
{
	return printed_index(kind) >= 0;
}

void
cr_form_version(const struct cr_app *a, char out[9])
{
	/* What every form prints of the application, each field ended by a unit separator. */
	char buf[8 * CR_FORM_BYTES + 64 + CR_FORM_MAX_CENTRES * 24];
	size_t n = 0;
	uint8_t sum[32];

	for (int i = 0; i <= 6; i++) /* company to department: the fields the table shows */
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%s\x1f", a->form.f[i]);
	n += (size_t)snprintf(buf + n, sizeof buf - n, "%lld\x1f%lld\x1f", a->form.certificate_id,
	                      a->form.years);
	for (int i = 0; i < a->form.ncentres; i++)
		n += (size_t)snprintf(buf + n, sizeof buf - n, "%lld,", a->form.centres[i]);
	cr_sha256(sum, buf, n < sizeof buf ? n : sizeof buf - 1);
	cr_hex(out, sum, 4);
	out[8] = '\0';
}

/* Everything a form shows, read once. */
struct sheet {
	const struct cr_config *cfg;
	struct cr_app a;
	int enterprise;
	char version[9], date[32], id[24], years[32];
	char certificate[1200];
	char centres[CR_FORM_MAX_CENTRES * 120];
};

static const char *
placeholder(const struct sheet *s, const char *name, size_t n)
{
	static const struct {
		const char *name;
		int field; /* index in the form, or -1 */
	} fields[] = {{"company", 0},        {"license_no", 1}, {"applicant", 2},  {"id_card_no", 3},
	              {"phone", 4},          {"email", 5},      {"department", 6}, {"certificate", -1},
	              {"centres", -2},       {"years", -3},     {"agency", -4},    {"date", -5},
	              {"application_id", -6}};

	for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
		if (strlen(fields[i].name) != n || strncmp(fields[i].name, name, n) != 0)
			continue;
		switch (fields[i].field) {
		case -1: return s->certificate;
		case -2: return s->centres;
		case -3: return s->years;
		case -4: return s->cfg->agency_name;
		case -5: return s->date;
		case -6: return s->id;
		default: return s->a.form.f[fields[i].field];
		}
	}
	return NULL;
}

/* line with {name}s filled in (unknown names left as written); the caller frees. */
static char *
fill(const struct sheet *s, const char *line, size_t len)
{
	size_t cap = len * 2 + 256, n = 0;
	char *out = malloc(cap);

	if (out == NULL)
		return NULL;
	for (size_t i = 0; i < len;) {
		const char *v = NULL, *end = NULL;

		if (line[i] == '{' && (end = memchr(line + i, '}', len - i)) != NULL &&
		    end - line - i - 1 < 20)
			v = placeholder(s, line + i + 1, (size_t)(end - line - i - 1));
		size_t add = v ? strlen(v) : 1;

		if (n + add + 1 > cap) {
			char *nb;

			cap = (n + add + 1) * 2;
			if ((nb = realloc(out, cap)) == NULL) {
				free(out);
				return NULL;
			}
			out = nb;
		}
		if (v) {
			memcpy(out + n, v, add);
			i = (size_t)(end - line) + 1;
		} else
			out[n] = line[i++];
		n += add;
	}
	out[n] = '\0';
	return out;
}

/* The template's body drawn from y down (## headings, "- " items, paragraphs); returns the new y. */
static double
draw_body(struct cr_paper *p, const struct sheet *s, const char *body, double y)
{
	const double x = CR_PAPER_MARGIN, w = CR_A4_W - 2 * CR_PAPER_MARGIN;

	for (const char *line = body; *line;) {
		size_t len = strcspn(line, "\n");
		char *text = fill(s, line, len);

		if (text != NULL) {
			char *t = text + strspn(text, " \t\r");

			t[strcspn(t, "\r")] = '\0';
			if (*t == '\0')
				y += 6;
			else if (strncmp(t, "## ", 3) == 0)
				y += 4 + cr_paper_text(p, x, y + 4, w, CR_PAPER_SANS " Bold", 12,
				                       CR_ALIGN_LEFT, t + 3);
			else if (strncmp(t, "- ", 2) == 0) {
				cr_paper_text(p, x + 12, y, 12, CR_PAPER_SERIF, 11, CR_ALIGN_LEFT, "•");
				y += cr_paper_text(p, x + 24, y, w - 24, CR_PAPER_SERIF, 11, CR_ALIGN_LEFT,
				                   t + 2);
			} else {
				/* Paragraphs begin two characters in, as Chinese documents do. */
				char *para = malloc(strlen(t) + 8);

				if (para != NULL) {
					sprintf(para, "\u3000\u3000%s", t);
					y += cr_paper_text(p, x, y, w, CR_PAPER_SERIF, 11, CR_ALIGN_LEFT,
					                   para);
					free(para);
				}
			}
			free(text);
		}
		line += len;
		if (*line == '\n')
			line++;
	}
	return y;
}

/* One row of the fields' table. */
static double
row(struct cr_paper *p, double y, const char *label, const char *value)
{
	return cr_paper_row(p, y, label, value, CR_PAPER_SERIF, 11);
}

static int
load_sheet(struct cr_db *db, struct sheet *s, struct cr_err *err)
{
	const struct cr_appform *f = &s->a.form;
	struct cr_res res;
	size_t n = 0;

	cr_china_today(s->date, sizeof s->date, "%Y年%m月%d日");
	snprintf(s->id, sizeof s->id, "%lld", s->a.id);
	if (f->years > 0)
		snprintf(s->years, sizeof s->years, "%lld", f->years);
	else
		snprintf(s->years, sizeof s->years, "（尚未选择）");
	cr_form_version(&s->a, s->version);
	s->certificate[0] = '\0';
	if (cr_db_exec(db, &res, err, "SELECT token, subject, serial FROM certificates WHERE id = ?", "i",
	               f->certificate_id) != 0)
		return CR_EDB;
	if (res.nrows)
		snprintf(s->certificate, sizeof s->certificate, "%s（%s，序列号 %s）", cr_res_str(&res, 0, 1),
		         strcmp(cr_res_str(&res, 0, 0), "secondary") == 0 ? "副锁" : "主锁",
		         cr_res_str(&res, 0, 2));
	cr_res_release(&res);
	snprintf(s->centres, sizeof s->centres, "无");
	if (cr_db_exec(db, &res, err,
	               "SELECT t.name FROM application_centres c JOIN trading_centres t ON t.id = c.centre_id"
	               " WHERE c.application_id = ? ORDER BY t.name",
	               "i", s->a.id) != 0)
		return CR_EDB;
	for (size_t r = 0; r < res.nrows && n < sizeof s->centres - 1; r++)
		n += (size_t)snprintf(s->centres + n, sizeof s->centres - n, "%s%s", r ? "、" : "",
		                      cr_res_str(&res, r, 0));
	cr_res_release(&res);
	return 0;
}

static int
draw(const struct sheet *s, int k, const char *title, const char *body, char **pdf, size_t *len)
{
	const double x = CR_PAPER_MARGIN, w = CR_A4_W - 2 * CR_PAPER_MARGIN, qr = 80, seal = 110;
	char qrtext[CR_FORM_QR_MAX], line[256], footer[512];
	struct cr_paper *p = cr_paper_new(title);
	const struct cr_appform *f = &s->a.form;
	const char *signers;
	double y;

	if (p == NULL)
		return -1;
	snprintf(qrtext, sizeof qrtext, CR_FORM_QR_PREFIX "%lld:%s:%s", s->a.id, printed[k].kind, s->version);
	cr_paper_qr(p, CR_A4_W - CR_PAPER_MARGIN - qr + 8, 20, qr, qrtext);
	snprintf(line, sizeof line, "申请编号 %lld · 版本 %s", s->a.id, s->version);
	cr_paper_text(p, CR_A4_W - CR_PAPER_MARGIN - 140, 20 + qr, 148, CR_PAPER_SANS, 7.5, CR_ALIGN_CENTER,
	              line);
	cr_paper_text(p, x, 40, w - qr, CR_PAPER_SANS, 10, CR_ALIGN_LEFT, s->cfg->agency_name);
	y = 60;
	y += cr_paper_text(p, x, y, w, CR_PAPER_SANS " Bold", 20, CR_ALIGN_CENTER, title) + 14;
	snprintf(line, sizeof line, "申请编号：%lld　　打印日期：%s", s->a.id, s->date);
	y += cr_paper_text(p, x, y, w - 150, CR_PAPER_SERIF, 10, CR_ALIGN_LEFT, line) + 8;
	if (s->enterprise) {
		y += row(p, y, "单位名称", f->f[0]);
		y += row(p, y, "统一社会信用代码", f->f[1]);
	}
	y += row(p, y, "申请人姓名", f->f[2]);
	y += row(p, y, "申请人身份证号", f->f[3]);
	y += row(p, y, "联系电话", f->f[4]);
	if (f->f[5][0])
		y += row(p, y, "电子邮箱", f->f[5]);
	if (s->enterprise && f->f[6][0])
		y += row(p, y, "所在部门", f->f[6]);
	y += row(p, y, "待更新数字证书", s->certificate[0] ? s->certificate : "（未选择）");
	y += row(p, y, "加开地州市证书", s->centres);
	snprintf(line, sizeof line, "%s%s", s->years, f->years > 0 ? " 年" : "");
	y += row(p, y, "开通年限", line) + 14;
	y = draw_body(p, s, body, y) + 20;
	snprintf(footer, sizeof footer,
	         "本表由%s证书更新系统根据申请 %lld 填好（版本 %s）。申请内容修改后，请重新下载打印；"
	         "请勿遮挡或涂改二维码。",
	         s->cfg->agency_name, s->a.id, s->version);
	cr_paper_line(p, x, CR_A4_H - 48, x + w, CR_A4_H - 48, 0.4);
	cr_paper_text(p, x, CR_A4_H - 42, w, CR_PAPER_SANS, 8, CR_ALIGN_LEFT, footer);
	/* Where the seal and the signatures go: on the next page when this one is full. */
	signers = s->enterprise ? printed[k].signers_enterprise : printed[k].signers_individual;
	if (y + seal + 30 > CR_A4_H - 56) {
		cr_paper_page(p);
		cr_paper_line(p, x, CR_A4_H - 48, x + w, CR_A4_H - 48, 0.4);
		cr_paper_text(p, x, CR_A4_H - 42, w, CR_PAPER_SANS, 8, CR_ALIGN_LEFT, footer);
		y = CR_PAPER_MARGIN;
	}
	cr_paper_text(p, x + w / 2 - 40, y, w / 2 + 40, CR_PAPER_SERIF, 11.5, CR_ALIGN_LEFT, signers);
	if (s->enterprise) {
		cr_paper_box(p, x + 24, y - 4, seal, seal, 0.5, 1);
		cr_paper_text(p, x + 24, y + seal / 2 - 10, seal, CR_PAPER_SANS, 9, CR_ALIGN_CENTER,
		              "（在此加盖单位公章）");
	}
	cr_paper_text(p, x + w / 2 - 40, y + seal, w / 2 + 40, CR_PAPER_SERIF, 11.5, CR_ALIGN_LEFT,
	              "日期：　　　　年　　月　　日");
	return cr_paper_finish(p, pdf, len);
}

int
cr_form_pdf(struct cr_db *db, const struct cr_config *cfg, long long account_id, long long app_id,
            const char *kind, char **pdf, size_t *len, char filename[128], struct cr_err *err)
{
	struct sheet *s = calloc(1, sizeof *s);
	const struct cr_doc_kind *dk = cr_doc_kind_find(kind);
	int k = printed_index(kind), rc;
	char page[64];
	json_t *tpl = NULL;

	if (s == NULL)
		return cr_err_set(err, CR_ENOMEM, "out of memory");
	s->cfg = cfg;
	if (k < 0 || dk == NULL) {
		rc = cr_err_user(err, CR_ENOTFOUND, NULL, "没有这种可下载的表格：%s", kind);
		goto out;
	}
	if ((rc = cr_app_load(db, account_id, app_id, 0, &s->a, err)) != 0)
		goto out;
	s->enterprise = cr_user_is_enterprise(db, s->a.account_id);
	if ((s->enterprise ? printed[k].signers_enterprise : printed[k].signers_individual) == NULL) {
		rc = cr_err_user(err, CR_EINVAL, NULL, "个人申请不需要%s", dk->label);
		goto out;
	}
	/* The agency's wording: the individual's own page where there is one. */
	snprintf(page, sizeof page, "form-%s%s", kind, s->enterprise ? "" : "-individual");
	if (cr_help_get(db, page, &tpl, NULL) != 0) {
		snprintf(page, sizeof page, "form-%s", kind);
		if ((rc = cr_help_get(db, page, &tpl, err)) != 0)
			goto out;
	}
	if ((rc = load_sheet(db, s, err)) != 0)
		goto out;
	if (draw(s, k, json_string_value(json_object_get(tpl, "title")),
	         json_string_value(json_object_get(tpl, "body")), pdf, len) != 0) {
		rc = cr_err_set(err, CR_EIO, "drawing the form %s of application %lld failed", kind, app_id);
		goto out;
	}
	snprintf(filename, 128, "%s-%lld.pdf", kind, app_id);
out:
	json_decref(tpl);
	free(s);
	return rc;
}

/*
 * A QR text of ours, "CERTRENEW-FORM:<id, 1 to 18 digits>:<kind, a-z_>:<8
 * hex digits>" and nothing more, into its parts; -1 when it is not one.
 */
static int
parse_qr(const char *qr, long long *id, char kind[41], char version[9])
{
	const char *p = qr;
	size_t n;

	*id = 0;
	if (strncmp(p, CR_FORM_QR_PREFIX, strlen(CR_FORM_QR_PREFIX)) != 0)
		return -1;
	p += strlen(CR_FORM_QR_PREFIX);
	for (n = 0; p[n] >= '0' && p[n] <= '9' && n < 18; n++)
		*id = *id * 10 + (p[n] - '0');
	if (n == 0 || p[n] != ':')
		return -1;
	p += n + 1;
	n = strspn(p, "abcdefghijklmnopqrstuvwxyz_");
	if (n == 0 || n > 40 || p[n] != ':' || strspn(p + n + 1, "0123456789abcdef") != 8 || p[n + 9] != '\0')
		return -1;
	memcpy(kind, p, n);
	kind[n] = '\0';
	memcpy(version, p + n + 1, 9);
	return 0;
}

void
cr_form_qr_pick(const struct cr_app *a, const char *kind, const char *codes, char *out, size_t outlen)
{
	int best = -1;

	out[0] = '\0';
	for (const char *line = codes; *line;) {
		size_t n = strcspn(line, "\n");
		char qr[CR_FORM_QR_MAX + 1], qkind[41], qver[9];
		long long qid;
		int score = 0;

		snprintf(qr, sizeof qr, "%.*s", (int)n, line);
		if (parse_qr(qr, &qid, qkind, qver) == 0)
			score = 1 + (strcmp(qkind, kind) == 0) * 4 + (qid == a->id) * 2;
		if (score > best) {
			best = score;
			snprintf(out, outlen, "%s", qr);
		}
		line += n + (line[n] == '\n');
	}
}

json_t *
cr_form_scan_json(const struct cr_app *a, const char *kind, const char *qr)
{
	char version[9], qkind[41], qver[9];
	const char *state, *msg;
	long long qid;

	if (qr == NULL || *qr == '\0')
		return json_pack("{s:s, s:s}", "state", "none", "message",
		                 "未识别到二维码：可能不是本系统打印的表格，或扫描不清晰");
	if (parse_qr(qr, &qid, qkind, qver) != 0)
		return json_pack("{s:s, s:s}", "state", "not_ours", "message",
		                 "扫描件上的二维码不是本系统表格的二维码");
	cr_form_version(a, version);
	if (qid != a->id) {
		state = "other_application";
		msg = "这份扫描件属于另一份申请";
	} else if (strcmp(qkind, kind) != 0) {
		state = "other_form";
		msg = "这份扫描件是另一种表格";
	} else if (strcmp(qver, version) != 0) {
		state = "outdated";
		msg = "表格已过期：打印后申请内容有修改，须重新下载打印";
	} else {
		state = "ok";
		msg = "这份扫描件属于本申请，内容与当前申请一致";
	}
	return json_pack("{s:s, s:I, s:s, s:s, s:s}", "state", state, "application_id", (json_int_t)qid,
	                 "kind", qkind, "version", qver, "message", msg);
}

/* GET /api/v1/settings: what the pages need to know of the configuration (prices, bounds, kinds, labels);
   GET /api/v1/agency: who runs the service, for the login page and every footer. */
#include <string.h>

#include "apply/apply.h"
#include "dockinds.h"
#include "handlers.h"
#include "pay/pay.h"
#include "price.h"
#include "status.h"

void
cr_h_settings(struct cr_req *r)
{
	const struct cr_config *cfg = r->web->cfg;
	json_t *kinds = json_array();
	struct cr_prices p;

	for (int k = 0; k < cr_doc_kind_count; k++)
		json_array_append_new(
		    kinds, json_pack("{s:s, s:s, s:s, s:b, s:b, s:b, s:b}", "kind", cr_doc_kinds[k].kind,
		                     "label", cr_doc_kinds[k].label, "label_individual",
		                     cr_doc_kinds[k].label_individual ? cr_doc_kinds[k].label_individual
		                                                      : cr_doc_kinds[k].label,
		                     "separate_only", cr_doc_kinds[k].separate_only, "enterprise",
		                     (cr_doc_kinds[k].audience & CR_FOR_ENTERPRISE) != 0, "individual",
		                     (cr_doc_kinds[k].audience & CR_FOR_INDIVIDUAL) != 0, "printed",
		                     cr_form_printed(cr_doc_kinds[k].kind)));
	cr_prices_load(r->web->db, cfg, &p);
	/* The online payment methods configured (bank transfer is always offered). */
	json_t *methods = json_array(), *on_phone = json_array();
	for (int i = 0; i < cr_provider_count; i++)
		if (cr_providers[i].enabled(cfg)) {
			const struct cr_provider *pv = &cr_providers[i];

			json_array_append_new(methods, json_string(pv->name));
			/* A phone cannot scan a code on its own screen: such a method needs its mobile form.
			 */
			if (!pv->scan || (pv->mobile_enabled && pv->mobile_enabled(cfg)))
				json_array_append_new(on_phone, json_string(pv->name));
		}
	cr_reply_json(
	    r, 200,
	    json_pack("{s:I, s:I, s:I, s:I, s:I, s:s, s:I, s:o, s:{s:s, s:s, s:s}, s:o, s:s, s:o, s:o, "
	              "s:{s:s, s:s}}",
	              "base_per_year_fen", (json_int_t)p.base_per_year, "addon_per_year_fen",
	              (json_int_t)p.addon_per_year, "max_years", (json_int_t)cfg->order_max_years,
	              "renew_before_days", (json_int_t)cfg->ca_renew_before_days, "renew_after_days",
	              (json_int_t)cfg->ca_renew_after_days, "validity_from", cfg->ca_validity_from,
	              "attachment_max_bytes", (json_int_t)cfg->attachments_max_bytes, "attachment_kinds",
	              kinds, "bank", "account_name", cfg->bank_account_name, "account", cfg->bank_account,
	              "bank_name", cfg->bank_name, "status_labels", cr_status_labels_json(), "ukey_helper",
	              cfg->ukey_helper_url, "pay_methods", methods, "pay_methods_phone", on_phone,
	              "ukey_key_alg", "main", cfg->ukey_key_alg, "addon",
	              strcmp(cfg->ukey_key_alg_addon, "same") == 0 ? cfg->ukey_key_alg
	                                                           : cfg->ukey_key_alg_addon));
}

void
cr_h_agency(struct cr_req *r)
{
	const struct cr_config *cfg = r->web->cfg;

	cr_req_header(r, "Cache-Control: public, max-age=300");
	cr_reply_json(r, 200,
	              json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "name", cfg->agency_name, "address",
	                        cfg->agency_address, "hotline", cfg->agency_hotline, "copyright",
	                        cfg->agency_copyright, "service_hours", cfg->agency_service_hours,
	                        "driver_url", cfg->agency_driver_url));
}

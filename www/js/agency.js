/* The agency running the service ([agency] in the configuration): its name, hotline, address and copyright
   in every page's footer and on the login page, as the seed's pages carry them. */
let cached = null;

/* The agency, fetched once per page (no session needed); {} when it cannot be read. */
export function agency() {
  if (!cached) {
    cached = fetch("/api/v1/agency", { credentials: "same-origin" })
      .then((r) => (r.ok ? r.json() : {}))
      .catch(() => ({}));
  }
  return cached;
}

/* Fills <footer class="page-footer"> with the hotline, the service hours, the address and the copyright. */
export async function mountFooter() {
  const a = await agency();
  const footer = document.querySelector("footer.page-footer");
  if (!footer) return a;
  const lines = [
    a.hotline ? "服务热线：" + a.hotline + (a.service_hours ? "　工作时间：" + a.service_hours : "") : null,
    a.address ? "地址：" + a.address : null,
    a.copyright || (a.name ? a.name : null),
  ].filter(Boolean);
  footer.replaceChildren(...lines.map((t) => {
    const p = document.createElement("div");
    p.textContent = t;
    return p;
  }));
  return a;
}

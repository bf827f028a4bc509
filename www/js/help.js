/* Help pages (GET /api/v1/help/NAME): the administrator's text drawn as headings, lists and paragraphs, never
   as HTML. Markup: a line "## 标题" is a heading, lines "- 内容" a list, a blank line ends a paragraph;
   http(s) addresses become links; {hotline}, {service_hours}, {driver_url} and {agency} are the agency's. */
import { h } from "./ui.js";

const URL_RE = /(https?:\/\/[^\s，。；、）)]+)/;

function fill(text, a) {
  return text.replace(/\{(hotline|service_hours|driver_url|agency)\}/g, (_, k) =>
    (k === "agency" ? a.name : a[k]) || "（未设置）");
}

/* A line's text with its web addresses as links (opened in a new window). */
function inline(text) {
  return text.split(URL_RE).map((part, i) =>
    i % 2 ? h("a", { href: part, target: "_blank", rel: "noopener noreferrer" }, part) : part);
}

/* The body as DOM nodes. */
export function helpBody(body, a) {
  const out = [];
  let para = [], list = null;
  const flush = () => {
    if (para.length) out.push(h("p", {}, inline(para.join(""))));
    para = [];
  };
  for (const raw of fill(body, a || {}).split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith("## ")) {
      flush(); list = null;
      out.push(h("h3", {}, inline(line.slice(3))));
    } else if (/^[-*] /.test(line)) {
      flush();
      if (!list) out.push((list = h("ul", {})));
      list.append(h("li", {}, inline(line.slice(2))));
    } else if (!line) {
      flush(); list = null;
    } else {
      list = null;
      para.push(line);
    }
  }
  flush();
  return out;
}

/* The page header shared by the portal and the staff pages: brand, navigation, the account's
   name and the logout button, built into <header id="topbar">. */
import { bindLogout, h } from "./ui.js";

/* Builds the header; navId names the <nav> (its links are set with setNav). Returns the nav. */
export function mountHeader(brand, navId) {
  const nav = h("nav", { class: "mainnav", id: navId || null });
  document.getElementById("topbar").replaceChildren(
    h("div", { class: "brand" }, brand),
    nav,
    h("div", { class: "account" }, h("span", { id: "account-name" }), " ", h("button", { id: "logout", type: "button", class: "link" }, "退出")));
  bindLogout(document.getElementById("logout"));
  return nav;
}

/* Shows who is logged in. */
export function setAccountName(text) {
  document.getElementById("account-name").textContent = text;
}

/* Fills nav with links [{href, key, text, extra}], the one whose key is active marked. */
export function setNav(nav, links, active) {
  nav.replaceChildren(...links.map((l) =>
    h("a", { href: l.href, "data-nav": l.key, class: l.key === active ? "active" : null }, l.text, l.extra ? [" ", l.extra] : null)));
}

/* Marks the link of key active, leaving the links as they are. */
export function markNav(key) {
  document.querySelectorAll("#topbar [data-nav]").forEach((a) => a.classList.toggle("active", a.dataset.nav === key));
}

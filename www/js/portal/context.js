/* What every page of the portal shares: who is logged in, the settings and trading centres
   (filled in once at boot by portal.js), and small helpers. */
import { markNav } from "../header.js";

export const ctx = { me: null, settings: null, centres: [] };

export const statusClass = (s) => "badge badge-" + s;
export const tokenLabel = (c) => (c.trading_centre ? c.trading_centre : c.token === "secondary" ? "副锁" : "主锁");
export const navActive = markNav;

// Placeholder: replaced by the real screen.
import { el } from "/app/ui.js";

export const ledgerScreen = {
  path: "/ledger",
  title: "Ledger report",
  nav: true,
  adminOnly: false,
  async render(container) {
    container.append(el("p", {}, "This screen is being built."));
  },
};

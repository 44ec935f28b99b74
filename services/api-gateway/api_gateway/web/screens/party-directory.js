// Placeholder: replaced by the real screen.
import { el } from "/app/ui.js";

export const partyDirectoryScreen = {
  path: "/admin/party-directory",
  title: "Party directory",
  nav: true,
  adminOnly: true,
  async render(container) {
    container.append(el("p", {}, "This screen is being built."));
  },
};

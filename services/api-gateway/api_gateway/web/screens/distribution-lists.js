// Placeholder: replaced by the real screen.
import { el } from "/app/ui.js";

export const distributionListsScreen = {
  path: "/admin/distribution-lists",
  title: "Distribution lists",
  nav: true,
  adminOnly: true,
  async render(container) {
    container.append(el("p", {}, "This screen is being built."));
  },
};

// Placeholder: replaced by the real screen.
import { el } from "/app/ui.js";

export const emailSettingsScreen = {
  path: "/admin/email-settings",
  title: "Email settings",
  nav: true,
  adminOnly: true,
  async render(container) {
    container.append(el("p", {}, "This screen is being built."));
  },
};

// Placeholder: replaced by the real screen.
import { el } from "/app/ui.js";

export const exportsScreen = {
  path: "/exports",
  title: "My exports",
  nav: true,
  adminOnly: false,
  async render(container) {
    container.append(el("p", {}, "This screen is being built."));
  },
};

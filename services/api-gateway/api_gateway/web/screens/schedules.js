// Placeholder: replaced by the real screens.
import { el } from "/app/ui.js";

export const schedulesScreen = {
  path: "/schedules",
  title: "Schedules",
  nav: true,
  adminOnly: false,
  async render(container) {
    container.append(el("p", {}, "This screen is being built."));
  },
};

export const scheduleDetailScreen = {
  path: "/schedules/",
  pattern: /^\/schedules\/([0-9a-f-]{36})$/,
  title: "Schedule",
  nav: false,
  adminOnly: false,
  async render(container) {
    container.append(el("p", {}, "This screen is being built."));
  },
};

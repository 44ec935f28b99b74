// Every screen, in navigation order. A screen: {path, title, nav, adminOnly, pattern?, render}.
// render(container, {params, role, user}) appends the screen below its heading.

import { ledgerScreen } from "/app/screens/ledger.js";
import { outstandingScreen } from "/app/screens/outstanding.js";
import { statementRunsScreen } from "/app/screens/statement-runs.js";
import { exportsScreen } from "/app/screens/exports.js";
import { schedulesScreen } from "/app/screens/schedules.js";
import { scheduleDetailScreen } from "/app/screens/schedule-detail.js";
import { auditScreen } from "/app/screens/audit.js";
import { confirmationsScreen } from "/app/screens/confirmations.js";
import { emailSettingsScreen } from "/app/screens/email-settings.js";
import { companyProfileScreen } from "/app/screens/company-profile.js";
import { booksImportScreen } from "/app/screens/books-import.js";
import { partyDirectoryScreen } from "/app/screens/party-directory.js";
import { distributionListsScreen } from "/app/screens/distribution-lists.js";

export const SCREENS = [
  ledgerScreen,
  outstandingScreen,
  statementRunsScreen,
  exportsScreen,
  schedulesScreen,
  scheduleDetailScreen,
  confirmationsScreen,
  auditScreen,
  emailSettingsScreen,
  companyProfileScreen,
  booksImportScreen,
  partyDirectoryScreen,
  distributionListsScreen,
];

// Audit actions the UI names in the reader's language (audit.actions.* in src/i18n);
// anything else is shown exactly as the server stored it. A filter ending in "." matches
// every action of that kind on the server ("user." → user.create, user.update, …).
export const AUDIT_ACTION_KINDS = ["auth.", "user.", "department.", "role.", "token."] as const;

export const KNOWN_AUDIT_ACTIONS = [
  "auth.login",
  "auth.login_failed",
  "auth.locked",
  "auth.logout",
  "auth.password_change",
  "user.create",
  "user.update",
  "user.profile_update",
  "user.password_reset",
  "department.create",
  "department.update",
  "department.delete",
  "role.create",
  "role.update",
  "role.delete",
  "token.create",
  "token.revoke",
] as const;

// Shapes of the server's JSON, as the API contract names them.

/** Ids are opaque to the browser: numbers today, maybe strings tomorrow. */
export type Id = number | string;

export interface RoleRef {
  id: Id;
  key: string;
  name: string;
}

export interface DepartmentRef {
  id: Id;
  name: string;
}

export interface Me {
  id: Id;
  username: string;
  display_name: string;
  email: string | null;
  locale: string | null;
  is_admin: boolean;
  roles: RoleRef[];
  departments: DepartmentRef[];
}

export interface ApiToken {
  id: Id;
  name: string;
  prefix: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface CreatedApiToken {
  id: Id;
  name: string;
  prefix: string;
  created_at: string;
  expires_at: string | null;
  token: string;
}

export interface User {
  id: Id;
  username: string;
  display_name: string;
  email: string | null;
  is_active: boolean;
  locale: string | null;
  roles: RoleRef[];
  departments: DepartmentRef[];
  created_at: string;
}

export interface Department {
  id: Id;
  name: string;
  parent_id: Id | null;
  head_user_id: Id | null;
  head: { id: Id; display_name: string } | null;
  sort: number;
  member_count: number;
}

export interface Role {
  id: Id;
  key: string;
  name: string;
  description: string;
  builtin: boolean;
  user_count: number;
}

export interface AuditEntry {
  id: Id;
  at: string;
  actor_id: Id | null;
  actor_name: string | null;
  action: string;
  target_type: string | null;
  target_id: Id | null;
  ip: string | null;
  user_agent: string | null;
  before: unknown;
  after: unknown;
}

export interface Page<T> {
  items: T[];
  total: number;
}

export interface Items<T> {
  items: T[];
}

export interface AuditPage {
  items: AuditEntry[];
  next_before_id: Id | null;
}

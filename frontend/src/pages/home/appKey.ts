// App keys: short lowercase identifiers, proposed from the name where it allows.

/** An app key proposed from its name when the name is ASCII (`Sales CRM` → `sales_crm`). */
export function keyFromName(name: string): string {
  const base = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .replace(/^[^a-z]+/, "");
  return base.slice(0, 20).replace(/_+$/, "");
}

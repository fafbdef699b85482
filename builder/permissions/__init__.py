"""Who may do what in an app: its roles, their members, and each role's permission group per form."""

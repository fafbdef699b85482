"""The organisation directory: users, departments (a tree with heads) and roles. Admin only."""

"""Records of published forms: CRUD, lists, trash, bulk, history — all through the permission gate."""

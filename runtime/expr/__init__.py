"""/api/expr: the formula editor's catalogue of functions and its live type check."""

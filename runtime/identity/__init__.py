"""Identity: passwords, sessions with CSRF tokens, personal API tokens, login throttling."""

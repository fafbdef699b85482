"""The file store: uploads kept on disk under random keys, served safely."""

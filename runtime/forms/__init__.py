"""Published forms at run time: loading compiled versions and applying schema plans."""

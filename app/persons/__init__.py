"""persons domain: the 三有 person library (人员信息库)."""

"""competition: youth science and technology contests for a city science association."""

SELECT min(b), max(b), min(dt), max(dt), min(ts), max(ts), min(s), max(s), count(bin) FROM types

SELECT abs(st) FROM types

SELECT hour(ts), minute(ts), year(ts), month(ts), day(ts) FROM types

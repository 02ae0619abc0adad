SELECT window(ts, '5 minutes') FROM types

SELECT id, s, bin, dt, ts FROM types

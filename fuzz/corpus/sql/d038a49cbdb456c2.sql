SELECT id, part, time, hour(time) FROM nested

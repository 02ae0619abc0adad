SELECT id, part, time FROM nested

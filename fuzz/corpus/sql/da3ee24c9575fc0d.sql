SELECT id FROM nested

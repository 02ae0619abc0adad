SELECT count(*), min(id), max(id) FROM nested

SELECT count(*), sum(id) FROM nested

SELECT count(*) FROM nested WHERE as_int IS NULL

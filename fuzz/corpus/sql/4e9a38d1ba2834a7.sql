SELECT count(*) FROM nested WHERE a.aa = '3' OR a.ac IS NULL

SELECT i, a[i], e[CAST(i AS STRING)], size(f) FROM nested

SELECT coalesce(s, 'none'), coalesce(n, -1), coalesce(d, 0.5), nvl(dec, 1.25), if(b, 'y', 'n') FROM nulls WHERE id = 0

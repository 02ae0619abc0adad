SELECT window(ts, '1 hour').start AS s, count(*) FROM types GROUP BY 1

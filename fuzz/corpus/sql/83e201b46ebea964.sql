SELECT w.start, w.end, n FROM (SELECT window(to_timestamp(concat(Date, ' 10:07'), 'M/d/yyyy HH:mm'), '10 minutes') AS w, count(*) AS n FROM sales GROUP BY 1)

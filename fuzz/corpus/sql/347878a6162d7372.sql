SELECT Price, count(*) FROM sales GROUP BY Country

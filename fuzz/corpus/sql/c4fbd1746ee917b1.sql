SELECT Country, count(*) FROM sales GROUP BY Country ORDER BY 2 DESC

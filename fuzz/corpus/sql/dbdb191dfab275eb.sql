SELECT Country, count(*) FROM sales GROUP BY Country

SELECT Country, count(*) FROM sales GROUP BY 5

SELECT Country, Quantity > 10 AS big, count(*) FROM sales GROUP BY 1, 2

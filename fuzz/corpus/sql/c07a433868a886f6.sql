SELECT Country, sum(Quantity) FROM sales WHERE Quantity > 0 GROUP BY Country HAVING sum(Quantity) > 0

SELECT Country, sum(Price * Quantity) AS revenue, count(*) AS lines FROM sales GROUP BY Country ORDER BY revenue DESC

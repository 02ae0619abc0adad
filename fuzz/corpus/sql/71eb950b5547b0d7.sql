SELECT Country, sum(Price * Quantity) AS revenue FROM sales WHERE Quantity > 0 GROUP BY Country ORDER BY revenue DESC

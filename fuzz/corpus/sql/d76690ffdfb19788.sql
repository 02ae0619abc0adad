SELECT Country, sum(Price * Quantity) AS revenue FROM sales GROUP BY Country
